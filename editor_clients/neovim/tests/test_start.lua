--- setup() through vim.lsp.start, the path Neovim 0.8–0.10 take: run on a newer Neovim with
--- vim.lsp.enable hidden, so the plugin sees the API surface of those versions.
local here = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
package.path = here .. "/?.lua;" .. package.path
local H = require("harness")

H.run(function()
  assert(vim.lsp.start ~= nil, "vim.lsp.start needs Neovim 0.8+")
  H.install_plugin()
  vim.lsp.enable = nil
  H.check(
    require("docs_daemon.compat").start_api() == "vim.lsp.start",
    "the plugin falls back to vim.lsp.start",
    require("docs_daemon.compat").start_api()
  )
  require("docs_daemon").setup({ cmd = H.server_cmd() })
  require("features").run_all()
end)
