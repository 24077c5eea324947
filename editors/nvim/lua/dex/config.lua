---@mod dex.config Configuration of the Dex plugin

local M = {}

---@class dex.Config
---@field cmd string[] Command that starts the server.
---@field root_markers string[] Files or folders that mark a vault's root.
---@field filetypes string[] Filetypes the server attaches to.
---@field settings table The server's `dex` settings section (see `:help dex-settings`).
---@field use_lsp_enable boolean Start through vim.lsp.config/vim.lsp.enable (Neovim 0.11+); false
---uses vim.lsp.start from a FileType autocommand, as on Neovim 0.9 and 0.10.
---@field on_attach? fun(client: table, bufnr: integer) Called when the server attaches to a buffer.

---@type dex.Config
M.defaults = {
  cmd = { 'dex', 'lsp' },
  root_markers = { '.dex.toml', '.obsidian', '.git' },
  filetypes = { 'markdown' },
  settings = {},
  use_lsp_enable = vim.fn.has('nvim-0.11') == 1,
  on_attach = nil,
}

--- The oldest server whose protocol this plugin speaks.
M.minimum_server_version = '0.1.0'

---@type dex.Config?
local current = nil
---@type string[]
local errors = {}

local function check(name, value, expected, optional)
  if optional and value == nil then
    return
  end
  if type(value) ~= expected then
    table.insert(errors, string.format('%s: expected %s, got %s', name, expected, type(value)))
  end
end

--- Validates `config` and returns the list of problems (empty when it is valid).
---@param config table
---@return string[]
function M.validate(config)
  errors = {}
  check('cmd', config.cmd, 'table')
  check('root_markers', config.root_markers, 'table')
  check('filetypes', config.filetypes, 'table')
  check('settings', config.settings, 'table')
  check('use_lsp_enable', config.use_lsp_enable, 'boolean')
  check('on_attach', config.on_attach, 'function', true)
  if type(config.cmd) == 'table' and (#config.cmd == 0 or type(config.cmd[1]) ~= 'string') then
    table.insert(errors, 'cmd: expected a list such as { "dex", "lsp" }')
  end
  if config.use_lsp_enable == true and vim.fn.has('nvim-0.11') == 0 then
    table.insert(errors, 'use_lsp_enable: vim.lsp.enable needs Neovim 0.11 or newer')
  end
  return errors
end

--- Merges `opts` over vim.g.dex and the defaults, and stores the result.
---@param opts? table
---@return dex.Config config
---@return string[] errors
function M.set(opts)
  local merged = vim.tbl_deep_extend('force', vim.deepcopy(M.defaults), vim.g.dex or {}, opts or {})
  -- Lists replace the default instead of merging with it index by index.
  for _, key in ipairs({ 'cmd', 'root_markers', 'filetypes' }) do
    local override = (opts and opts[key]) or (vim.g.dex and vim.g.dex[key])
    if override then
      merged[key] = override
    end
  end
  current = merged
  return merged, M.validate(merged)
end

--- Returns the configuration set by setup(), or the defaults merged with vim.g.dex.
---@return dex.Config
function M.get()
  if current == nil then
    M.set(nil)
  end
  return current --[[@as dex.Config]]
end

return M
