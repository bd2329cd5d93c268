-- Neovim (0.7+) as a second real LSP client for the Armscope language server.
-- Driven by test/lsp/neovim.test.ts through environment variables; writes what
-- the editor received (diagnostics, a hover) as JSON to ARMSCOPE_OUT.
local node = os.getenv('ARMSCOPE_NODE')
local server = os.getenv('ARMSCOPE_SERVER')
local file = os.getenv('ARMSCOPE_FILE')
local out = os.getenv('ARMSCOPE_OUT')
local hover_line = tonumber(os.getenv('ARMSCOPE_HOVER_LINE'))
local hover_col = tonumber(os.getenv('ARMSCOPE_HOVER_COL'))

local result = { diagnostics = {}, hover = vim.NIL, error = vim.NIL }

local function finish()
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(result))
  f:close()
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local buf = vim.api.nvim_get_current_buf()
  vim.api.nvim_buf_set_option(buf, 'filetype', 'armscope')
  local client_id = vim.lsp.start_client({
    name = 'armscope',
    cmd = { node, server, '--stdio' },
    root_dir = vim.fn.fnamemodify(file, ':h'),
    init_options = { liveRun = false },
  })
  assert(client_id, 'start_client failed')
  vim.lsp.buf_attach_client(buf, client_id)
  vim.wait(15000, function() return #vim.diagnostic.get(buf) > 0 end, 50)
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    local code = d.code
    if code == nil and d.user_data and d.user_data.lsp then code = d.user_data.lsp.code end
    table.insert(result.diagnostics, {
      lnum = d.lnum, col = d.col, end_lnum = d.end_lnum, end_col = d.end_col,
      message = d.message, severity = d.severity, source = d.source, code = code,
    })
  end
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = hover_line, character = hover_col },
  }, 10000)
  if responses then
    for _, r in pairs(responses) do
      if r.result then result.hover = r.result end
    end
  end
  vim.lsp.stop_client(client_id)
end)
if not ok then result.error = tostring(err) end
finish()
