/** docs/firmware.md carries the SPMC's FF-A functions and the error codes as tables generated from the code's own tables. */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { ffaErrorsMarkdownTable, spmcFunctionsMarkdownTable } from '../../simulator/firmware/ffaTable';

function section(doc: string, name: string): string {
  const m = new RegExp(`<!-- generated: ${name}\\b[^>]*-->\\n([\\s\\S]*?)\\n<!-- end generated: ${name} -->`).exec(doc);
  assert.ok(m, `docs/firmware.md has the generated section ${name}`);
  return m[1];
}

describe('docs: FF-A tables generated from the code', () => {
  const doc = readFileSync(path.resolve('docs/firmware.md'), 'utf8');
  it('the functions the SPMC implements, with their IDs', () => {
    assert.equal(section(doc, 'spmc-functions'), spmcFunctionsMarkdownTable(), 'run `npm run docs:tables`');
    assert.match(spmcFunctionsMarkdownTable(), /\| `FFA_MEM_SHARE` \| `0x8400_0073` \| `0xc400_0073` \|/);
  });
  it('the error codes', () => {
    assert.equal(section(doc, 'ffa-errors'), ffaErrorsMarkdownTable(), 'run `npm run docs:tables`');
    assert.match(ffaErrorsMarkdownTable(), /\| `FFA_INTERRUPTED` \| -5 \| `0xffff_fffb` \|/);
  });
});
