---@mod dex.health :checkhealth dex

local M = {}

local health = vim.health
-- Neovim 0.9 names the reporting functions report_start, report_ok and so on.
local start = health.start or health.report_start
local ok = health.ok or health.report_ok
local warn = health.warn or health.report_warn
local fail = health.error or health.report_error
local info = health.info or health.report_info

local VERSION_TIMEOUT_MS = 5000

--- Runs `cmd --version` and returns its first output line, or nil and the reason.
local function server_version(executable)
  if vim.system then
    local done = vim.system({ executable, '--version' }, { text = true }):wait(VERSION_TIMEOUT_MS)
    if done.code ~= 0 then
      return nil, string.format('exit status %s: %s', done.code, vim.trim(done.stderr or ''))
    end
    return vim.trim(done.stdout or '')
  end
  local output = vim.fn.system({ executable, '--version' })
  if vim.v.shell_error ~= 0 then
    return nil, string.format('exit status %d: %s', vim.v.shell_error, vim.trim(output))
  end
  return vim.trim(output)
end

local function check_neovim()
  if vim.fn.has('nvim-0.11') == 1 then
    ok('Neovim ' .. tostring(vim.version()) .. ': setup() uses vim.lsp.config and vim.lsp.enable')
  elseif vim.fn.has('nvim-0.9') == 1 then
    ok('Neovim ' .. tostring(vim.version()) .. ': setup() starts the server with vim.lsp.start')
  else
    fail('Neovim 0.9 or newer is required')
  end
end

local function check_server(cmd)
  local executable = vim.fn.exepath(cmd[1])
  if executable == '' then
    fail(
      string.format('`%s` was not found on PATH', cmd[1]),
      { 'Install Dex with `cargo install --path .` in the Dex repository', 'or set `cmd` in setup()' }
    )
    return
  end
  ok('server executable: ' .. executable)

  local output, reason = server_version(executable)
  if output == nil then
    fail(string.format('`%s --version` failed: %s', executable, reason))
    return
  end
  local version = output:match('^dex%s+(%S+)')
  local minimum = require('dex.config').minimum_server_version
  if version == nil then
    fail(string.format('`%s --version` printed `%s`, not `dex <version>`', executable, output))
  elseif vim.version.lt(vim.version.parse(version), vim.version.parse(minimum)) then
    fail(string.format('server version %s is older than %s, which this plugin needs', version, minimum))
  else
    ok(string.format('server version %s (%s or newer is needed)', version, minimum))
  end
end

--- Returns the buffer :checkhealth was run from. The report is in a scratch buffer that is
--- current while the checks run, often in a new tab page.
local function note_buffer()
  local current = vim.api.nvim_get_current_buf()
  if vim.bo[current].buftype == '' then
    return current
  end
  local alternate = vim.fn.bufnr('#')
  if alternate > 0 and vim.bo[alternate].buftype == '' then
    return alternate
  end
  local previous_tab = vim.fn.tabpagenr('#')
  if previous_tab > 0 then
    local window = vim.api.nvim_tabpage_get_win(vim.api.nvim_list_tabpages()[previous_tab])
    return vim.api.nvim_win_get_buf(window)
  end
  return current
end

--- Returns the server command: the attached client's, else the configured one.
local function server_command(config, bufnr)
  local client = require('dex.lsp').clients(bufnr)[1]
  if client and type(client.config.cmd) == 'table' then
    return client.config.cmd
  end
  return config.cmd
end

local function check_buffer(config, bufnr)
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' then
    info('the current buffer has no file, so there is no vault to report')
  else
    local root, marker = require('dex.lsp').find_root(name, config.root_markers)
    if root then
      ok(string.format('vault root: %s (found %s)', root, marker))
    else
      warn(string.format('%s is not inside a vault (no %s above it)', name, table.concat(config.root_markers, ', ')))
    end
  end

  local clients = require('dex.lsp').clients(bufnr)
  if #clients == 0 then
    info('no Dex client is attached to the current buffer')
  elseif #clients > 1 then
    local ids = vim.tbl_map(function(client)
      return tostring(client.id)
    end, clients)
    warn(
      string.format('%d Dex clients are attached to the current buffer (ids %s)', #clients, table.concat(ids, ', ')),
      { 'Start the server in one way only: setup(), vim.lsp.enable("dex") or nvim-lspconfig' }
    )
  else
    ok(string.format('Dex client %d is attached to the current buffer', clients[1].id))
  end
  info('LSP log: ' .. vim.lsp.get_log_path())
end

function M.check()
  start('dex')
  check_neovim()
  local config = require('dex.config').get()
  local errors = require('dex.config').validate(config)
  if #errors > 0 then
    for _, message in ipairs(errors) do
      fail('invalid option ' .. message)
    end
  else
    ok(vim.g.dex_setup_done and 'setup() ran with valid options' or 'setup() has not run; showing the defaults')
  end
  local bufnr = note_buffer()
  check_server(server_command(config, bufnr))
  check_buffer(config, bufnr)
end

return M
