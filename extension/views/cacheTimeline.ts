/**
 * Webview: cache-line states across the caches over the run. One row per
 * cached copy (cache, line, attributes), coloured by MOESI state from the
 * step it entered that state; a marker at the current step; every change
 * listed with what caused it (access or maintenance, PE, scenario line —
 * click to reveal). Data: the adapter's `armscope/cacheTimeline` request
 * (simulator/engine/timeline.ts).
 */
export const TIMELINE_CSS = `
  svg { display: block; width: 100%; }
  .st-M { fill: var(--vscode-charts-red); }
  .st-O { fill: var(--vscode-charts-orange); }
  .st-E { fill: var(--vscode-charts-green); }
  .st-S { fill: var(--vscode-charts-blue); }
  .st-I { fill: none; }
  .row-label { fill: var(--vscode-foreground); font-family: var(--vscode-editor-font-family); font-size: 11px; }
  .axis { stroke: var(--vscode-panel-border, var(--vscode-foreground)); stroke-width: 0.5; }
  .now { stroke: var(--vscode-debugIcon-pauseForeground, var(--vscode-foreground)); stroke-width: 2; }
  .legend span { display: inline-block; width: 10px; height: 10px; margin: 0 3px 0 10px; vertical-align: middle; }
  .lg-M { background: var(--vscode-charts-red); } .lg-O { background: var(--vscode-charts-orange); }
  .lg-E { background: var(--vscode-charts-green); } .lg-S { background: var(--vscode-charts-blue); }
  tr.future td { opacity: 0.55; }
`;

export const TIMELINE_JS = `
  const root = document.getElementById('root');
  const STATES = ['M', 'O', 'E', 'S'];
  window.addEventListener('message', (ev) => {
    const msg = ev.data;
    if (msg.type === 'clear') { root.innerHTML = '<p class="empty">' + esc(msg.text) + '</p>'; return; }
    if (msg.type !== 'timeline') return;
    render(msg.data);
  });
  function render(t) {
    const changes = t.changes;
    if (changes.length === 0) { root.innerHTML = '<p class="empty">No cache line has changed state yet (step ' + t.current + ').</p>'; return; }
    const rows = new Map();
    for (const c of changes) {
      const key = c.cache + ' ' + c.pa + ' ' + c.attrs;
      if (!rows.has(key)) rows.set(key, { cache: c.cache, pa: c.pa, attrs: c.attrs, changes: [] });
      rows.get(key).changes.push(c);
    }
    const list = [...rows.values()].sort((a, b) => a.pa - b.pa || t.caches.indexOf(a.cache) - t.caches.indexOf(b.cache) || a.attrs.localeCompare(b.attrs));
    const end = Math.max(t.steps, t.current, 1);
    const labelW = 260, W = 900, rowH = 18, plotW = W - labelW - 10;
    const x = (s) => labelW + (s / end) * plotW;
    let svg = '<svg viewBox="0 0 ' + W + ' ' + (list.length * rowH + 24) + '" role="img" aria-label="cache line states over time">';
    list.forEach((r, i) => {
      const y = i * rowH + 4;
      svg += '<text class="row-label" x="0" y="' + (y + 12) + '">' + esc(r.cache + ' ' + hex(r.pa) + ' ' + r.attrs) + '</text>';
      svg += '<line class="axis" x1="' + labelW + '" x2="' + (W - 10) + '" y1="' + (y + 14) + '" y2="' + (y + 14) + '"/>';
      r.changes.forEach((c, k) => {
        const until = k + 1 < r.changes.length ? r.changes[k + 1].step : end;
        if (c.to === 'I') return;
        const w = Math.max(x(until) - x(c.step), 2);
        svg += '<rect class="st-' + c.to + '" x="' + x(c.step) + '" y="' + (y + 2) + '" width="' + w + '" height="' + (rowH - 6) + '"><title>' +
          esc('step ' + c.step + ': ' + c.from + '→' + c.to + ' (' + c.cause + (c.pe !== undefined ? ', PE' + c.pe : '') + (c.line !== undefined ? ', line ' + (c.line + 1) : '') + ')') + '</title></rect>';
      });
    });
    svg += '<line class="now" x1="' + x(t.current) + '" x2="' + x(t.current) + '" y1="0" y2="' + (list.length * rowH + 8) + '"><title>current step ' + t.current + '</title></line>';
    svg += '<text class="row-label" x="' + labelW + '" y="' + (list.length * rowH + 20) + '">step 0</text><text class="row-label" text-anchor="end" x="' + (W - 10) + '" y="' + (list.length * rowH + 20) + '">step ' + end + '</text>';
    svg += '</svg>';
    const legend = '<div class="legend muted">' + STATES.map((s) => '<span class="lg-' + s + '"></span>' + s).join('') + ' &nbsp; current step ' + t.current + (t.truncated ? ' (truncated)' : '') + '</div>';
    let table = '<table class="mono"><tr><th>step</th><th>cache</th><th>line</th><th>attributes</th><th>change</th><th>cause</th><th>source</th></tr>';
    for (const c of changes) {
      table += '<tr class="' + (c.step > t.current ? 'future' : '') + '"><td>' + c.step + '</td><td>' + esc(c.cache) + '</td><td>' + hex(c.pa) + '</td><td>' + esc(c.attrs) + '</td><td>' + c.from + '→' + c.to + '</td><td>' + esc(c.cause) + (c.pe !== undefined ? ' (PE' + c.pe + ')' : '') + '</td><td>' +
        (c.line !== undefined ? '<a class="link" data-line="' + c.line + '">line ' + (c.line + 1) + '</a>' : '') + '</td></tr>';
    }
    table += '</table>';
    root.innerHTML = legend + svg + table;
    for (const a of root.querySelectorAll('a[data-line]')) a.addEventListener('click', () => vscode.postMessage({ type: 'reveal', line: Number(a.dataset.line), file: t.file }));
  }
  vscode.postMessage({ type: 'ready' });
`;
