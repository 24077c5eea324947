-- Headless test of the Dex Neovim plugin against the real server.
--
-- Neovim 0.9+: nvim --headless -u NONE -l nvim_test.lua
-- Neovim 0.7/0.8: nvim --headless -u NONE -c 'luafile nvim_test.lua' (on 0.7, -l is Vim's Lisp mode)
--
-- Environment:
--   DEX     the dex executable
--   VAULT   a temporary copy of examples/vault (the test creates notes in it)
--   PLUGIN  the editors/nvim folder
--   MODE    setup (require('dex').setup), legacy (setup with vim.lsp.start per buffer), or
--           enable (lsp/dex.lua with vim.lsp.enable, Neovim 0.11+). Neovim older than 0.9 always
--           runs the raw client test: lsp/dex.lua through vim.lsp.start_client.
-- Prints one `ok` or `FAIL` line per check, then `N passed, N failed`; exits non-zero on failure.

local DEX = assert(os.getenv('DEX'), 'DEX is required')
local VAULT = assert(os.getenv('VAULT'), 'VAULT is required')
local PLUGIN = assert(os.getenv('PLUGIN'), 'PLUGIN is required')
local MODE = os.getenv('MODE') or 'setup'
local TODAY = '2026-03-15'
local MEETING_NOTE = VAULT .. '/Inbox/Meetings/2026-03-02 - Escalation: Tidewater Bank.md'
local OVERDUE_LINE = 23 -- 1-based: `- [ ] Send usage recovery plan to [[Lucía Fernández]] 📅 2026-03-10 …`
local OVERDUE_MESSAGE = 'action item is 5 days overdue (due 2026-03-10)'
local QBR_TITLE = 'Generate QBR note for Tidewater Bank'
local TIMEOUT_MS = 15000

local uv = vim.uv or vim.loop
local legacy_api = vim.fn.has('nvim-0.9') == 0
local passed, failed = 0, 0

local function say(line)
  io.stdout:write(line .. '\n')
  io.stdout:flush()
end

--- Runs `body`; a false result or an error fails the check. A string result is printed.
local function check(name, body)
  local ran, result, detail = pcall(body)
  if ran and result then
    passed = passed + 1
    say('ok   ' .. name .. (type(result) == 'string' and (': ' .. result) or ''))
    return true
  end
  failed = failed + 1
  say('FAIL ' .. name .. ': ' .. tostring(ran and detail or result))
  return false
end

local function finish()
  local clients = vim.lsp.get_clients or vim.lsp.get_active_clients
  -- Applying a workspace edit loads notes, and the plugin can start a client for one of them
  -- while the others stop. Quitting while that client starts ends Neovim with SIGPIPE, so stop
  -- clients until none is left for a moment.
  for _ = 1, 10 do
    for _, client in ipairs(clients()) do
      client.stop()
    end
    vim.wait(3000, function()
      return #clients() == 0
    end, 20)
    vim.wait(200)
    if #clients() == 0 then
      break
    end
  end
  local version = vim.version()
  say(string.format('Neovim %d.%d.%d, %s: %d passed, %d failed', version.major, version.minor, version.patch, MODE, passed, failed))
  if failed == 0 then
    vim.cmd('qall!')
  else
    vim.cmd('cquit 1')
  end
end

local function list_notes()
  local notes = {}
  for _, file in ipairs(vim.fn.globpath(VAULT, '**/*.md', false, true)) do
    notes[vim.fn.fnamemodify(file, ':p')] = true
  end
  return notes
end

local function stakeholders()
  local names = {}
  for _, file in ipairs(vim.fn.globpath(VAULT .. '/Active/Relationships', '**/*.md', false, true)) do
    names[vim.fn.fnamemodify(file, ':t:r')] = true
  end
  return names
end

local function request(client, bufnr, method, params)
  local response, err
  if vim.fn.has('nvim-0.11') == 1 then
    response, err = client:request_sync(method, params, TIMEOUT_MS, bufnr)
  else
    response, err = client.request_sync(method, params, TIMEOUT_MS, bufnr)
  end
  if response == nil then
    error(method .. ' failed: ' .. tostring(err))
  end
  if response.err then
    error(method .. ' returned an error: ' .. vim.inspect(response.err))
  end
  return response.result
end

local function wait_for_new_note(before)
  local created
  vim.wait(TIMEOUT_MS, function()
    for file in pairs(list_notes()) do
      if not before[file] then
        created = file
        return true
      end
    end
    return false
  end, 50)
  return created
end

-- Messages from Neovim and the plugin go to their own output lines.
vim.notify = function(message)
  say('     notify: ' .. tostring(message))
end
print = function(...)
  say('     print: ' .. table.concat(vim.tbl_map(tostring, { ... }), ' '))
end

-- 1. Start the server as MODE selects.
vim.opt.runtimepath:prepend(PLUGIN)
vim.cmd('runtime plugin/dex.lua')
vim.cmd('filetype on')

if legacy_api then
  check('setup() rejects Neovim older than 0.9', function()
    local messages = {}
    local notify = vim.notify
    vim.notify = function(message)
      table.insert(messages, message)
    end
    local ok = require('dex').setup({ cmd = { DEX, 'lsp' } })
    vim.notify = notify
    return ok == false and (messages[1] or ''):find('0.9', 1, true) ~= nil, vim.inspect(messages)
  end)
  MODE = 'raw'
elseif MODE == 'enable' then
  vim.lsp.config('dex', { cmd = { DEX, 'lsp' }, settings = { dex = { today = TODAY } } })
  vim.lsp.enable('dex')
else
  assert(require('dex').setup({
    cmd = { DEX, 'lsp' },
    settings = { today = TODAY },
    use_lsp_enable = MODE ~= 'legacy' and vim.fn.has('nvim-0.11') == 1,
  }))
end

vim.cmd('edit ' .. vim.fn.fnameescape(MEETING_NOTE))
local bufnr = vim.api.nvim_get_current_buf()
if vim.bo[bufnr].filetype ~= 'markdown' then
  vim.bo[bufnr].filetype = 'markdown'
end

local client
if legacy_api then
  local config = dofile(PLUGIN .. '/lsp/dex.lua')
  config.name = 'dex'
  config.cmd = { DEX, 'lsp' }
  config.root_dir = VAULT
  config.settings = { dex = { today = TODAY } }
  -- Neovim 0.7 replaces its default capabilities with the configured ones instead of merging.
  config.capabilities = vim.tbl_deep_extend('force', vim.lsp.protocol.make_client_capabilities(), config.capabilities)
  local id = vim.lsp.start_client(config)
  vim.lsp.buf_attach_client(bufnr, id)
end

local attached = check('server attaches to the meeting note', function()
  local ready = vim.wait(TIMEOUT_MS, function()
    local clients = (vim.lsp.get_clients or vim.lsp.get_active_clients)({ name = 'dex', bufnr = bufnr })
    client = clients[1]
    return client ~= nil and client.initialized == true
  end, 20)
  if not ready then
    return false, 'no initialized dex client within ' .. TIMEOUT_MS .. ' ms'
  end
  return string.format('client %d, root %s, encoding %s', client.id, client.config.root_dir, client.offset_encoding)
end)
if not attached then
  return finish()
end
local uri = vim.uri_from_bufnr(bufnr)

-- 2. The overdue warning sits on the 📅 of line 23, after multi-byte characters. Diagnostics
-- come once the vault is indexed, so completion is checked after them.
check('overdue warning at the due-date emoji', function()
  local line = vim.api.nvim_buf_get_lines(bufnr, OVERDUE_LINE - 1, OVERDUE_LINE, false)[1]
  local expected_col = line:find('📅', 1, true) - 1
  local found
  vim.wait(TIMEOUT_MS, function()
    for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
      local lsp = diagnostic.user_data and diagnostic.user_data.lsp or {}
      local code = diagnostic.code or lsp.code
      if code == 'overdue' and diagnostic.lnum == OVERDUE_LINE - 1 and diagnostic.message:find(OVERDUE_MESSAGE, 1, true) then
        found = diagnostic
        return true
      end
    end
    return false
  end, 50)
  if not found then
    local seen = {}
    for _, diagnostic in ipairs(vim.diagnostic.get(bufnr)) do
      table.insert(seen, string.format('%d:%d %s', diagnostic.lnum + 1, diagnostic.col, diagnostic.message))
    end
    return false, string.format('no `%s` on line %d; diagnostics: %s', OVERDUE_MESSAGE, OVERDUE_LINE, table.concat(seen, ' | '))
  end
  if found.col ~= expected_col then
    return false, string.format('column %d, expected %d (byte offset of 📅)', found.col, expected_col)
  end
  if found.severity ~= vim.diagnostic.severity.WARN then
    return false, 'severity ' .. tostring(found.severity) .. ', expected WARN'
  end
  return string.format('%d:%d %s [%s]', found.lnum + 1, found.col, found.message, tostring(found.source))
end)

-- 3. Completion after `[[` on a new last line.
check('completion after [[ offers a stakeholder', function()
  local text = 'Next step with [['
  local last = vim.api.nvim_buf_line_count(bufnr)
  vim.api.nvim_buf_set_lines(bufnr, last, last, false, { text })
  local result = request(client, bufnr, 'textDocument/completion', {
    textDocument = { uri = uri },
    position = { line = last, character = #text },
    context = { triggerKind = 2, triggerCharacter = '[' },
  })
  vim.api.nvim_buf_set_lines(bufnr, last, last + 1, false, {})
  local items = result and (result.items or result) or {}
  local people = stakeholders()
  local labels = {}
  for _, item in ipairs(items) do
    table.insert(labels, item.label)
    if people[item.label] then
      return string.format('%s (%d items)', item.label, #items)
    end
  end
  return false, 'no stakeholder among: ' .. table.concat(labels, ', ')
end)

-- 4. The QBR generator is offered as a code action and creates a note when run.
local qbr_action
check('code action offers the QBR generator', function()
  local actions = request(client, bufnr, 'textDocument/codeAction', {
    textDocument = { uri = uri },
    range = { start = { line = 0, character = 0 }, ['end'] = { line = 0, character = 0 } },
    context = { diagnostics = {} },
  }) or {}
  local titles = {}
  for _, action in ipairs(actions) do
    table.insert(titles, action.title)
    if action.title == QBR_TITLE then
      qbr_action = action
    end
  end
  if qbr_action == nil then
    return false, 'titles: ' .. table.concat(titles, ', ')
  end
  if qbr_action.kind ~= 'source.dex.generateQbr' then
    return false, 'kind ' .. tostring(qbr_action.kind)
  end
  return string.format('%s (%s)', qbr_action.title, qbr_action.kind)
end)

check('running the QBR action creates the note', function()
  if qbr_action == nil then
    return false, 'no QBR action to run'
  end
  local command = qbr_action.command
  if type(command) ~= 'table' or command.command ~= 'dex.generateQbr' then
    return false, 'the action carries no dex.generateQbr command: ' .. vim.inspect(command)
  end
  local before = list_notes()
  local result = request(client, bufnr, 'workspace/executeCommand', {
    command = command.command,
    arguments = command.arguments,
  })
  local created = wait_for_new_note(before)
  if created == nil then
    return false, 'no new note in the vault; result ' .. vim.inspect(result)
  end
  if type(result) ~= 'table' or vim.uri_to_fname(result.uri) ~= created then
    return false, string.format('result %s does not name %s', vim.inspect(result), created)
  end
  -- Neovim 0.11 keeps the merged capabilities in client.capabilities, 0.7 in client.config.
  local capabilities = client.capabilities or client.config.capabilities or {}
  local show_document = vim.tbl_get(capabilities, 'window', 'showDocument', 'support')
  if not show_document then
    -- Neovim 0.7 does not support window/showDocument, so the server cannot open the note.
    return vim.fn.fnamemodify(created, ':t') .. ' (not opened: this Neovim lacks window/showDocument)'
  end
  local shown = vim.wait(TIMEOUT_MS, function()
    return vim.api.nvim_buf_get_name(0) == created
  end, 50)
  if not shown then
    return false, 'created ' .. created .. ' but the current buffer is ' .. vim.api.nvim_buf_get_name(0)
  end
  return vim.fn.fnamemodify(created, ':t') .. ', opened'
end)

-- 5. The plugin's user command and health check (not on the raw 0.7 client).
if not legacy_api then
  vim.cmd('buffer ' .. bufnr)
  check(':DexQBR creates a note for a named account', function()
    local before = list_notes()
    vim.cmd('DexQBR Tidewater Bank')
    local created = wait_for_new_note(before)
    if created == nil then
      return false, 'no new note after :DexQBR Tidewater Bank'
    end
    return vim.fn.fnamemodify(created, ':t')
  end)

  vim.cmd('buffer ' .. bufnr)
  check(':DexSavePlan offers the accounts and creates a note', function()
    local before = list_notes()
    local offered = {}
    local select = vim.ui.select
    -- Stand in for the user: pick Tidewater Bank from the list.
    vim.ui.select = function(items, opts, on_choice)
      for _, item in ipairs(items) do
        table.insert(offered, opts.format_item(item))
        if item.name == 'Tidewater Bank' then
          on_choice(item)
        end
      end
    end
    vim.cmd('DexSavePlan')
    vim.ui.select = select
    if #offered == 0 then
      return false, 'no accounts offered'
    end
    local created = wait_for_new_note(before)
    if created == nil then
      return false, 'no new note after picking Tidewater Bank among: ' .. table.concat(offered, '; ')
    end
    return string.format('%s (offered %s)', vim.fn.fnamemodify(created, ':t'), table.concat(offered, '; '))
  end)

  -- The other note commands, each from the meeting note, with text the new note must contain.
  -- Lines 18 to 20 of the meeting note are its concerns, which the brief quotes as the issue.
  local note_commands = {
    { '18,20DexEscalationBrief', 'Usage dropped 30% since October' },
    { 'DexPortfolio', 'Tidewater Bank' },
    { 'DexNewAccount Acme Corp', 'Acme Corp' },
  }
  for _, case in ipairs(note_commands) do
    local command, expected = case[1], case[2]
    vim.cmd('buffer ' .. bufnr)
    check(':' .. command .. ' creates a note', function()
      local before = list_notes()
      vim.cmd(command)
      local created = wait_for_new_note(before)
      if created == nil then
        return false, 'no new note after :' .. command
      end
      -- The edit fills the note's buffer; the file on disk stays empty until it is written.
      local created_buf = vim.fn.bufnr(created)
      local lines = created_buf > 0 and vim.api.nvim_buf_get_lines(created_buf, 0, -1, false) or {}
      local text = table.concat(lines, '\n')
      if not text:find(expected, 1, true) then
        return false, string.format('%s does not contain `%s`', created, expected)
      end
      return created:sub(#VAULT + 2)
    end)
  end

  vim.cmd('buffer ' .. bufnr)
  check(':checkhealth dex reports the binary, version and vault', function()
    vim.cmd('silent checkhealth dex')
    local report = table.concat(vim.api.nvim_buf_get_lines(0, 0, -1, false), '\n')
    vim.cmd('bwipeout')
    for _, expected in ipairs({ 'server executable: ' .. DEX, 'server version 0.1.0', 'vault root: ' .. VAULT }) do
      if not report:find(expected, 1, true) then
        return false, 'missing `' .. expected .. '` in:\n' .. report
      end
    end
    return 'executable, version and vault root found'
  end)
end


-- 6. Renaming a stakeholder from a link renames the file and rewrites the links, open or not.
vim.cmd('buffer ' .. bufnr)
check('rename from a link renames the note and its links', function()
  local old_file = VAULT .. '/Active/Relationships/Champions/Lucía Fernández.md'
  local new_file = VAULT .. '/Active/Relationships/Champions/Lucía Fernández Ruiz.md'
  local overview = VAULT .. '/Active/Accounts/Tidewater_Bank/Overview.md'
  local line = vim.api.nvim_buf_get_lines(bufnr, OVERDUE_LINE - 1, OVERDUE_LINE, false)[1]
  -- The text before the link is ASCII, so the column is the same in every encoding.
  local position = { line = OVERDUE_LINE - 1, character = line:find('[[', 1, true) + 3 }
  local prepared = request(client, bufnr, 'textDocument/prepareRename', {
    textDocument = { uri = uri },
    position = position,
  })
  if type(prepared) ~= 'table' or prepared.placeholder ~= 'Lucía Fernández' then
    return false, 'prepareRename returned ' .. vim.inspect(prepared)
  end
  local edit = request(client, bufnr, 'textDocument/rename', {
    textDocument = { uri = uri },
    position = position,
    newName = 'Lucía Fernández Ruiz',
  })
  vim.lsp.util.apply_workspace_edit(edit, client.offset_encoding)
  if vim.loop.fs_stat(old_file) ~= nil or vim.loop.fs_stat(new_file) == nil then
    return false, 'the note file was not renamed'
  end
  local renamed_line = vim.api.nvim_buf_get_lines(bufnr, OVERDUE_LINE - 1, OVERDUE_LINE, false)[1]
  if not renamed_line:find('[[Lucía Fernández Ruiz]]', 1, true) then
    return false, 'open note reads: ' .. renamed_line
  end
  local overview_text = table.concat(vim.api.nvim_buf_get_lines(vim.fn.bufadd(overview), 0, -1, false), '\n')
  if not overview_text:find('[[Lucía Fernández Ruiz', 1, true) then
    return false, 'Overview.md was not updated'
  end
  return 'file renamed, links updated in the open note and in Overview.md'
end)

finish()
