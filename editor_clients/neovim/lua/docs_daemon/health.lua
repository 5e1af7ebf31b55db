--- :checkhealth docs_daemon — can the server start, which databases does it load, and what does
--- the running server say about itself.
local compat = require("docs_daemon.compat")

local M = {}

--- The `docs-daemon info` command matching a serve command: the same program and database
--- options, so it loads what the language server would load.
---@param cmd string[] e.g. { "docs-daemon", "serve" }, { "python3", "-m", "docs_daemon", "serve" }
---@param init_options table|nil
---@return string[]|nil nil when `cmd` has no `serve` to replace (a custom wrapper)
function M.info_command(cmd, init_options)
  local serve_at = nil
  for i, arg in ipairs(cmd) do
    if arg == "serve" then
      serve_at = i
      break
    end
  end
  if serve_at == nil then
    return nil
  end
  local info = vim.list_slice(cmd, 1, serve_at - 1)
  table.insert(info, "info")
  local i = serve_at + 1
  while i <= #cmd do
    if cmd[i] == "--db" and cmd[i + 1] ~= nil then
      vim.list_extend(info, { "--db", cmd[i + 1] })
      i = i + 1
    elseif cmd[i] == "--no-bundled" then
      table.insert(info, "--no-bundled")
    end
    i = i + 1
  end
  init_options = init_options or {}
  for _, database in ipairs(init_options.databases or {}) do
    vim.list_extend(info, { "--db", database })
  end
  if init_options.bundled == false then
    table.insert(info, "--no-bundled")
  end
  return info
end

---@param report table
---@param config table
local function check_command(report, config)
  local cmd = config.cmd
  if type(cmd) ~= "table" or type(cmd[1]) ~= "string" then
    report.info("cmd is not a list of strings (a function?); the server command cannot be checked")
    return
  end
  report.info("server command: " .. table.concat(cmd, " "))
  if vim.fn.executable(cmd[1]) ~= 1 then
    report.error(cmd[1] .. " is not executable", {
      "install the server: pip install docs-daemon",
      "or point cmd at a Python that has it: { 'python3', '-m', 'docs_daemon', 'serve' }",
    })
    return
  end
  report.ok(cmd[1] .. " found at " .. vim.fn.exepath(cmd[1]))

  local info = M.info_command(cmd, config.init_options)
  if info == nil then
    report.info("cmd has no `serve` argument, so `docs-daemon info` cannot be derived from it")
    return
  end
  local output = vim.fn.system(info)
  local lines = vim.tbl_filter(function(line)
    return line ~= ""
  end, vim.split(output, "\n"))
  if vim.v.shell_error ~= 0 then
    report.error(table.concat(info, " ") .. " failed (exit " .. vim.v.shell_error .. ")", lines)
    return
  end
  report.ok(table.concat(info, " ") .. " runs; it reports:")
  for _, line in ipairs(lines) do
    report.info(line)
  end
end

---@param report table
local function check_running(report)
  local clients = compat.clients(require("docs_daemon").name)
  if #clients == 0 then
    report.info("no docs_daemon client is running (open a Python file to start one)")
    return
  end
  for _, client in ipairs(clients) do
    -- `{}`, not nil: a request without params is rejected by some JSON-RPC stacks.
    local ok, status, err =
      pcall(compat.request_sync, client, "docsDaemon/status", vim.empty_dict(), 3000)
    if not ok then
      report.warn(
        string.format("client %d: docsDaemon/status raised %s", client.id, tostring(status))
      )
    elseif type(status) ~= "table" then
      report.warn(
        string.format("client %d did not answer docsDaemon/status: %s", client.id, vim.inspect(err))
      )
    elseif status.state == "ready" then
      local docsets = {}
      for _, docset in ipairs(status.docsets or {}) do
        table.insert(
          docsets,
          string.format("%s %s (%s entries)", docset.name, docset.version, docset.entryCount)
        )
      end
      report.ok(string.format("client %d is ready: %s", client.id, table.concat(docsets, ", ")))
    elseif status.state == "failed" then
      report.error(string.format("client %d failed to load: %s", client.id, tostring(status.error)))
    else
      report.info(string.format("client %d is %s", client.id, tostring(status.state)))
    end
  end
end

function M.check()
  local report = compat.health()
  report.start("docs-daemon")
  local version = vim.version()
  report.info(
    string.format(
      "Neovim %d.%d.%d; the client is started with %s",
      version.major,
      version.minor,
      version.patch,
      compat.start_api()
    )
  )
  local ok, config = pcall(require("docs_daemon").config)
  if not ok then
    report.error(tostring(config))
    return
  end
  check_command(report, config)
  check_running(report)
end

return M
