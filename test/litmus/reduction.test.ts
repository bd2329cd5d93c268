/**
 * The partial-order reduction (explore/footprint.ts, sleep sets) keeps every final state of a litmus test: explored
 * with and without it, every VMSA test of the corpus, and a sample of the others, gives the same herd7 result — the
 * same final states and the same positive and negative counts (distinct final machine states behind them).
 *
 * Issue #13: a descriptor walked before the memory model held it made every PE's TLBs forget when it entered the
 * model (its first load or store), an effect outside the step's footprint, and the reduced search lost final states
 * (VMSA-BBM+tlbi: 10 negative instead of 11; six VMSA-MP.unmap tests one each). Now the descriptors a test names are
 * held from the build (`explore { descriptors … }`), and a descriptor entering the model later — the generated
 * scenario without that line — is a location entering the model (a write of its line), global when the TLBs forget.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../simulator';
import { exploreScenario } from '../../simulator/explore/explore';
import { litmusToScenario } from '../../simulator/litmus';
import { exploreLitmus } from '../../simulator/litmus/explore';
import { CORPUS, corpusFiles, readTest } from './helpers';

/** The herd7 result without its time line. */
function herd(text: string, file: string, reduction: boolean): string {
  const r = exploreLitmus(text, file, { reduction });
  assert.ok('herd' in r, `${file} is refused`);
  return r.herd.text.replace(/^Time .*\n/m, '');
}

/** Non-VMSA tests of the corpus: one of each shape herd7's catalogue has most of. */
const SAMPLE = ['MP.litmus', 'SB.litmus', 'LB.litmus', '2+2W.litmus', 'IRIW.litmus', 'CoRR.litmus', 'S.litmus', 'WRC+data+addr.litmus'];

/** The VMSA tests whose reduced search lost a final state before the fix: a descriptor of each enters the model after a walk. */
const ENTERING = ['VMSA-BBM+tlbi.litmus', 'VMSA-MP.unmap+dsb+isb.litmus', 'VMSA-MP.unmap+dsb-tlbi-dsb+isb.litmus', 'VMSA-MP.unmap+tlbi-dsb+isb.litmus'];

describe('litmus: the reduction keeps every final state (issue #13)', function () {
  this.timeout(0);
  const vmsa = corpusFiles().filter((f) => f.startsWith('VMSA-'));

  it('the corpus has its 20 VMSA tests', () => {
    assert.equal(vmsa.length, 20);
    for (const f of [...SAMPLE, ...ENTERING]) assert.ok(corpusFiles().includes(f), f);
  });

  for (const file of [...vmsa, ...SAMPLE]) {
    it(`${file}: the same final states and counts with and without the reduction`, () => {
      const text = readFileSync(join(CORPUS, file), 'utf8');
      assert.equal(herd(text, file, true), herd(text, file, false));
    });
  }

  it('a test naming PTE(x) holds it from the start; one naming none holds nothing', () => {
    const named = litmusToScenario(readTest(readFileSync(join(CORPUS, 'VMSA-BBM+tlbi.litmus'), 'utf8'))).text;
    assert.match(named, /^ {2}descriptors 0x[0-9a-f_]+ {3}\/\/ PTE\(x\)$/m);
    assert.doesNotMatch(litmusToScenario(readTest(readFileSync(join(CORPUS, 'MP.litmus'), 'utf8'))).text, /descriptors/);
  });

  for (const file of ENTERING) {
    it(`${file} without 'descriptors' (PTE(x) enters the model at its first store): the same outcomes and counts`, () => {
      const generated = litmusToScenario(readTest(readFileSync(join(CORPUS, file), 'utf8')), file).text;
      const text = generated.replace(/^ {2}descriptors .*\n/m, '');
      assert.notEqual(text, generated);
      const model = parseScenario(text, file.replace(/\.litmus$/, '.armscope'));
      const rows = (reduction: boolean): string[] => exploreScenario(model, { reduction }).outcomes.map((o) => `${o.state} ×${o.count}`).sort();
      const reduced = rows(true);
      assert.ok(reduced.length >= 3, reduced.join('\n'));
      assert.deepEqual(reduced, rows(false));
    });
  }
});
