--- :DocsHover: the docs-daemon hover alone, for when another Python server (pyright,
--- basedpyright, jedi) also answers K. Neovim 0.11's K shows every server's answer in one float,
--- each under a "# <client name>" heading; 0.7 - 0.10 show whichever answer arrives last.
local compat = require("docs_daemon.compat")

local M = {}

--- Show the documentation of the name under the cursor in a float (press it again to enter it).
function M.hover()
  local bufnr = vim.api.nvim_get_current_buf()
  local client = compat.clients("docs_daemon", bufnr)[1]
  if client == nil then
    vim.notify("docs-daemon: no server is attached to this buffer", vim.log.levels.WARN)
    return
  end
  local params = vim.lsp.util.make_position_params(0, client.offset_encoding)
  compat.request(client, "textDocument/hover", params, function(err, result)
    if err ~= nil or result == nil or result.contents == nil then
      vim.notify("docs-daemon: no documentation here", vim.log.levels.INFO)
      return
    end
    local lines = vim.lsp.util.convert_input_to_markdown_lines(result.contents)
    vim.lsp.util.open_floating_preview(lines, "markdown", { focus_id = "docs_daemon_hover" })
  end, bufnr)
end

return M
