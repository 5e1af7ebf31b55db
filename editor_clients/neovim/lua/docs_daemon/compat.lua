--- The few places where Neovim 0.7 … 0.11+ differ, so the rest of the plugin reads the same
--- everywhere.
local M = {}

--- Whether the running Neovim is at least `version` ("0.10", "0.11").
---@param version string
---@return boolean
function M.has(version)
  return vim.fn.has("nvim-" .. version) == 1
end

--- Which API starts the client: the name is shown by :checkhealth.
---@return "vim.lsp.enable"|"vim.lsp.start"|"vim.lsp.start_client"
function M.start_api()
  if M.has("0.11") and vim.lsp.config ~= nil and vim.lsp.enable ~= nil then
    return "vim.lsp.enable"
  elseif vim.lsp.start ~= nil then
    return "vim.lsp.start"
  end
  return "vim.lsp.start_client"
end

local islist = vim.islist or vim.tbl_islist

--- Whether `value` is a table with string keys (a dictionary to merge into, not a list to replace).
---@param value any
---@return boolean
function M.is_dict(value)
  return type(value) == "table" and next(value) ~= nil and not islist(value)
end

--- Merge `override` into a copy of `base`: dictionaries merge key by key, anything else (lists
--- included: a user's `cmd` replaces ours, it is not spliced into it) replaces.
---@param base table
---@param override table|nil
---@return table
function M.merge(base, override)
  local result = vim.deepcopy(base)
  for key, value in pairs(override or {}) do
    if M.is_dict(value) and M.is_dict(result[key]) then
      result[key] = M.merge(result[key], value)
    else
      result[key] = vim.deepcopy(value)
    end
  end
  return result
end

--- Running clients called `name`, optionally only those attached to `bufnr`.
---@param name string
---@param bufnr integer|nil
---@return table[]
function M.clients(name, bufnr)
  if vim.lsp.get_clients ~= nil then
    return vim.lsp.get_clients({ name = name, bufnr = bufnr })
  end
  local found = {}
  local candidates = bufnr and vim.lsp.buf_get_clients(bufnr) or vim.lsp.get_active_clients()
  for _, client in pairs(candidates) do
    if client.name == name then
      table.insert(found, client)
    end
  end
  return found
end

--- Send a request: 0.11 made client methods take `self` (`client:request`), older ones do not.
---@param client table
---@param method string
---@param params table|nil
---@param handler function
---@param bufnr integer|nil
function M.request(client, method, params, handler, bufnr)
  if M.has("0.11") then
    return client:request(method, params, handler, bufnr)
  end
  return client.request(method, params, handler, bufnr)
end

--- Send a notification (`client:notify` on 0.11+, `client.notify` before).
---@param client table
---@param method string
---@param params table|nil
function M.notify(client, method, params)
  if M.has("0.11") then
    return client:notify(method, params)
  end
  return client.notify(method, params)
end

--- Send a request and wait for its answer: returns (result, error).
---@param client table
---@param method string
---@param params table|nil
---@param timeout_ms integer
---@param bufnr integer|nil
---@return any, any
function M.request_sync(client, method, params, timeout_ms, bufnr)
  local response, err
  if M.has("0.11") then
    response, err = client:request_sync(method, params, timeout_ms, bufnr)
  else
    response, err = client.request_sync(method, params, timeout_ms, bufnr)
  end
  if response == nil then
    return nil, err or "no response"
  end
  return response.result, response.err
end

--- Open a URL outside Neovim: vim.ui.open where it exists (0.10+), else the platform's opener.
--- Returns whether an opener was started; when there is none the URL is shown so it can be copied.
---@param url string
---@return boolean
function M.open_external(url)
  if vim.ui.open ~= nil then
    local job, err = vim.ui.open(url)
    if job == nil and err ~= nil then
      vim.notify(
        "docs-daemon: could not open " .. url .. ": " .. tostring(err),
        vim.log.levels.WARN
      )
      return false
    end
    return true
  end
  local openers = { { "xdg-open" }, { "open" }, { "wslview" }, { "cmd.exe", "/c", "start", "" } }
  for _, opener in ipairs(openers) do
    if vim.fn.executable(opener[1]) == 1 then
      local argv = vim.deepcopy(opener)
      table.insert(argv, url)
      if vim.fn.jobstart(argv, { detach = true }) > 0 then
        return true
      end
    end
  end
  vim.notify("docs-daemon: no browser opener found; the page is " .. url, vim.log.levels.WARN)
  return false
end

--- window/showDocument for Neovim before 0.10, which has no handler for it: external URLs go to
--- the browser, file URIs open in the current window.
---@param params table
---@return table
function M.show_document(_, params, _)
  if params.external then
    return { success = M.open_external(params.uri) }
  end
  local ok = pcall(vim.cmd, "edit " .. vim.fn.fnameescape(vim.uri_to_fname(params.uri)))
  if ok and params.selection ~= nil then
    local start = params.selection.start
    pcall(vim.api.nvim_win_set_cursor, 0, { start.line + 1, start.character })
  end
  return { success = ok }
end

--- The reporting functions of :checkhealth: vim.health.* (0.10+), vim.health.report_* (0.8–0.9)
--- or the `health` module's report_* (0.7).
---@return { start: function, ok: function, info: function, warn: function, error: function }
function M.health()
  local health = vim.health
  if health ~= nil and health.start ~= nil then
    return {
      start = health.start,
      ok = health.ok,
      info = health.info,
      warn = health.warn,
      error = health.error,
    }
  end
  if health == nil or health.report_start == nil then
    health = require("health")
  end
  return {
    start = health.report_start,
    ok = health.report_ok,
    info = health.report_info,
    warn = health.report_warn,
    error = health.report_error,
  }
end

return M
