/**
 * Translation in the memory model across shareability domains (docs/memory-model.md "Translation in the
 * model"): a TLBI reaches, and a DSB completes it for, only the PEs of their domains, so a TLBI or DSB of
 * too narrow a domain gives an execution in which a PE outside it still uses the stale translation.
 * herd7 has one Inner Shareable domain, so these are checked against the architecture's rule (Arm ARM
 * D8.13 "Ordering and completion of TLB maintenance instructions", B2.3.12), not herd7.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../simulator';
import { litmusToScenario } from '../../simulator/litmus';
import { exploreScenario } from '../../simulator/explore/explore';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { CORPUS, readTest } from '../litmus/helpers';

/** P0 unmaps x (invalid descriptor), DSB OSH, then the TLBI and DSB given, then sets the flag z; P1 sees z and loads x. */
function unmap(tlbi: string, dsb: string): string {
  return `AArch64 VMSA-unmap+${tlbi}+${dsb}
Variant=vmsa
{
 [PTE(x)]=(oa:PA(x));
 pteval_t 0:X6=(oa:PA(x), valid:0); 0:X7=PTE(x); 0:X3=x; 0:X1=z;
 1:X1=z; 1:X3=x;
}
 P0              | P1              ;
 STR X6,[X7]     | LDR W0,[X1]     ;
 DSB OSH         | DSB SY          ;
 LSR X9,X3,#12   | ISB             ;
 TLBI ${tlbi},X9 | L0: LDR W2,[X3] ;
 DSB ${dsb}         |                 ;
 MOV W0,#1       |                 ;
 STR W0,[X1]     |                 ;
exists (1:X0=1 /\\ ~fault(P1:L0,x))
`;
}

/** Whether P1 can see the flag and still load x through the old translation, with P1 inside or outside P0's Inner Shareable domain. */
function stale(text: string, twoDomains: boolean): string {
  const generated = litmusToScenario(readTest(text), 'unmap.litmus');
  const scenario = twoDomains ? generated.text.replace(/\nexplore \{/, '\ncaches {\n  inner_domain 0\n}\n\nexplore {') : generated.text;
  assert.equal(scenario !== generated.text, twoDomains);
  const model = parseScenario(scenario, 'unmap.armscope');
  assert.deepEqual(model.diagnostics.filter((d) => d.severity === 'error'), []);
  const r = exploreScenario(model);
  assert.deepEqual(r.bounds.hit, []);
  return r.expectations[0].holds;
}

describe('memory model: TLBI and DSB domains (translation in the model)', function () {
  // A hang guard only.
  this.timeout(300_000);

  it('TLBI VAAE1OS completed by DSB OSH: the old translation is gone for every PE, in one domain or two', () => {
    assert.equal(stale(unmap('VAAE1OS', 'OSH'), false), 'never');
    assert.equal(stale(unmap('VAAE1OS', 'OSH'), true), 'never');
  });

  it('TLBI VAAE1IS: enough inside one Inner Shareable domain, but it never reaches a PE outside it', () => {
    assert.equal(stale(unmap('VAAE1IS', 'OSH'), false), 'never');
    assert.equal(stale(unmap('VAAE1IS', 'OSH'), true), 'sometimes');
  });

  it('TLBI VAAE1OS completed only by DSB ISH: a PE outside the Inner Shareable domain may still use the old entry', () => {
    assert.equal(stale(unmap('VAAE1OS', 'ISH'), false), 'never');
    assert.equal(stale(unmap('VAAE1OS', 'ISH'), true), 'sometimes');
  });

  it('an SVC (exception entry and return: context synchronization) after DSB makes the walk see the descriptor, as an ISB does', () => {
    // VMSA-desc+dsb (Allowed: without ISB the load may be translated before the DSB) with SVC #0 after the DSB; the
    // handler returns with ERET for an SVC (EC 0x15) and stops on anything else.
    const generated = litmusToScenario(readTest(readFileSync(join(CORPUS, 'VMSA-desc+dsb.litmus'), 'utf8')), 'desc.litmus').text;
    const withSvc = generated
      .replace('    DSB ISH\n', '    DSB ISH\n    SVC #0\n')
      .replace('  sctlr_el1 = 0x30d5_1805', '  vbar_el1 = 0x8000_0800\n  sctlr_el1 = 0x30d5_1805')
      .replace('\ndata x ', '\ncode vectors at 0x8000_0a00 el 1 {\n    mrs x9, esr_el1\n    lsr x9, x9, #26\n    cmp x9, #0x15\n    b.ne other\n    eret\nother:\n    hlt #1\n}\n\ndata x ');
    const explore = (text: string): string => {
      const model = parseScenario(text, 'desc.armscope');
      assert.deepEqual(model.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
      const r = exploreScenario(model);
      assert.deepEqual(r.bounds.hit, []);
      return r.expectations[0].holds;
    };
    assert.equal(explore(generated), 'sometimes');
    assert.ok(withSvc.includes('SVC #0') && withSvc.includes('vbar_el1') && withSvc.includes('code vectors'));
    assert.equal(explore(withSvc), 'never');
  });
});
