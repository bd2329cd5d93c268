// Test-only extension loaded beside Armscope in code-server. It does nothing
// unless ARMSCOPE_E2E_PLAN names a module exporting `async (vscode, log) => results`;
// the results (or the error) are written as JSON to ARMSCOPE_E2E_RESULTS.
// Runs once per extension host.
const fs = require('fs');
const vscode = require('vscode');

let ran = false;
exports.activate = async function activate() {
  const plan = process.env.ARMSCOPE_E2E_PLAN;
  const out = process.env.ARMSCOPE_E2E_RESULTS;
  if (!plan || !out || ran) return;
  ran = true;
  const log = [];
  const started = Date.now();
  try {
    const results = await require(plan)(vscode, (m) => log.push(`${Date.now() - started} ms: ${m}`));
    fs.writeFileSync(out + '.tmp', JSON.stringify({ ok: true, results, log }, null, 2));
  } catch (e) {
    fs.writeFileSync(out + '.tmp', JSON.stringify({ ok: false, error: String(e && e.stack || e), log }, null, 2));
  }
  fs.renameSync(out + '.tmp', out);
};
exports.deactivate = function deactivate() {};
