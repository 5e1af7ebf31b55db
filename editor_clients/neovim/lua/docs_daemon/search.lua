--- :DocsSearch (workspace symbols into vim.ui.select, the chosen page in a split) and
--- :DocsOpenBrowser (the entry under the cursor on the web, through the server's command).
local compat = require("docs_daemon.compat")

local M = {}

local NAME = "docs_daemon"

--- The docs_daemon client for a request: the one attached to `bufnr` first, else any running.
---@param bufnr integer|nil
---@return table|nil
local function find_client(bufnr)
  local client = (bufnr and compat.clients(NAME, bufnr)[1]) or compat.clients(NAME)[1]
  if client == nil then
    vim.notify(
      "docs-daemon is not running: open a Python file (or call require('docs_daemon').setup())",
      vim.log.levels.WARN
    )
  end
  return client
end

local KIND_NAMES = {}
for name, number in pairs(vim.lsp.protocol.SymbolKind) do
  if type(name) == "string" and type(number) == "number" then
    KIND_NAMES[number] = name
  end
end

--- How a symbol reads in the picker: `json.dumps  (Function)`.
---@param symbol table SymbolInformation or WorkspaceSymbol
---@return string
function M.format_symbol(symbol)
  local name = symbol.name
  if
    symbol.containerName ~= nil
    and symbol.containerName ~= ""
    and symbol.containerName ~= vim.NIL
  then
    name = symbol.containerName .. "." .. name
  end
  local kind = KIND_NAMES[symbol.kind]
  return kind and string.format("%s  (%s)", name, kind) or name
end

--- Open a symbol's location, the rendered Markdown page of the entry, in a read-only split.
---@param symbol table
function M.open_symbol(symbol)
  local location = symbol.location or {}
  local uri = location.uri
  if uri == nil then
    vim.notify("docs-daemon: " .. M.format_symbol(symbol) .. " has no page", vim.log.levels.WARN)
    return
  end
  if not vim.startswith(uri, "file:") then
    compat.open_external(uri)
    return
  end
  vim.cmd("split " .. vim.fn.fnameescape(vim.uri_to_fname(uri)))
  vim.bo.readonly = true
  vim.bo.modifiable = false
  if location.range ~= nil then
    local line = location.range.start.line + 1
    pcall(vim.api.nvim_win_set_cursor, 0, { line, 0 })
  end
end

--- Ask the server for documentation matching `query` and let the user pick one to read.
---@param query string|nil asked for with vim.ui.input when empty
function M.search(query)
  if query == nil or query == "" then
    vim.ui.input({ prompt = "Search docs: " }, function(input)
      if input ~= nil and input ~= "" then
        M.search(input)
      end
    end)
    return
  end
  local client = find_client(vim.api.nvim_get_current_buf())
  if client == nil then
    return
  end
  compat.request(client, "workspace/symbol", { query = query }, function(err, result)
    if err ~= nil then
      vim.notify(
        "docs-daemon search failed: " .. (err.message or vim.inspect(err)),
        vim.log.levels.ERROR
      )
      return
    end
    if result == nil or result == vim.NIL or #result == 0 then
      vim.notify("docs-daemon: nothing matches " .. query, vim.log.levels.INFO)
      return
    end
    vim.ui.select(result, {
      prompt = "Documentation for " .. query .. ":",
      format_item = M.format_symbol,
      kind = "docs_daemon.symbol",
    }, function(choice)
      if choice ~= nil then
        M.open_symbol(choice)
      end
    end)
  end)
end

--- Open the official web page of the name under the cursor. The server answers the command by
--- sending window/showDocument (external), which Neovim 0.10+ handles and compat.show_document
--- handles before that; the returned URL is echoed so it can also be copied.
function M.open_in_browser()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = find_client(bufnr)
  if client == nil then
    return
  end
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  local command = { command = "docsDaemon.openInBrowser", arguments = { params } }
  compat.request(client, "workspace/executeCommand", command, function(err, url)
    if err ~= nil then
      vim.notify("docs-daemon: " .. (err.message or vim.inspect(err)), vim.log.levels.ERROR)
    elseif type(url) ~= "string" then
      vim.notify("docs-daemon: no documentation for the name under the cursor", vim.log.levels.INFO)
    else
      vim.notify("docs-daemon: " .. url, vim.log.levels.INFO)
    end
  end, bufnr)
end

return M
