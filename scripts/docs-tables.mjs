// Rewrites the generated tables in docs/ from the simulator's own tables:
//   npx tsc -p . && node scripts/docs-tables.mjs      (npm run docs:tables)
// Each table sits between `<!-- generated: NAME … -->` and `<!-- end generated: NAME -->`;
// the tests that own the tables fail when a doc and its source differ.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const require = createRequire(import.meta.url);
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..');
const arch = require(path.join(root, 'out/simulator/arch/index.js'));
const ffa = require(path.join(root, 'out/simulator/firmware/ffaTable.js'));

/** name → [doc file, generator]. */
const SECTIONS = {
  rules: ['docs/memory-model.md', () => arch.rulesMarkdownTable()],
  'spmc-functions': ['docs/firmware.md', () => ffa.spmcFunctionsMarkdownTable()],
  'ffa-errors': ['docs/firmware.md', () => ffa.ffaErrorsMarkdownTable()],
};

let changed = 0;
for (const [name, [file, generate]] of Object.entries(SECTIONS)) {
  const p = path.join(root, file);
  const text = readFileSync(p, 'utf8');
  const re = new RegExp(`(<!-- generated: ${name}\\b[^>]*-->\\n)([\\s\\S]*?)(<!-- end generated: ${name} -->)`);
  if (!re.test(text)) throw new Error(`${file}: no generated section '${name}'`);
  const next = text.replace(re, (_m, open, _old, close) => `${open}${generate()}\n${close}`);
  if (next !== text) {
    writeFileSync(p, next);
    changed++;
    console.log(`${file}: ${name} table updated`);
  }
}
if (changed === 0) console.log('docs tables are up to date');
