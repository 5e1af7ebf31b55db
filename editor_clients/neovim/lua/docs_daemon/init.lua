--- docs-daemon for Neovim 0.7+: starts the language server for Python buffers, the way each
--- Neovim version does it best, and adds :DocsSearch and :DocsOpenBrowser.
---
--- ```lua
--- require("docs_daemon").setup({
---   cmd = { "docs-daemon", "serve" },           -- or { "python3", "-m", "docs_daemon", "serve" }
---   filetypes = { "python" },
---   init_options = { databases = { "~/docs/flask.sqlite" }, maxResults = 30 },
--- })
--- ```
--- Any other key (on_attach, capabilities, handlers, settings, ...) goes to the client as is.
local compat = require("docs_daemon.compat")

local M = {}

--- The client's name, as in vim.lsp.config("docs_daemon") and lsp/docs_daemon.lua.
M.name = "docs_daemon"

-- cmd may also be a function on 0.11+ (vim.lsp.config accepts one); older versions need a list.
local OPTION_TYPES = {
  cmd = compat.has("0.11") and { "table", "function" } or { "table" },
  filetypes = { "table" },
  root_markers = { "table" },
  init_options = { "table" },
  settings = { "table" },
}

local INIT_OPTION_TYPES = {
  databases = "table",
  bundled = "boolean",
  docsets = "table",
  maxResults = "number",
  hoverMaxLength = "number",
}

---@type table|nil the configuration given to setup(), merged with the defaults
local configured = nil

---@type table<integer, table> the last docsDaemon/status payload per client id
local statuses = {}

--- The defaults: lsp/docs_daemon.lua, found on 'runtimepath' so there is one copy of them.
---@return table
function M.defaults()
  local file = vim.api.nvim_get_runtime_file("lsp/docs_daemon.lua", false)[1]
  if file == nil then
    error(
      "docs_daemon: lsp/docs_daemon.lua is not on 'runtimepath'; add the plugin directory to it"
    )
  end
  return dofile(file)
end

--- Check the types of what a user passed, naming the offending key.
---@param opts table
local function validate(opts)
  for key, expected in pairs(OPTION_TYPES) do
    if opts[key] ~= nil and not vim.tbl_contains(expected, type(opts[key])) then
      local wanted = table.concat(expected, " or ")
      error(
        string.format("docs_daemon.setup: %s must be a %s, got %s", key, wanted, type(opts[key]))
      )
    end
  end
  for key, value in pairs(opts.init_options or {}) do
    local expected = INIT_OPTION_TYPES[key]
    if expected == nil then
      vim.notify("docs_daemon.setup: unknown init_options key " .. key, vim.log.levels.WARN)
    elseif type(value) ~= expected then
      error(string.format("docs_daemon.setup: init_options.%s must be a %s", key, expected))
    end
  end
end

--- Expand ~ and relative paths in init_options.databases: the server's working directory is not
--- the user's.
---@param config table
local function expand_databases(config)
  local databases = config.init_options and config.init_options.databases
  if type(databases) ~= "table" then
    return
  end
  for i, path in ipairs(databases) do
    databases[i] = vim.fn.fnamemodify(vim.fn.expand(path), ":p")
  end
end

--- The nearest directory above `path` holding one of `markers`, else the file's own directory.
---@param path string
---@param markers string[]
---@return string
local function find_root(path, markers)
  local start = path ~= "" and vim.fn.fnamemodify(path, ":p:h") or vim.fn.getcwd()
  local dir = start
  while true do
    for _, marker in ipairs(markers) do
      if vim.loop.fs_stat(dir .. "/" .. marker) ~= nil then
        return dir
      end
    end
    local parent = vim.fn.fnamemodify(dir, ":h")
    if parent == dir then
      return start
    end
    dir = parent
  end
end

--- The client configuration for one buffer, for vim.lsp.start / vim.lsp.start_client.
---@param config table
---@param bufnr integer
---@return table
local function client_config(config, bufnr)
  local client = vim.deepcopy(config)
  client.name = M.name
  client.root_dir = find_root(vim.api.nvim_buf_get_name(bufnr), config.root_markers or {})
  client.root_markers = nil
  client.filetypes = nil
  if not compat.has("0.10") then
    -- Older Neovim neither handles nor advertises window/showDocument; :DocsOpenBrowser needs it.
    client.handlers =
      compat.merge({ ["window/showDocument"] = compat.show_document }, client.handlers)
    local capabilities = vim.lsp.protocol.make_client_capabilities()
    capabilities.window = capabilities.window or {}
    capabilities.window.showDocument = { support = true }
    client.capabilities = compat.merge(capabilities, client.capabilities)
  end
  return client
end

local told_missing = false

