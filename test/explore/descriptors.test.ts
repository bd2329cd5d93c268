/**
 * `explore { descriptors … }` (explore/config.ts, engine/modelLocations.ts): the translation table descriptors the
 * memory model holds from the build — named by address or constant, 8-byte aligned, at most `MAX_DESCRIPTORS` —
 * with their initial value from the scenario's tables; other locations enter the model at their first access.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../simulator';
import { MAX_DESCRIPTORS, parseExploreSettings } from '../../simulator/explore/config';
import { ExploreSession } from '../../simulator/explore/session';
import { litmusToScenario } from '../../simulator/litmus';
import type { Diagnostic } from '../../simulator/scenario/model';
import { CORPUS, readTest } from '../litmus/helpers';

function settings(body: string): { descriptors: readonly number[]; errors: string[] } {
  const model = parseScenario(`scenario "d"\nsystem {\n  pes 1\n  memory ram at 0x8000_0000 size 0x10_0000\n}\nconst pte_a = 0x8000_1008\nexplore {\n${body}\n}\n`, 'd.armscope');
  const diags: Diagnostic[] = [];
  const s = parseExploreSettings(model.blocks, diags, model.constants);
  return { descriptors: s.descriptors, errors: diags.map((d) => d.message) };
}

describe('explore: descriptors the memory model holds from the start', () => {
  it('takes addresses and constants, once each, over several lines', () => {
    assert.deepEqual(settings('  descriptors 0x8000_1000 pte_a\n  descriptors 0x8000_1000 0x8000_2ff8'), { descriptors: [0x8000_1000, 0x8000_1008, 0x8000_2ff8], errors: [] });
  });

  it('refuses unknown names, unaligned addresses and more than the limit, saying why', () => {
    assert.deepEqual(settings('  descriptors pte_b 0x8000_1004').errors, [
      "descriptors expects addresses or constants, found 'pte_b': give a physical address (0x8010_2208) or declare it first (const pte_b = 0x…)",
      'descriptors: 0x8000_1004 is not an 8-byte aligned physical address below 2^48 (a descriptor is 8 bytes at a multiple of 8)',
    ]);
    const many = Array.from({ length: MAX_DESCRIPTORS + 1 }, (_, i) => `0x${(0x8000_0000 + 8 * i).toString(16)}`).join(' ');
    const r = settings(`  descriptors ${many}`);
    assert.equal(r.descriptors.length, MAX_DESCRIPTORS);
    const over = `0x${(0x8000_0000 + 8 * MAX_DESCRIPTORS).toString(16)}`;
    assert.deepEqual(r.errors, [`descriptors: at most ${MAX_DESCRIPTORS} in all (docs/limits.md); '${over}' and the rest are not held from the start`]);
  });

  it("a litmus test's PTE(x) is a location of the model at the build, with the table's descriptor as its initial value", () => {
    const text = litmusToScenario(readTest(readFileSync(join(CORPUS, 'VMSA-MP.unmap+dsb+isb.litmus'), 'utf8'))).text;
    const pte = Number(/^ {2}descriptors (0x[0-9a-f_]+)/m.exec(text)![1].replace(/_/g, ''));
    const held = new ExploreSession(parseScenario(text, 'u.armscope')).machine.memoryOrder!.locations.get(pte);
    // [PTE(x)]=(oa:PA(x)): valid (bit 0), a page (bit 1), x's page as its output address.
    assert.ok(held !== undefined);
    assert.equal(held.size, 8);
    assert.equal(held.lo & 3, 3);
    assert.equal(held.attrs, undefined);
    const plain = new ExploreSession(parseScenario(text.replace(/^ {2}descriptors .*\n/m, ''), 'u.armscope')).machine.memoryOrder!.locations.get(pte);
    assert.equal(plain, undefined);
  });
});
