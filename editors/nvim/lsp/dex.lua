-- Server configuration for Neovim 0.11+: put this folder on 'runtimepath' and call
-- vim.lsp.enable('dex'). Override any field with vim.lsp.config('dex', { ... }).
---@type vim.lsp.Config
return {
  cmd = { 'dex', 'lsp' },
  filetypes = { 'markdown' },
  -- The vault root: the nearest folder above the note with one of these.
  root_markers = { '.dex.toml', '.obsidian', '.git' },
  -- The `dex` section that the server pulls with workspace/configuration, such as
  -- { dex = { today = '2026-03-15', diagnostics = { severity = { overdue = 'error' } } } }.
  settings = { dex = vim.empty_dict() },
  -- Dex creates notes with a CreateFile operation in documentChanges, and only for clients that
  -- advertise both. Neovim applies documentChanges (vim.lsp.util.apply_workspace_edit) but
  -- advertises only resourceOperations (checked on 0.7.2 and 0.11.4).
  capabilities = { workspace = { workspaceEdit = { documentChanges = true } } },
  -- Send the settings in initializationOptions too. Neovim pulls diagnostics as soon as the
  -- note opens, possibly before the server has asked for workspace/configuration, and Neovim
  -- 0.11 does not support workspace/diagnostic/refresh, so without this the first diagnostics
  -- ignore the settings until the note is edited.
  before_init = function(params, config)
    if params.initializationOptions == nil then
      params.initializationOptions = config.settings
    end
  end,
}
