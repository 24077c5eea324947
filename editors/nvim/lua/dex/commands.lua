---@mod dex.commands The server's note-creating commands, with pickers for their arguments

local lsp = require('dex.lsp')

local M = {}

local REQUEST_TIMEOUT_MS = 10000

local function notify(message, level)
  vim.notify('Dex: ' .. message, level or vim.log.levels.INFO)
end

--- Returns the Dex client of the current buffer, or nil after telling the user why there is none.
local function current_client()
  local client = lsp.clients(0)[1]
  if client == nil then
    notify(
      'no Dex language server is attached to this buffer. Open a note inside a vault '
        .. '(a folder with .dex.toml, .obsidian or .git), or run :checkhealth dex.',
      vim.log.levels.ERROR
    )
  end
  return client
end

--- Sends `method` and returns its result, or nil after reporting the error.
local function request_sync(client, method, params, bufnr)
  local response, err
  if vim.fn.has('nvim-0.11') == 1 then
    response, err = client:request_sync(method, params, REQUEST_TIMEOUT_MS, bufnr)
  else
    response, err = client.request_sync(method, params, REQUEST_TIMEOUT_MS, bufnr)
  end
  if response == nil then
    notify(string.format('%s failed: %s', method, err or 'timed out'), vim.log.levels.ERROR)
    return nil
  end
  if response.err then
    notify(string.format('%s failed: %s', method, response.err.message), vim.log.levels.ERROR)
    return nil
  end
  return response.result
end

--- Returns the accounts of the vault (`dex/accounts`): name, score, band, renewal and uri.
---@param client? table
---@return table[]
function M.accounts(client)
  client = client or current_client()
  if client == nil then
    return {}
  end
  -- Sent without params: the server rejects an empty params object for this request.
  local result = request_sync(client, 'dex/accounts', nil, vim.api.nvim_get_current_buf())
  return type(result) == 'table' and result or {}
end

local function open_created(result)
  if type(result) ~= 'table' or type(result.uri) ~= 'string' then
    return
  end
  -- The server sends window/showDocument itself; open the note only if that did not happen.
  local bufnr = vim.uri_to_bufnr(result.uri)
  if vim.api.nvim_get_current_buf() ~= bufnr then
    vim.api.nvim_set_current_buf(bufnr)
  end
  notify('created ' .. vim.uri_to_fname(result.uri))
end

--- Runs the server command `name` with one argument object, then opens the note it created.
---@param name string such as "dex.generateQbr"
---@param argument table
function M.execute(name, argument)
  local client = current_client()
  if client == nil then
    return
  end
  local bufnr = vim.api.nvim_get_current_buf()
  local params = { command = name, arguments = { argument } }
  local handler = function(err, result)
    if err then
      notify(string.format('%s failed: %s', name, err.message), vim.log.levels.ERROR)
      return
    end
    open_created(result)
  end
  if vim.fn.has('nvim-0.11') == 1 then
    client:exec_cmd({ title = name, command = name, arguments = params.arguments }, { bufnr = bufnr }, handler)
  else
    client.request('workspace/executeCommand', params, handler, bufnr)
  end
end

local function describe(account)
  local parts = {}
  if account.band and account.band ~= vim.NIL then
    table.insert(parts, tostring(account.band))
  end
  if type(account.score) == 'number' then
    table.insert(parts, 'score ' .. account.score)
  end
  if type(account.renewal) == 'string' then
    table.insert(parts, 'renewal ' .. account.renewal)
  end
  if #parts == 0 then
    return account.name
  end
  return string.format('%s (%s)', account.name, table.concat(parts, ', '))
end

--- Runs `command` for the account `name`, or for one the user picks when `name` is empty.
---@param command string
---@param name? string
function M.for_account(command, name)
  if name and name ~= '' then
    M.execute(command, { account = name })
    return
  end
  local accounts = M.accounts()
  if #accounts == 0 then
    notify('the vault has no accounts yet (folders under Active/Accounts/).', vim.log.levels.WARN)
    return
  end
  vim.ui.select(accounts, { prompt = 'Account', format_item = describe }, function(account)
    if account then
      M.execute(command, { account = account.name })
    end
  end)
end

--- Completes account names for the user commands.
---@param lead string
---@return string[]
function M.complete_account(lead)
  local names = {}
  for _, account in ipairs(M.accounts()) do
    if vim.startswith(account.name:lower(), lead:lower()) then
      table.insert(names, account.name)
    end
  end
  return names
end

--- Creates a new account named `name`, or prompts for the name when it is empty.
---@param name? string
function M.new_account(name)
  if name and name ~= '' then
    M.execute('dex.newAccount', { name = name })
    return
  end
  vim.ui.input({ prompt = 'New account name: ' }, function(input)
    if input and vim.trim(input) ~= '' then
      M.execute('dex.newAccount', { name = vim.trim(input) })
    end
  end)
end

--- Drafts an escalation brief for `account`, or for the account of the current note. When the
--- command was given a range, lines `line1`..`line2` are quoted as the issue.
---@param account? string
---@param range? integer number of range items given to the command (0 for none)
---@param line1? integer
---@param line2? integer
function M.escalation_brief(account, range, line1, line2)
  local argument
  if account and account ~= '' then
    argument = { account = account }
  else
    argument = { uri = vim.uri_from_bufnr(0) }
  end
  if range and range > 0 then
    local lines = vim.api.nvim_buf_get_lines(0, line1 - 1, line2, false)
    argument.issue = vim.trim(table.concat(lines, '\n'))
  end
  M.execute('dex.draftEscalationBrief', argument)
end

return M
