-- A scripted editor session: Neovim's built-in LSP client (0.7 or later) against
-- `splforge server`. Opens a detection, edits a story name and receives the diagnostics,
-- hovers a macro in the search, jumps to the story's definition, and completes a story
-- name. Writes one line per step to $OUT ("ok <step>" or "FAIL <step>: why") and quits.
--
--   SPLFORGE_BIN=target/debug/splforge CONTENT_ROOT=/path/to/content \
--   DETECTION=detections/endpoint/x.yml OUT=/tmp/session.txt \
--   nvim --headless --clean -c 'luafile scripts/nvim-lsp-session.lua'

local bin = os.getenv('SPLFORGE_BIN')
local root = os.getenv('CONTENT_ROOT')
local detection = os.getenv('DETECTION')
local out = os.getenv('OUT')
local patience = 60000
local results = {}

local function record(step, ok, why)
  if ok then
    table.insert(results, 'ok ' .. step)
  else
    table.insert(results, 'FAIL ' .. step .. ': ' .. tostring(why))
  end
end

local function line_index(buf, pattern, from)
  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  for i = from or 1, #lines do
    if lines[i]:find(pattern) then
      return i - 1, lines[i]
    end
  end
end

local function request(buf, method, line, character)
  local params = {
    textDocument = { uri = vim.uri_from_bufnr(buf) },
    position = { line = line, character = character },
  }
  local responses = vim.lsp.buf_request_sync(buf, method, params, patience)
  for _, response in pairs(responses or {}) do
    if response.result then
      return response.result
    end
  end
end

local function session()
  vim.cmd('edit ' .. vim.fn.fnameescape(root .. '/' .. detection))
  local buf = vim.api.nvim_get_current_buf()
  -- The buffer is edited, never written: a read-only checkout is fine.
  vim.bo[buf].readonly = false
  local ready = false
  local id = vim.lsp.start_client({
    name = 'splforge',
    cmd = { bin, 'server' },
    root_dir = root,
    on_init = function() ready = true end,
  })
  vim.lsp.buf_attach_client(buf, id)
  record('initialize', vim.wait(patience, function() return ready end, 20), 'no initialize response')

  -- The first story of the detection, on the line after `analytic_story:`.
  local key = line_index(buf, '^%s*analytic_story:')
  local story_line, story_text = line_index(buf, '^%s*%- ', key + 2)
  local indent, story = story_text:match('^(%s*%- )(.*)$')

  -- Diagnostics as you type: a misspelt story is an unknown story, at its line.
  vim.api.nvim_buf_set_lines(buf, story_line, story_line + 1, false, { indent .. story .. 'x' })
  local found = vim.wait(patience, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.lnum == story_line and tostring(d.message):find('does not exist') then
        return true
      end
    end
    return false
  end, 20)
  record('diagnostics', found, vim.inspect(vim.diagnostic.get(buf)))
  vim.api.nvim_buf_set_lines(buf, story_line, story_line + 1, false, { story_text })
  local cleared = vim.wait(patience, function()
    for _, d in ipairs(vim.diagnostic.get(buf)) do
      if d.lnum == story_line then
        return false
      end
    end
    return true
  end, 20)
  record('diagnostics cleared', cleared, vim.inspect(vim.diagnostic.get(buf)))

  -- Hover a macro in the search.
  local search_line, search_text = line_index(buf, '`')
  local tick = search_text:find('`')
  local hover = request(buf, 'textDocument/hover', search_line, tick)
  local shown = hover and hover.contents and hover.contents.value or ''
  record('hover macro', shown:find('%*%*macro%*%*') ~= nil, shown)

  -- Jump to the story's definition.
  local location = request(buf, 'textDocument/definition', story_line, #indent + 1)
  if location and location[1] then
    location = location[1]
  end
  if location then
    vim.lsp.util.jump_to_location(location, 'utf-16')
  end
  local name = vim.api.nvim_buf_get_name(0)
  local cursor_line = vim.api.nvim_get_current_line()
  record('definition', name:find('/stories/') ~= nil and cursor_line:find(story, 1, true) ~= nil,
    name .. ': ' .. cursor_line)
  vim.api.nvim_set_current_buf(buf)

  -- Complete a story name from its first letters.
  local prefix = story:sub(1, 4)
  vim.api.nvim_buf_set_lines(buf, story_line, story_line + 1, false, { indent .. prefix })
  local completion = request(buf, 'textDocument/completion', story_line, #indent + #prefix)
  local items = completion and (completion.items or completion) or {}
  local chosen
  for _, item in ipairs(items) do
    if item.label == story then
      chosen = item
    end
  end
  if chosen and chosen.textEdit then
    vim.lsp.util.apply_text_edits({ chosen.textEdit }, buf, 'utf-16')
  end
  local completed = vim.api.nvim_buf_get_lines(buf, story_line, story_line + 1, false)[1]
  record('completion', completed == story_text, tostring(#items) .. ' items; line: ' .. completed)

  vim.lsp.stop_client(id)
end

local ok, err = pcall(session)
if not ok then
  record('session', false, err)
end
local file = io.open(out, 'w')
file:write(table.concat(results, '\n') .. '\n')
file:close()
vim.cmd('qa!')
