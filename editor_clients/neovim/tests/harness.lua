--- What every Neovim test script shares: where the plugin is, the server command from the
--- environment, checks that count failures, and an exit status that tells the caller.
local H = {}

local failures = 0

--- The plugin directory (editor_clients/neovim), derived from this file's own path.
H.plugin_dir = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h:h")

--- Write a line to stderr: in headless Neovim that is what the calling process sees.
---@param message string
function H.log(message)
  io.stderr:write(message .. "\n")
end

--- Record one assertion; `detail` is shown when it fails.
---@param ok boolean
---@param what string
---@param detail any
function H.check(ok, what, detail)
  if ok then
    H.log("ok    " .. what)
  else
    failures = failures + 1
    H.log("FAIL  " .. what .. ": " .. (type(detail) == "string" and detail or vim.inspect(detail)))
  end
  return ok
end

--- The server command the test runner passes as a JSON list in DOCS_DAEMON_TEST_CMD.
---@return string[]
function H.server_cmd()
  local encoded = os.getenv("DOCS_DAEMON_TEST_CMD")
  assert(encoded ~= nil and encoded ~= "", "DOCS_DAEMON_TEST_CMD (a JSON list) is not set")
  return vim.fn.json_decode(encoded)
end

--- Make the plugin available the way a plugin manager does (on 'runtimepath', plugin/ sourced),
--- with filetype detection on as in any user configuration.
function H.install_plugin()
  vim.opt.runtimepath:prepend(H.plugin_dir)
  vim.cmd("filetype on")
  vim.cmd("runtime! plugin/docs_daemon.lua")
end

--- Run the test body; any Lua error counts as a failure. Exit 0 only when every check passed.
---@param body function
function H.run(body)
  local ok, err = xpcall(body, debug.traceback)
  if not ok then
    failures = failures + 1
    H.log("ERROR " .. tostring(err))
  end
  H.log(string.format("%d failure(s)", failures))
  if failures == 0 then
    vim.cmd("qall!")
  else
    vim.cmd("cquit 1")
  end
end

return H
