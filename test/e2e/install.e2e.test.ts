/**
 * Issue #5: the packaged `.vsix` installs. Install it with a real VS Code's
 * own CLI (code-server --install-extension) into an empty extensions dir and
 * check that VS Code lists it with its version. Issue #9 item 13: `npm run
 * studio` serves a copy of examples/, so auto-save never edits the originals.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { ROOT, requireE2e, packageExtension, readManifest } from './harness';
import { startStudio } from './studio';

describe('e2e: the packaged .vsix installs into VS Code', function () {
  this.timeout(120_000);
  requireE2e();

  it('installs with code-server --install-extension and is listed with its version', () => {
    const pkg = readManifest(path.join(ROOT, 'package.json'));
    const vsix = packageExtension();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-install-'));
    const codeServer = path.join(ROOT, '.e2e', 'node_modules', '.bin', 'code-server');
    const common = ['--extensions-dir', path.join(dir, 'ext'), '--user-data-dir', path.join(dir, 'data')];
    try {
      const install = spawnSync(codeServer, [...common, '--install-extension', vsix], { encoding: 'utf8' });
      assert.equal(install.status, 0, install.stderr + install.stdout);
      const list = spawnSync(codeServer, [...common, '--list-extensions', '--show-versions'], { encoding: 'utf8' });
      assert.equal(list.status, 0, list.stderr);
      assert.ok(
        list.stdout.split('\n').includes(`${pkg.publisher}.${pkg.name}@${pkg.version}`),
        `expected ${pkg.publisher}.${pkg.name}@${pkg.version} in:\n${list.stdout}`,
      );
      // The installed copy carries the bundles the manifest points at.
      const installed = path.join(dir, 'ext', `${pkg.publisher}.${pkg.name}-${pkg.version}`);
      for (const f of ['dist/extension.js', 'dist/language-server.js', 'dist/debug-adapter.js', 'syntaxes/armscope.tmLanguage.json']) {
        assert.ok(fs.existsSync(path.join(installed, f)), `${f} missing from the installed extension`);
      }
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it('npm run studio opens a fresh copy of examples/ and leaves examples/ alone', async () => {
    const examples = path.join(ROOT, 'examples');
    const file = path.join('seed-000', 'bug-osh-tables.armscope');
    const original = fs.readFileSync(path.join(examples, file), 'utf8');
    const studio = await startStudio({ vsix: packageExtension() });
    try {
      assert.ok(!path.resolve(studio.workspace).startsWith(path.resolve(ROOT) + path.sep), `${studio.workspace} is inside the repository`);
      assert.ok(studio.folderUrl.endsWith(`?folder=${encodeURIComponent(studio.workspace)}`), studio.folderUrl);
      assert.deepEqual(fs.readdirSync(studio.workspace).sort(), fs.readdirSync(examples).sort());
      assert.equal(fs.readFileSync(path.join(studio.workspace, file), 'utf8'), original);
      assert.ok((await fetch(`${studio.url}/healthz`)).ok);
      // What an editor's auto-save would do to the copy does not reach examples/.
      fs.writeFileSync(path.join(studio.workspace, file), '// edited in the studio\n');
      assert.equal(fs.readFileSync(path.join(examples, file), 'utf8'), original);
    } finally {
      studio.stop();
      fs.rmSync(studio.dir, { recursive: true, force: true });
    }
  });
});
