-- The commands and the status listener exist as soon as the plugin is on 'runtimepath', so a
-- Neovim 0.11 config that only calls vim.lsp.enable("docs_daemon") gets them too.
if vim.g.loaded_docs_daemon ~= nil then
  return
end
vim.g.loaded_docs_daemon = 1
require("docs_daemon").create_commands()
