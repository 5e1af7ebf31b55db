--- A user's config calling require("docs_daemon").setup() (any Neovim from 0.7).
local here = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
package.path = here .. "/?.lua;" .. package.path
local H = require("harness")

H.run(function()
  H.install_plugin()
  require("docs_daemon").setup({ cmd = H.server_cmd() })
  require("features").run_all()
end)
