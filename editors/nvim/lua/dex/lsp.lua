---@mod dex.lsp Starting the Dex language server and finding its clients

local config = require('dex.config')

local M = {}

local uv = vim.uv or vim.loop

--- Returns the vault root above `path` (the nearest folder with one of `markers`) and the
--- marker found there, or nil.
---@param path string a file or folder
---@param markers string[]
---@return string? root
---@return string? marker
function M.find_root(path, markers)
  local dir = vim.fn.fnamemodify(path, ':p')
  local stat = uv.fs_stat(dir)
  if not (stat and stat.type == 'directory') then
    dir = vim.fn.fnamemodify(dir, ':h')
  end
  dir = dir:gsub('/$', '')
  while dir ~= '' do
    for _, marker in ipairs(markers) do
      if uv.fs_stat(dir .. '/' .. marker) then
        return dir, marker
      end
    end
    local parent = vim.fn.fnamemodify(dir, ':h')
    if parent == dir then
      break
    end
    dir = parent
  end
  return nil, nil
end

--- Returns the Dex clients attached to `bufnr` (0: the current buffer).
---@param bufnr? integer
---@return table[]
function M.clients(bufnr)
  bufnr = bufnr or 0
  if bufnr == 0 then
    bufnr = vim.api.nvim_get_current_buf()
  end
  local get = vim.lsp.get_clients or vim.lsp.get_active_clients
  return get({ name = 'dex', bufnr = bufnr })
end

--- Builds the client configuration for vim.lsp.start or vim.lsp.config.
---@param opts dex.Config
---@return table
function M.client_config(opts)
  local settings = vim.tbl_isempty(opts.settings) and vim.empty_dict() or opts.settings
  -- Some Neovim versions replace the default capabilities with the configured ones instead of
  -- merging them, so pass the whole table. The comment in lsp/dex.lua gives the reason for
  -- documentChanges.
  local capabilities = vim.tbl_deep_extend(
    'force',
    vim.lsp.protocol.make_client_capabilities(),
    { workspace = { workspaceEdit = { documentChanges = true } } }
  )
  return {
    name = 'dex',
    cmd = opts.cmd,
    filetypes = opts.filetypes,
    settings = { dex = settings },
    init_options = { dex = settings },
    capabilities = capabilities,
    on_attach = opts.on_attach,
  }
end

--- Starts (or reuses) the Dex client for `bufnr` when the buffer's file lies in a vault.
---@param bufnr integer
---@return integer? client_id
function M.start_for_buffer(bufnr)
  local opts = config.get()
  local name = vim.api.nvim_buf_get_name(bufnr)
  if name == '' or vim.bo[bufnr].buftype ~= '' then
    return nil
  end
  local root = M.find_root(name, opts.root_markers)
  if root == nil then
    return nil
  end
  local client_config = M.client_config(opts)
  client_config.root_dir = root
  return vim.lsp.start(client_config, { bufnr = bufnr })
end

local group = nil

--- Registers the server for `opts.filetypes`: vim.lsp.config/vim.lsp.enable on Neovim 0.11+,
--- else a FileType autocommand that calls vim.lsp.start.
---@param opts dex.Config
function M.register(opts)
  if opts.use_lsp_enable then
    local client_config = M.client_config(opts)
    -- Start only inside a vault: a root_dir function that does not call on_dir starts nothing.
    client_config.root_dir = function(bufnr, on_dir)
      local root = M.find_root(vim.api.nvim_buf_get_name(bufnr), opts.root_markers)
      if root then
        on_dir(root)
      end
    end
    vim.lsp.config('dex', client_config)
    vim.lsp.enable('dex')
    return
  end

  group = vim.api.nvim_create_augroup('dex_lsp_start', { clear = true })
  vim.api.nvim_create_autocmd('FileType', {
    group = group,
    pattern = opts.filetypes,
    callback = function(event)
      M.start_for_buffer(event.buf)
    end,
  })
  -- Buffers opened before setup() ran.
  for _, bufnr in ipairs(vim.api.nvim_list_bufs()) do
    if vim.api.nvim_buf_is_loaded(bufnr) and vim.tbl_contains(opts.filetypes, vim.bo[bufnr].filetype) then
      M.start_for_buffer(bufnr)
    end
  end
end

return M
