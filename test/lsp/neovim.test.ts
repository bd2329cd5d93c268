/**
 * Neovim headless as a second real LSP client: opens a scenario, starts the
 * server with vim.lsp.start_client, and reports the diagnostics and a hover it
 * received. Skipped (with the reason printed) when `nvim` is not installed.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { requirePrerequisite } from '../prerequisites';
import { serverPath } from './lspClient';

function nvimVersion(): string | undefined {
  const r = spawnSync('nvim', ['--version'], { encoding: 'utf8' });
  return r.status === 0 ? r.stdout.split('\n')[0] : undefined;
}

const SCENARIO = [
  'system {',
  '  pes 1',
  '  memroy ram at 0x8000_0000 size 0x10_0000',
  '}',
  'pe 0 {',
  '  el 2',
  '  entry start',
  '  hcr_el2 = 0x8000_0000',
  '}',
  'code at 0x8000_0000 {',
  'start:',
  '    wfi',
  '}',
  '',
].join('\n');

describe('Neovim as an LSP client', function () {
  this.timeout(60_000);

  it('receives diagnostics and a decoded hover from the server', function () {
    const version = nvimVersion();
    requirePrerequisite(this, version ? undefined : 'nvim is not installed (apt-get install -y neovim)', { what: 'the Neovim LSP test' });
    const server = serverPath();
    assert.ok(existsSync(server), `${server} missing: run node build.mjs`);
    const dir = mkdtempSync(path.join(tmpdir(), 'armscope-nvim-'));
    try {
      const file = path.join(dir, 'scenario.armscope');
      const out = path.join(dir, 'out.json');
      writeFileSync(file, SCENARIO);
      const r = spawnSync('nvim', ['--headless', '--clean', '-n', '-c', `luafile ${path.resolve('test/lsp/nvim-client.lua')}`], {
        env: {
          ...process.env,
          ARMSCOPE_NODE: process.execPath,
          ARMSCOPE_SERVER: server,
          ARMSCOPE_FILE: file,
          ARMSCOPE_OUT: out,
          ARMSCOPE_HOVER_LINE: '7',
          ARMSCOPE_HOVER_COL: '14',
        },
        encoding: 'utf8',
        timeout: 50_000,
      });
      assert.ok(existsSync(out), `nvim wrote no result (${version}); status ${r.status}; ${r.stderr}`);
      const result = JSON.parse(readFileSync(out, 'utf8')) as {
        diagnostics: { lnum: number; col: number; end_col: number; message: string; code?: string }[];
        hover: { contents: { value: string } } | null;
        error: string | null;
      };
      assert.equal(result.error, null);
      assert.equal(result.diagnostics.length, 1, JSON.stringify(result.diagnostics));
      const d = result.diagnostics[0];
      assert.deepEqual([d.lnum, d.col, d.end_col], [2, 2, 8]);
      assert.match(d.message, /unknown setting 'memroy'.*did you mean 'memory'/);
      assert.ok(result.hover, 'hover answered');
      assert.match(result.hover.contents.value, /\*\*HCR_EL2\*\* = `0x8000_0000`/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
