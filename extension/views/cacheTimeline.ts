/**
 * Webview: cache-line states across the caches over the run. One row per
 * cached copy (cache, line, attributes), coloured by MOESI state from the
 * step it entered that state. The time axis has one column per step in which
 * a line changed (and the current step), so an event is never a zero-width
 * sliver however long the run; the layout scales with the view's width (a
 * narrow side bar puts each row's label above its track) and text stays at
 * the editor's size (≥ 11 px). Events of the current step and of the next one
 * are marked; hovering a bar shows the copy's data and attributes, clicking it
 * steps the debugger back to just before that change. Table-walk reads carry
 * the walk's label (stage, level, VA/IPA) from the simulator. Data: the
 * adapter's `armscope/cacheTimeline` request (simulator/engine/timeline.ts).
 */
export const TIMELINE_CSS = `
  body { font-size: max(12px, var(--vscode-font-size)); }
  .legend { display: flex; flex-wrap: wrap; gap: 4px 12px; align-items: center; margin: 2px 0 8px; }
  .legend .sw { display: inline-block; width: 12px; height: 12px; margin-right: 4px; vertical-align: middle; border-radius: 2px; }
  .st-M { background: var(--vscode-charts-red); } .st-O { background: var(--vscode-charts-orange); }
  .st-E { background: var(--vscode-charts-green); } .st-S { background: var(--vscode-charts-blue); }
  .tl { display: grid; grid-template-columns: minmax(180px, 34%) 1fr; column-gap: 10px; row-gap: 3px; align-items: center; }
  .tl .label { font-family: var(--vscode-editor-font-family); font-size: max(12px, var(--vscode-editor-font-size)); overflow-wrap: anywhere; }
  .tl .label.next { font-style: italic; }
  .track { position: relative; height: 20px; border-bottom: 1px solid var(--vscode-panel-border, var(--vscode-descriptionForeground)); }
  .bar { position: absolute; top: 3px; height: 14px; min-width: 8px; border-radius: 2px; cursor: pointer; box-sizing: border-box; }
  .bar:focus { outline: 2px solid var(--vscode-focusBorder); outline-offset: 1px; }
  .bar.at-now { box-shadow: 0 0 0 2px var(--vscode-editor-foreground, var(--vscode-foreground)); }
  .bar.at-next { border: 2px dashed var(--vscode-editor-foreground, var(--vscode-foreground)); opacity: 0.75; }
  .tick { position: absolute; top: 0; height: 20px; width: 0; border-left: 1px dotted var(--vscode-descriptionForeground); pointer-events: none; }
  .mark { position: absolute; z-index: 1; top: -2px; font-size: 12px; line-height: 12px; transform: translateX(-50%); pointer-events: none; color: var(--vscode-editor-foreground, var(--vscode-foreground)); }
  .now { position: absolute; top: -4px; bottom: -4px; width: 0; border-left: 2px solid var(--vscode-debugIcon-pauseForeground, var(--vscode-foreground)); pointer-events: none; }
  .axis { position: relative; height: 16px; font-size: 11px; color: var(--vscode-descriptionForeground); }
  .axis span { position: absolute; transform: translateX(-50%); white-space: nowrap; }
  #tip { position: fixed; z-index: 10; display: none; max-width: min(560px, 92vw); padding: 6px 8px; border-radius: 3px;
    background: var(--vscode-editorHoverWidget-background, var(--vscode-editor-background)); color: var(--vscode-editorHoverWidget-foreground, var(--vscode-foreground));
    border: 1px solid var(--vscode-editorHoverWidget-border, var(--vscode-panel-border)); font-size: 12px; pointer-events: none; }
  #tip .words { font-family: var(--vscode-editor-font-family); display: grid; grid-template-columns: auto auto; gap: 0 10px; margin-top: 4px; }
  .scroll { overflow-x: auto; margin-top: 12px; }
  tr.at-now td { background: var(--vscode-editor-rangeHighlightBackground, transparent); font-weight: bold; }
  tr.at-next td { font-style: italic; }
  @media (max-width: 560px) {
    .tl { grid-template-columns: 1fr; }
    .tl .label { margin-top: 6px; }
  }
`;

