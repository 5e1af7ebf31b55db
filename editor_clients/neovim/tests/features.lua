--- The checks run against a started plugin, whatever way it was started: open a Python file, wait
--- for the server, then hover, completion, workspace symbols, :DocsSearch, :DocsOpenBrowser and
--- :checkhealth, as a user would meet them.
local H = require("harness")
local compat = require("docs_daemon.compat")

local F = {}

local SOURCE = {
  "import json",
  "import os.path",
  "",
  "json.dumps({})",
  "os.path.",
}
local DUMPS = { line = 3, character = 6 } -- inside `dumps` of json.dumps
local AFTER_PATH_DOT = { line = 4, character = 8 } -- right after `os.path.`

local STARTUP_MS = 60000

--- Lowercased text of a hover's contents, whatever shape the server chose.
local function hover_text(contents)
  if type(contents) == "string" then
    return contents
  elseif contents.value ~= nil then
    return contents.value
  end
  local parts = {}
  for _, part in ipairs(contents) do
    table.insert(parts, type(part) == "string" and part or part.value)
  end
  return table.concat(parts, "\n")
end

--- Open a Python file in a fresh directory; the plugin should start the server for it.
---@return integer bufnr
function F.open_python_file()
  local dir = vim.fn.tempname()
  vim.fn.mkdir(dir, "p")
  local path = dir .. "/example.py"
  vim.fn.writefile(SOURCE, path)
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local bufnr = vim.api.nvim_get_current_buf()
  H.check(vim.bo[bufnr].filetype == "python", "the buffer is Python", vim.bo[bufnr].filetype)
  return bufnr
end

--- A second Python file of the same project is served by the same client, not a new server.
---@param bufnr integer
function F.second_buffer_shares_the_client(bufnr)
  local first = compat.clients("docs_daemon", bufnr)[1]
  local path = vim.fn.fnamemodify(vim.api.nvim_buf_get_name(bufnr), ":h") .. "/second.py"
  vim.fn.writefile({ "import os" }, path)
  vim.cmd("edit " .. vim.fn.fnameescape(path))
  local second = vim.api.nvim_get_current_buf()
  local attached = vim.wait(10000, function()
    return compat.clients("docs_daemon", second)[1] ~= nil
  end, 50)
  local client = compat.clients("docs_daemon", second)[1]
  H.check(attached and client.id == first.id, "a second file shares the running client", client)
  H.check(
    #compat.clients("docs_daemon") == 1,
    "one docs_daemon client runs",
    #compat.clients("docs_daemon")
  )
  vim.cmd("buffer " .. bufnr)
end

--- Wait until a docs_daemon client is attached and initialized, then until the server is ready.
---@param bufnr integer
---@return table|nil client
function F.wait_ready(bufnr)
  local client, seen
  local function initialized()
    client = compat.clients("docs_daemon", bufnr)[1]
    seen = seen or client
    return client ~= nil
      and client.server_capabilities ~= nil
      and next(client.server_capabilities) ~= nil
  end
  -- Stop waiting early when the client came and went: the server exited.
  vim.wait(STARTUP_MS, function()
    return initialized() or (seen ~= nil and client == nil)
  end, 50)
  local why = seen and "the server exited (see lsp.log)" or "no client started"
  if not H.check(initialized(), "a docs_daemon client attaches and initializes", why) then
    return nil
  end
  local status
  local ready = vim.wait(STARTUP_MS, function()
    status = compat.request_sync(client, "docsDaemon/status", vim.empty_dict(), 5000, bufnr)
    return type(status) == "table" and status.state ~= "loading"
  end, 200)
  H.check(ready and status.state == "ready", "docsDaemon/status reaches ready", status)
  local notified = vim.wait(10000, function()
    local last = require("docs_daemon").status(client.id)
    return last ~= nil and last.state == "ready"
  end, 50)
  H.check(
    notified,
    "the plugin heard the docsDaemon/status notification",
    require("docs_daemon").status(client.id)
  )
  return client
end

