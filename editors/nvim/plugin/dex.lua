-- User commands of the Dex plugin. They only call into lua/dex when run, so loading this file
-- starts nothing; require('dex').setup() starts the server.
if vim.g.loaded_dex then
  return
end
vim.g.loaded_dex = true

local function commands()
  return require('dex.commands')
end

local function complete_account(lead)
  return commands().complete_account(lead)
end

vim.api.nvim_create_user_command('DexQBR', function(args)
  commands().for_account('dex.generateQbr', args.args)
end, { nargs = '?', complete = complete_account, desc = 'Dex: generate a QBR note for an account' })

vim.api.nvim_create_user_command('DexSavePlan', function(args)
  commands().for_account('dex.generateSavePlan', args.args)
end, { nargs = '?', complete = complete_account, desc = 'Dex: generate a save plan for an account' })

vim.api.nvim_create_user_command('DexPortfolio', function()
  commands().execute('dex.portfolioReview', vim.empty_dict())
end, { nargs = 0, desc = 'Dex: create a portfolio review note' })

vim.api.nvim_create_user_command('DexNewAccount', function(args)
  commands().new_account(args.args)
end, { nargs = '?', desc = 'Dex: create a new account' })

vim.api.nvim_create_user_command('DexEscalationBrief', function(args)
  commands().escalation_brief(args.args, args.range, args.line1, args.line2)
end, {
  nargs = '?',
  range = true,
  complete = complete_account,
  desc = "Dex: draft an escalation brief for this note's account, quoting the selected lines",
})
