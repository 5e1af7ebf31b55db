--- A Neovim 0.11+ config using only the built-in vim.lsp.config / vim.lsp.enable with the
--- plugin's lsp/docs_daemon.lua.
local here = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
package.path = here .. "/?.lua;" .. package.path
local H = require("harness")

H.run(function()
  assert(vim.fn.has("nvim-0.11") == 1, "vim.lsp.enable needs Neovim 0.11+")
  H.install_plugin()
  vim.lsp.config("docs_daemon", { cmd = H.server_cmd() })
  vim.lsp.enable("docs_daemon")
  local config = vim.lsp.config.docs_daemon
  H.check(
    vim.tbl_contains(config.filetypes or {}, "python"),
    "vim.lsp.config merges lsp/docs_daemon.lua (filetypes)",
    config
  )
  require("features").run_all()
end)