---@param bufnr integer
---@param method string
---@param params table
---@return any the first client's result
local function request(bufnr, method, params)
  local responses = vim.lsp.buf_request_sync(bufnr, method, params, 15000) or {}
  for _, response in pairs(responses) do
    if response.error ~= nil or response.err ~= nil then
      return nil, response.error or response.err
    end
    return response.result
  end
  return nil, "no response"
end

---@param bufnr integer
function F.hover(bufnr)
  local params = { textDocument = { uri = vim.uri_from_bufnr(bufnr) }, position = DUMPS }
  local result, err = request(bufnr, "textDocument/hover", params)
  if not H.check(type(result) == "table", "hover over json.dumps answers", err) then
    return
  end
  local text = hover_text(result.contents)
  H.check(
    text:find("Serialize", 1, true) ~= nil,
    "the hover has the official text (Serialize ...)",
    text
  )
  H.check(
    text:find("docs.python.org/3.11/library/json.html", 1, true) ~= nil,
    "the hover links the official page",
    text
  )
end

--- :DocsHover opens a float with docs-daemon's answer alone.
---@param bufnr integer
function F.docs_hover(bufnr)
  vim.api.nvim_set_current_buf(bufnr)
  vim.api.nvim_win_set_cursor(0, { DUMPS.line + 1, DUMPS.character })
  local before = #vim.api.nvim_list_wins()
  vim.cmd("DocsHover")
  local float
  vim.wait(15000, function()
    for _, win in ipairs(vim.api.nvim_list_wins()) do
      if vim.api.nvim_win_get_config(win).relative ~= "" then
        float = win
      end
    end
    return float ~= nil
  end, 50)
  if not H.check(float ~= nil and #vim.api.nvim_list_wins() > before, ":DocsHover opens a float") then
    return
  end
  local text = table.concat(vim.api.nvim_buf_get_lines(vim.api.nvim_win_get_buf(float), 0, -1, false), "\n")
  H.check(text:find("Serialize", 1, true) ~= nil, ":DocsHover shows the official text", text)
  vim.api.nvim_win_close(float, true)
end

---@param bufnr integer
function F.completion(bufnr)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(bufnr) },
    position = AFTER_PATH_DOT,
    context = { triggerKind = 2, triggerCharacter = "." },
  }
  local result, err = request(bufnr, "textDocument/completion", params)
  if not H.check(type(result) == "table", "completion after os.path. answers", err) then
    return
  end
  local items = result.items or result
  local join
  local labels = {}
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
    if item.label == "join" then
      join = item
    end
  end
  H.check(join ~= nil, "completion after os.path. offers join", labels)
  H.check(vim.tbl_contains(labels, "exists"), "completion after os.path. offers exists", labels)
  if join == nil then
    return
  end
  local resolved, resolve_err = request(bufnr, "completionItem/resolve", join)
  local documentation = type(resolved) == "table" and resolved.documentation
  local doc_text = documentation and hover_text(documentation) or ""
  H.check(
    doc_text:lower():find("join one or more path", 1, true) ~= nil,
    "completionItem/resolve documents join with the official text",
    resolve_err or resolved
  )
end