--- Whether the server command can start; says once, with the fix, when it cannot (Neovim 0.11
--- would otherwise skip it silently, and 0.7 only says that spawning failed).
---@param cmd any
---@return boolean
local function command_available(cmd)
  if type(cmd) ~= "table" or type(cmd[1]) ~= "string" or vim.fn.executable(cmd[1]) == 1 then
    return true
  end
  if not told_missing then
    told_missing = true
    vim.notify(
      string.format(
        "docs-daemon: the server command `%s` is not executable. Install it with "
          .. "`pip install docs-daemon`, or set cmd to a Python that has it: "
          .. '{ "python3", "-m", "docs_daemon", "serve" }. See :checkhealth docs_daemon',
        cmd[1]
      ),
      vim.log.levels.ERROR
    )
  end
  return false
end

---@type table<string, integer> client id per root directory (0.7, which has no vim.lsp.start)
local clients_by_root = {}

--- Start (or reuse) the client for a buffer and attach it, on Neovim before 0.11.
---@param config table
---@param bufnr integer
local function attach(config, bufnr)
  if vim.bo[bufnr].buftype ~= "" or not command_available(config.cmd) then
    return
  end
  local client = client_config(config, bufnr)
  if vim.lsp.start ~= nil then
    vim.lsp.start(client, { bufnr = bufnr })
    return
  end
  local id = clients_by_root[client.root_dir]
  local running = id and vim.lsp.get_client_by_id(id)
  if running == nil or running.is_stopped() then
    id = vim.lsp.start_client(client)
    if id == nil then
      return
    end
    clients_by_root[client.root_dir] = id
  end
  vim.lsp.buf_attach_client(bufnr, id)
end

--- Record docsDaemon/status notifications and tell the user when loading failed.
function M.on_status(_, result, ctx)
  if type(result) ~= "table" then
    return
  end
  statuses[ctx.client_id] = result
  if result.state == "failed" then
    vim.notify("docs-daemon failed to load: " .. tostring(result.error), vim.log.levels.ERROR)
  end
  vim.api.nvim_exec_autocmds("User", { pattern = "DocsDaemonStatus", modeline = false })
end

--- The last status the server reported (state, docsets, error), for a statusline or a check.
---@param client_id integer|nil the client; by default the first docs_daemon client running
---@return table|nil
function M.status(client_id)
  if client_id == nil then
    local client = compat.clients(M.name)[1]
    client_id = client and client.id
  end
  return client_id and statuses[client_id] or nil
end

--- The configuration in effect: setup()'s, else vim.lsp.config's (0.11+), else the defaults.
---@return table
function M.config()
  if configured ~= nil then
    return configured
  end
  if compat.start_api() == "vim.lsp.enable" then
    local resolved = vim.lsp.config[M.name]
    if resolved ~= nil then
      return resolved
    end
  end
  return M.defaults()
end

--- Change the running servers' options (the init_options keys) without restarting them: sent
--- as workspace/didChangeConfiguration `settings.docsDaemon`, and kept in the client's settings
--- so a server that pulls workspace/configuration reads the same.
---@param options table e.g. { maxResults = 20, docsets = { "flask" } }
function M.configure(options)
  for _, client in ipairs(compat.clients(M.name)) do
    local settings = client.config.settings or {}
    local current = settings.docsDaemon or client.config.init_options or {}
    settings.docsDaemon = compat.merge(current, options)
    client.config.settings = settings
    compat.notify(client, "workspace/didChangeConfiguration", { settings = settings })
  end
end

--- Define :DocsSearch, :DocsOpenBrowser and :DocsHover and listen for docsDaemon/status. Safe to repeat.
function M.create_commands()
  vim.lsp.handlers["docsDaemon/status"] = M.on_status
  vim.api.nvim_create_user_command("DocsSearch", function(command)
    require("docs_daemon.search").search(command.args)
  end, { nargs = "?", desc = "Search the documentation and open an entry in a split" })
  vim.api.nvim_create_user_command("DocsOpenBrowser", function()
    require("docs_daemon.search").open_in_browser()
  end, { nargs = 0, desc = "Open the official documentation of the name under the cursor" })
  vim.api.nvim_create_user_command("DocsHover", function()
    require("docs_daemon.hover").hover()
  end, { nargs = 0, desc = "Show only docs-daemon's documentation of the name under the cursor" })
end

--- Configure docs-daemon and start it for every buffer of `filetypes`, now and later.
---@param opts table|nil cmd, filetypes, root_markers, init_options, and any client option
function M.setup(opts)
  opts = opts or {}
  validate(opts)
  local config = compat.merge(M.defaults(), opts)
  expand_databases(config)
  configured = config
  M.create_commands()

  if compat.start_api() == "vim.lsp.enable" then
    command_available(config.cmd)
    vim.lsp.config(M.name, config)
    vim.lsp.enable(M.name)
    return
  end

  local group = vim.api.nvim_create_augroup("docs_daemon", { clear = true })
  vim.api.nvim_create_autocmd("FileType", {
    group = group,
    pattern = config.filetypes,
    callback = function(args)
      attach(config, args.buf)
    end,
  })
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if
      vim.api.nvim_buf_is_loaded(bufnr)
      and vim.tbl_contains(config.filetypes, vim.bo[bufnr].filetype)
    then
      attach(config, bufnr)
    end
  end
end

return M