export const TIMELINE_JS = `
  const root = document.getElementById('root');
  const tip = document.createElement('div');
  tip.id = 'tip';
  document.body.appendChild(tip);
  const STATE_NAMES = { M: 'Modified (dirty)', O: 'Owned (dirty, shared)', E: 'Exclusive (clean)', S: 'Shared (clean)', I: 'Invalid' };
  let last;
  window.addEventListener('message', (ev) => {
    const msg = ev.data;
    if (msg.type === 'clear') { last = undefined; root.innerHTML = '<p class="empty">' + esc(msg.text) + '</p>'; return; }
    if (msg.type !== 'timeline') return;
    last = msg.data;
    render(last);
  });
  function when(c, t) { return c.step === t.current ? 'at-now' : c.step > t.current ? 'at-next' : ''; }
  function where(c) { return (c.pe !== undefined ? 'PE' + c.pe : '') + (c.line !== undefined ? (c.pe !== undefined ? ', ' : '') + 'line ' + (c.line + 1) : ''); }
  function tipHtml(r, c, until, t) {
    let h = '<b>' + esc(r.cache) + ' · ' + hex(r.pa) + ' · ' + esc(r.attrs) + '</b><br>';
    h += esc(c.to + ' — ' + (STATE_NAMES[c.to] || c.to)) + ' from step ' + c.step + (until !== undefined ? ' to step ' + until : '') + '<br>';
    h += esc(c.from + '→' + c.to + ' at step ' + c.step + ': ' + c.cause) + (where(c) ? ' (' + esc(where(c)) + ')' : '') + '<br>';
    if (c.data) {
      h += '<span class="muted">data after step ' + c.step + (c.stateAfterStep && c.stateAfterStep !== c.to ? ' (then ' + esc(c.stateAfterStep) + ')' : '') + ':</span><div class="words">';
      c.data.split(' ').forEach((w, i) => { h += '<span class="muted">' + hex(r.pa + i * 8) + '</span><span>' + esc(w) + '</span>'; });
      h += '</div>';
    } else if (c.stateAfterStep === 'I') h += '<span class="muted">no longer cached after step ' + c.step + '</span>';
    h += '<div class="muted">' + (c.step > t.current ? 'the next step makes this change' : 'click: go back to step ' + (c.step - 1) + ', just before this change') + '</div>';
    return h;
  }
  function showTip(el, html) {
    tip.innerHTML = html;
    tip.style.display = 'block';
    const b = el.getBoundingClientRect();
    const w = tip.offsetWidth, h = tip.offsetHeight;
    let x = Math.min(Math.max(4, b.left), window.innerWidth - w - 4);
    let y = b.bottom + 6;
    if (y + h > window.innerHeight - 4) y = Math.max(4, b.top - h - 6);
    tip.style.left = x + 'px';
    tip.style.top = y + 'px';
  }
  function hideTip() { tip.style.display = 'none'; }
  function render(t) {
    hideTip();
    const changes = t.changes;
    if (changes.length === 0) { root.innerHTML = '<p class="empty">No cache line has changed state yet (step ' + t.current + ').</p>'; return; }
    const rows = new Map();
    for (const c of changes) {
      const key = c.cache + ' ' + c.pa + ' ' + c.attrs;
      if (!rows.has(key)) rows.set(key, { cache: c.cache, pa: c.pa, attrs: c.attrs, changes: [] });
      rows.get(key).changes.push(c);
    }
    const list = [...rows.values()].sort((a, b) => a.pa - b.pa || t.caches.indexOf(a.cache) - t.caches.indexOf(b.cache) || a.attrs.localeCompare(b.attrs));
    // One column per step in which something changed, plus the current step.
    const steps = [...new Set(changes.map((c) => c.step).concat([t.current]))].sort((a, b) => a - b);
    const col = new Map(steps.map((s, i) => [s, i]));
    const n = steps.length;
    // Positions go in data-x/data-w (percent of the track) and are applied through the CSSOM below: the
    // page's content-security policy refuses inline style attributes.
    const pct = (i) => String(100 * i / n);
    const nowAt = pct(col.get(t.current) + 1);
    const bars = [];
    let html = '<div class="legend">' + ['M', 'O', 'E', 'S'].map((s) => '<span><span class="sw st-' + s + '"></span>' + s + ' ' + esc(STATE_NAMES[s]) + '</span>').join('') +
      '<span>▼ changed in step ' + t.current + ' (now)</span><span>▽ changed by the next step</span>' + (t.truncated ? '<span>(first ' + changes.length + ' changes only)</span>' : '') + '</div>';
    html += '<div class="tl" role="list">';
    list.forEach((r) => {
      const next = r.changes.every((c) => c.step > t.current);
      html += '<div class="label' + (next ? ' next' : '') + '" role="listitem">' + esc(r.cache + ' ' + hex(r.pa) + ' ' + r.attrs) + '</div><div class="track">';
      r.changes.forEach((c, k) => {
        const untilStep = k + 1 < r.changes.length ? r.changes[k + 1].step : undefined;
        const from = col.get(c.step), to = untilStep !== undefined ? col.get(untilStep) : n;
        const cls = when(c, t);
        html += '<span class="tick" data-x="' + pct(from) + '"></span>';
        if (cls) html += '<span class="mark" data-x="' + pct(from + 0.5) + '">' + (cls === 'at-now' ? '▼' : '▽') + '</span>';
        if (c.to === 'I') return;
        const id = bars.length;
        bars.push({ r, c, until: untilStep });
        html += '<span class="bar st-' + c.to + ' ' + cls + '" tabindex="0" role="button" data-bar="' + id + '" aria-label="' +
          esc(r.cache + ' ' + hex(r.pa) + ' ' + r.attrs + ': ' + c.to + ' from step ' + c.step + ', ' + c.cause) + '" data-x="' + pct(from) + '" data-w="' + pct(Math.max(to - from, 0)) + '"></span>';
      });
      html += '<span class="now" data-x="' + nowAt + '"></span></div>';
    });
    html += '<div></div><div class="axis">';
    const room = Math.max(1, Math.floor((root.clientWidth || 600) / 56));
    const every = Math.max(1, Math.ceil(n / room));
    steps.forEach((s, i) => { if (i % every === 0 || s === t.current) html += '<span data-x="' + pct(i + 0.5) + '">' + (s === t.current ? '<b>' + s + '</b>' : s) + '</span>'; });
    html += '</div></div>';
    html += '<div class="scroll"><table class="mono"><tr><th>step</th><th>cache</th><th>line</th><th>attributes</th><th>change</th><th>cause</th><th>source</th></tr>';
    for (const c of changes) {
      html += '<tr class="' + when(c, t) + '"><td>' + c.step + (c.step > t.current ? ' (next)' : '') + '</td><td>' + esc(c.cache) + '</td><td>' + hex(c.pa) + '</td><td>' + esc(c.attrs) + '</td><td>' + c.from + '→' + c.to + '</td><td>' + esc(c.cause) + (c.pe !== undefined ? ' (PE' + c.pe + ')' : '') + '</td><td>' +
        (c.line !== undefined ? '<a class="link" data-line="' + c.line + '">line ' + (c.line + 1) + '</a>' : '') + '</td></tr>';
    }
    html += '</table></div>';
    root.innerHTML = html;
    for (const el of root.querySelectorAll('[data-x]')) {
      el.style.left = el.dataset.x + '%';
      if (el.dataset.w !== undefined) el.style.width = 'calc(' + el.dataset.w + '% - 1px)';
    }
    for (const a of root.querySelectorAll('a[data-line]')) a.addEventListener('click', () => vscode.postMessage({ type: 'reveal', line: Number(a.dataset.line) }));
    for (const el of root.querySelectorAll('.bar')) {
      const b = bars[Number(el.dataset.bar)];
      const show = () => showTip(el, tipHtml(b.r, b.c, b.until, t));
      el.addEventListener('mouseenter', show);
      el.addEventListener('focus', show);
      el.addEventListener('mouseleave', hideTip);
      el.addEventListener('blur', hideTip);
      const go = () => { if (b.c.step <= t.current) vscode.postMessage({ type: 'goToStep', step: b.c.step - 1, pe: b.c.pe }); };
      el.addEventListener('click', go);
      el.addEventListener('keydown', (e) => { if (e.key === 'Enter' || e.key === ' ') { e.preventDefault(); go(); } });
    }
  }
  let resizeTimer;
  window.addEventListener('resize', () => { clearTimeout(resizeTimer); resizeTimer = setTimeout(() => { if (last) render(last); }, 100); });
  vscode.postMessage({ type: 'ready' });
`;
