---@mod dex Dex: account-aware editing for Customer Success Markdown vaults
---
--- Public API. Nothing happens when this module is required; setup() registers the server.

local M = {}

--- Registers the Dex language server for Markdown buffers inside a vault.
---
--- On Neovim 0.11+ this uses vim.lsp.config and vim.lsp.enable; on 0.9 and 0.10 a FileType
--- autocommand starts the server with vim.lsp.start.
---@param opts? dex.Config|table overrides of the defaults (see `:help dex-setup`)
---@return boolean ok false when the options are invalid or Neovim is too old
function M.setup(opts)
  if vim.fn.has('nvim-0.9') == 0 then
    vim.notify('Dex: the plugin needs Neovim 0.9 or newer; see :help dex-older-neovim.', vim.log.levels.ERROR)
    return false
  end
  local config, errors = require('dex.config').set(opts)
  if #errors > 0 then
    vim.notify('Dex: invalid setup() options: ' .. table.concat(errors, '; '), vim.log.levels.ERROR)
    return false
  end
  require('dex.lsp').register(config)
  vim.g.dex_setup_done = true
  return true
end

--- Creates a QBR note for `account`, or for an account picked from a list.
---@param account? string
function M.generate_qbr(account)
  require('dex.commands').for_account('dex.generateQbr', account)
end

--- Creates a save-plan note for `account`, or for an account picked from a list.
---@param account? string
function M.generate_save_plan(account)
  require('dex.commands').for_account('dex.generateSavePlan', account)
end

--- Creates a portfolio review note for the whole vault.
function M.portfolio_review()
  require('dex.commands').execute('dex.portfolioReview', vim.empty_dict())
end

--- Creates a new account named `name`, or prompts for the name.
---@param name? string
function M.new_account(name)
  require('dex.commands').new_account(name)
end

return M
