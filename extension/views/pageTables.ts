/**
 * Webview: the current PE's translation tables as trees of decoded
 * descriptors, from each table base down (stage 1 TTBRn and stage 2
 * VTTBR/VSTTBR). Table descriptors are folded; the walk of the fault the
 * debugger stopped on is unfolded and highlighted down to the entry where it
 * faulted (listed even when invalid), with what memory and each cached copy of
 * a descriptor hold where they differ. Stage-1 memory types come named by
 * their MAIR meaning. Everything shown is computed by the simulator (the
 * adapter's `armscope/pageTables` request: simulator/mmu/view.ts
 * `pageTableView`, simulator/mmu/tableTree.ts); this page only renders it.
 */
export const PAGETABLES_CSS = `
  body { font-size: max(12px, var(--vscode-font-size)); }
  details { margin-left: 14px; }
  details > summary { cursor: pointer; }
  .table-head { font-weight: bold; margin-top: 8px; }
  .kind-table { color: var(--vscode-symbolIcon-classForeground, var(--vscode-foreground)); }
  .kind-block, .kind-page { color: var(--vscode-symbolIcon-variableForeground, var(--vscode-foreground)); }
  .kind-invalid { color: var(--vscode-errorForeground); }
  .fields { margin-left: 28px; }
  .indent { margin-left: 14px; }
  .fields td { padding: 0 6px; }
  .walk > summary { background: var(--vscode-editor-findMatchHighlightBackground, var(--vscode-editor-selectionHighlightBackground)); }
  .fault > summary { background: var(--vscode-inputValidation-errorBackground, var(--vscode-editor-findMatchHighlightBackground)); outline: 1px solid var(--vscode-inputValidation-errorBorder, var(--vscode-errorForeground)); }
  .copies { margin-left: 18px; white-space: normal; color: var(--vscode-editorWarning-foreground, var(--vscode-foreground)); }
  .focus { position: sticky; top: 0; z-index: 1; margin: 4px 0 8px; padding: 4px 8px; background: var(--vscode-sideBar-background, var(--vscode-editor-background));
    border-left: 3px solid var(--vscode-inputValidation-errorBorder, var(--vscode-errorForeground)); }
`;

export const PAGETABLES_JS = `
  const root = document.getElementById('root');
  window.addEventListener('message', (ev) => {
    const msg = ev.data;
    if (msg.type === 'clear') { root.innerHTML = '<p class="empty">' + esc(msg.text) + '</p>'; return; }
    if (msg.type === 'tables') render(msg.data);
  });
  function size(n) { const u = [[2 ** 30, 'GB'], [2 ** 20, 'MB'], [2 ** 10, 'KB']]; for (const [k, s] of u) if (n >= k) return n / k + s; return n + 'B'; }
  function fields(fs) {
    return '<table class="fields mono">' + fs.filter((f) => f.kind !== 'res0').map((f) => '<tr><td>' + esc(f.name) + '</td><td>' + hex(f.value) + '</td><td class="muted">' + esc(f.meaning) + '</td></tr>').join('') + '</table>';
  }
  function node(n, input) {
    const d = n.decoded;
    const cls = n.faulted ? 'fault' : n.onWalk ? 'walk' : '';
    const head = '<span><span class="mono">[' + n.index + '] ' + input + ' ' + hex(n.inputBase) + ' (' + size(n.inputSize) + ')</span> <span class="kind-' + d.type + '">' + esc(d.summary) + '</span> <span class="muted mono">@' + hex(n.descriptorPa) + ' = ' + hex(n.value) + '</span></span>' +
      (n.faulted ? ' <b>← the walk faults here</b>' : '') + (n.copies ? '<div class="copies mono">' + esc(n.copies) + '</div>' : '');
    let body = fields(d.fields);
    if (n.unresolved) body += '<div class="muted">' + esc(n.unresolved) + '</div>';
    if (n.children) body += n.children.map((c) => node(c, input)).join('') + (n.invalidChildren ? '<div class="muted indent">' + n.invalidChildren + ' invalid entries' + (n.children.some((c) => c.faulted) ? ' besides the one shown' : '') + '</div>' : '');
    // Folded by default; the focused walk is unfolded down to where it ends.
    return '<details' + (cls ? ' class="' + cls + '" open' : '') + '><summary>' + head + '</summary>' + body + '</details>';
  }
  function render(data) {
    let html = '<div class="muted">PE' + data.pe + ' at EL' + data.el + ', step ' + data.step + '</div>';
    const f = data.focus;
    if (f) {
      html += '<div class="focus"><b>' + esc(f.title) + '</b>: VA ' + hex(f.va) + (f.ipa !== undefined ? ', IPA ' + hex(f.ipa) : '') + ' at EL' + f.el + '<br>' + esc(f.now) + '</div>';
    }
    if (data.tables.length === 0) html += '<p class="empty">No translation tables in use.</p>';
    for (const t of data.tables) {
      const input = t.stage === 2 ? 'IPA' : 'VA';
      html += '<div class="table-head">' + esc(t.name) + ' — stage ' + t.stage + ', ' + esc(t.regime) + '</div>';
      if (!t.enabled) { html += '<div class="muted">' + esc(t.note || 'disabled') + '</div>'; continue; }
      html += '<div class="muted mono">base ' + hex(t.base) + (t.basePa !== undefined && t.basePa !== t.base ? ' (PA ' + hex(t.basePa) + ')' : '') + ', start level ' + t.startLevel + ', ' + t.inputBits + '-bit ' + input + ', walks ' + esc(t.walkAttrs) + (t.note ? ' — ' + esc(t.note) : '') + '</div>';
      html += t.entries.map((n) => node(n, input)).join('');
      if (t.invalidEntries) html += '<div class="muted">' + t.invalidEntries + ' invalid entries at level ' + t.startLevel + '</div>';
    }
    root.innerHTML = html;
    const hit = root.querySelector('details.fault');
    if (hit) hit.scrollIntoView({ block: 'center' });
  }
  vscode.postMessage({ type: 'ready' });
`;