---@param bufnr integer
function F.workspace_symbol(bufnr)
  local result, err = request(bufnr, "workspace/symbol", { query = "dumps" })
  if
    not H.check(type(result) == "table" and #result > 0, "workspace/symbol dumps answers", err)
  then
    return
  end
  local found
  for _, symbol in ipairs(result) do
    if symbol.name == "dumps" and symbol.containerName == "json" then
      found = symbol
    end
  end
  if not H.check(found ~= nil, "workspace/symbol dumps lists json.dumps", result) then
    return
  end
  local path = vim.uri_to_fname(found.location.uri)
  H.check(vim.fn.filereadable(path) == 1, "json.dumps' location is a readable page", path)
end

--- require("docs_daemon").configure() reaches the running server: fewer symbols, then back.
---@param bufnr integer
function F.configure(bufnr)
  local function symbol_count()
    local result = request(bufnr, "workspace/symbol", { query = "dump" })
    return type(result) == "table" and #result or -1
  end
  local before = symbol_count()
  H.check(before > 3, "workspace/symbol dump finds more than 3 entries", before)
  require("docs_daemon").configure({ maxResults = 3 })
  local count
  local limited = vim.wait(15000, function()
    count = symbol_count()
    return count >= 0 and count <= 3
  end, 100)
  H.check(limited, "configure({ maxResults = 3 }) limits workspace symbols to 3", count)
  require("docs_daemon").configure({ maxResults = 50 })
  local restored = vim.wait(15000, function()
    return symbol_count() == before
  end, 100)
  H.check(restored, "configure({ maxResults = 50 }) restores them", symbol_count())
end

--- :DocsSearch dumps, choosing json.dumps in the picker as the user would.
function F.docs_search()
  local offered
  local original_select = vim.ui.select
  vim.ui.select = function(items, opts, on_choice)
    offered = vim.tbl_map(opts.format_item, items)
    for _, item in ipairs(items) do
      if item.name == "dumps" and item.containerName == "json" then
        return on_choice(item, _)
      end
    end
    on_choice(nil, nil)
  end
  local windows = #vim.api.nvim_tabpage_list_wins(0)
  vim.cmd("DocsSearch dumps")
  local opened = vim.wait(15000, function()
    return #vim.api.nvim_tabpage_list_wins(0) > windows
  end, 50)
  vim.ui.select = original_select
  H.check(offered ~= nil and #offered > 0, ":DocsSearch offers a choice", offered)
  H.check(
    offered ~= nil and vim.tbl_contains(offered, "json.dumps  (Function)"),
    "the picker reads json.dumps  (Function)",
    offered
  )
  if not H.check(opened, ":DocsSearch dumps opens a split", "no new window") then
    return
  end
  local name = vim.api.nvim_buf_get_name(0)
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  H.check(name:sub(-3) == ".md", "the split shows a Markdown page", name)
  H.check(
    text:find("Serialize", 1, true) ~= nil,
    "the page holds json.dumps' docs",
    text:sub(1, 500)
  )
  vim.cmd("close")
end

--- :DocsOpenBrowser on json.dumps: the server asks Neovim to show the web page; the system's
--- opener (vim.ui.open) is replaced so no browser starts, and records what it was given.
---@param bufnr integer
function F.open_in_browser(bufnr)
  local opened_url
  local original_open = vim.ui.open
  vim.ui.open = function(url)
    opened_url = url
    return {
      wait = function()
        return { code = 0, stdout = "", stderr = "" }
      end,
    },
      nil
  end
  vim.api.nvim_set_current_buf(bufnr)
  vim.api.nvim_win_set_cursor(0, { DUMPS.line + 1, DUMPS.character })
  vim.cmd("DocsOpenBrowser")
  vim.wait(15000, function()
    return opened_url ~= nil
  end, 50)
  vim.ui.open = original_open
  H.check(
    type(opened_url) == "string"
      and opened_url:find("^https://docs%.python%.org/") ~= nil
      and opened_url:find("#json%.dumps$") ~= nil,
    ":DocsOpenBrowser opens json.dumps' page on docs.python.org",
    opened_url
  )
end

function F.checkhealth()
  vim.cmd("checkhealth docs_daemon")
  local lines = vim.api.nvim_buf_get_lines(0, 0, -1, false)
  local text = table.concat(lines, "\n")
  H.check(text:find("OK", 1, true) ~= nil, ":checkhealth docs_daemon reports OK", text)
  H.check(text:find("is ready", 1, true) ~= nil, ":checkhealth sees the running server ready", text)
  H.check(text:find("ERROR", 1, true) == nil, ":checkhealth reports no error", text)
  if vim.tbl_contains(H.server_cmd(), "serve") then
    H.check(text:find("info runs", 1, true) ~= nil, ":checkhealth runs `docs-daemon info`", text)
  end
end

--- Everything, in the order a user would meet it.
function F.run_all()
  local bufnr = F.open_python_file()
  local client = F.wait_ready(bufnr)
  if client == nil then
    return
  end
  F.second_buffer_shares_the_client(bufnr)
  F.hover(bufnr)
  F.docs_hover(bufnr)
  F.completion(bufnr)
  F.workspace_symbol(bufnr)
  F.configure(bufnr)
  F.docs_search()
  F.open_in_browser(bufnr)
  F.checkhealth()
end

return F
