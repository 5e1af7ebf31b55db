--- setup() with a server command that is not installed: the user is told what to do, no client
--- is left half-started, and :checkhealth says what is wrong.
local here = vim.fn.fnamemodify(debug.getinfo(1, "S").source:sub(2), ":p:h")
package.path = here .. "/?.lua;" .. package.path
local H = require("harness")

H.run(function()
  H.install_plugin()
  local messages = {}
  -- What reaches the user's screen, recorded instead of drawn.
  vim.notify = function(message, level)
    table.insert(messages, { message = message, level = level })
  end
  require("docs_daemon").setup({ cmd = { "docs-daemon-not-installed", "serve" } })
  local bufnr = require("features").open_python_file()
  vim.wait(1000, function()
    return #messages > 0
  end, 50)
  local told = vim.tbl_filter(function(m)
    return m.level == vim.log.levels.ERROR
      and m.message:find("docs-daemon-not-installed", 1, true) ~= nil
      and m.message:find("pip install docs-daemon", 1, true) ~= nil
  end, messages)
  H.check(#told == 1, "the user is told once that the server is missing, with the fix", messages)
  local clients = require("docs_daemon.compat").clients("docs_daemon", bufnr)
  H.check(#clients == 0, "no client is attached", #clients)

  vim.cmd("checkhealth docs_daemon")
  local text = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), "\n")
  H.check(
    text:find("ERROR", 1, true) ~= nil and text:find("is not executable", 1, true) ~= nil,
    ":checkhealth reports the missing command as an error",
    text
  )
end)
