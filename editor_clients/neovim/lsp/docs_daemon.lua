---@brief
---
--- docs-daemon: official documentation (hover, completion, workspace symbols) for Python,
--- served from an in-memory SQLite database of the docs.
---
--- Install the server (`pip install docs-daemon`, which puts `docs-daemon` on PATH) and add this
--- directory to 'runtimepath' (any plugin manager does that). On Neovim 0.11+:
---
--- ```lua
--- vim.lsp.config("docs_daemon", {
---   init_options = { databases = { "~/docs/flask.sqlite" }, maxResults = 30 },
--- })
--- vim.lsp.enable("docs_daemon")
--- ```
---
--- On any Neovim from 0.7, `require("docs_daemon").setup({...})` takes the same keys.
---
--- init_options (camelCase, as the server reads them):
---   databases       extra database files, earlier ones take precedence (default {})
---   bundled         load the bundled Python standard library docs (default true)
---   docsets         only answer from these docsets (default {} = all)
---   maxResults      most completion / workspace symbol results (default 50)
---   hoverMaxLength  most characters of documentation in a hover (default 4000)
return {
  cmd = { "docs-daemon", "serve" },
  filetypes = { "python" },
  root_markers = {
    "pyproject.toml",
    "setup.py",
    "setup.cfg",
    "requirements.txt",
    "Pipfile",
    ".git",
  },
  init_options = {
    databases = {},
    bundled = true,
    docsets = {},
    maxResults = 50,
    hoverMaxLength = 4000,
  },
}
