/**
 * Shared scaffolding for the debugging webviews: a strict content-security
 * policy (no remote content, scripts and styles only with this page's nonce),
 * VS Code theme colours through its CSS variables, and a hex formatter that
 * matches simulator/util/hex.ts (`0x8800_0000`).
 */
import { randomBytes } from 'node:crypto';
import type * as vscode from 'vscode';

export function nonce(): string {
  return randomBytes(16).toString('base64').replace(/[^A-Za-z0-9]/g, '');
}

/** Common CSS: theme variables only, so light, dark and high-contrast themes all work. */
const BASE_CSS = `
  body { font-family: var(--vscode-font-family); font-size: var(--vscode-font-size); color: var(--vscode-foreground); background: transparent; padding: 4px 8px; }
  .mono { font-family: var(--vscode-editor-font-family); font-size: var(--vscode-editor-font-size); }
  .muted { color: var(--vscode-descriptionForeground); }
  a, .link { color: var(--vscode-textLink-foreground); cursor: pointer; text-decoration: none; }
  a:hover, .link:hover { text-decoration: underline; }
  table { border-collapse: collapse; width: 100%; }
  th, td { text-align: left; padding: 1px 6px; border-bottom: 1px solid var(--vscode-panel-border, transparent); white-space: nowrap; }
  th { color: var(--vscode-descriptionForeground); font-weight: normal; }
  .empty { color: var(--vscode-descriptionForeground); font-style: italic; }
`;

/** JS helper injected into every page: hex with `_` grouping every four digits. */
const HEX_JS = `
  function hex(v) {
    let s = (typeof v === 'string' ? BigInt(v.replace(/_/g, '')) : BigInt(v)).toString(16);
    if (s.length > 4) { const g = []; for (let e = s.length; e > 0; e -= 4) g.unshift(s.slice(Math.max(0, e - 4), e)); s = g.join('_'); }
    return '0x' + s;
  }
  function esc(t) { return String(t).replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]); }
`;

/** A complete page: `css` and `script` run under the page's nonce; data arrives by postMessage. */
export function page(webview: vscode.Webview, title: string, css: string, script: string): string {
  const n = nonce();
  const csp = [`default-src 'none'`, `img-src ${webview.cspSource} data:`, `style-src 'nonce-${n}'`, `script-src 'nonce-${n}'`, `font-src ${webview.cspSource}`].join('; ');
  return `<!DOCTYPE html>
<html lang="en"><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>${title}</title>
<style nonce="${n}">${BASE_CSS}${css}</style>
</head><body>
<div id="root"><p class="empty">Start debugging an Armscope scenario to see this view.</p></div>
<script nonce="${n}">
  const vscode = acquireVsCodeApi();
  ${HEX_JS}
  ${script}
</script>
</body></html>`;
}
