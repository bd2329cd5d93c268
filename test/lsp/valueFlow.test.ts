/**
 * simulator/scenario/valueFlow.ts: where a number ends up (the register an
 * msr, a pe-block assignment or an expectation gives it), and what a general
 * register holds at a line — the data flow behind value hovers.
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseScenario } from '../../simulator';
import { registerValueAt, valueDestinationAt } from '../../simulator/scenario/valueFlow';

function model(code: string[], extra: string[] = []) {
  const text = ['system {', '  pes 1', '}', 'pe 0 {', '  el 2', '  entry start', '  hcr_el2 = 0x8000_0000', '}', 'code at 0x8000_0000 {', 'start:', ...code, '}', ...extra, ''].join('\n');
  const m = parseScenario(text, 'flow.armscope');
  assert.deepEqual(m.diagnostics.filter((d) => d.severity === 'error'), [], 'scenario parses');
  return m;
}
const FIRST = 10; // line of the first code line

describe('valueFlow: where a value ends up', () => {
  it('follows mov into msr', () => {
    const m = model(['    mov   x0, #0x80000000', '    isb', '    msr   hcr_el2, x0']);
    assert.deepEqual(valueDestinationAt(m, FIRST, 18), { register: 'hcr_el2', value: 0x8000_0000n, lines: [FIRST, FIRST + 2] });
    assert.deepEqual(valueDestinationAt(m, FIRST + 2, 12), { register: 'hcr_el2', value: 0x8000_0000n, lines: [FIRST, FIRST + 2] });
  });

  it('composes movz/movk chains (any 64-bit value) and reports it at each step', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 4, maxLength: 4 }), (chunks) => {
        const code = [
          `    movz  x3, #${chunks[0]}`,
          `    movk  x3, #${chunks[1]}, lsl #16`,
          `    movk  x3, #${chunks[2]}, lsl #32`,
          `    movk  x3, #${chunks[3]}, lsl #48`,
          '    msr   ttbr0_el1, x3',
        ];
        const m = model(code);
        const expected = chunks.reduce((acc, c, i) => acc | (BigInt(c) << BigInt(16 * i)), 0n);
        for (let i = 0; i < 4; i++) {
          const d = valueDestinationAt(m, FIRST + i, 18);
          assert.ok(d);
          assert.equal(d.register, 'ttbr0_el1');
          assert.equal(d.value, expected);
        }
        assert.deepEqual(registerValueAt(m, FIRST + 4, 'x3'), { value: expected, lines: [FIRST, FIRST + 1, FIRST + 2, FIRST + 3] });
      }),
      { numRuns: 50 },
    );
  });

  it('follows ldr =constant, register copies and adr of a label', () => {
    const m = model(['    ldr   x1, =VAL', '    mov   x2, x1', '    msr   sctlr_el2, x2', '    adr   x4, vectors', '    msr   vbar_el2, x4', '    .align 11', 'vectors:', '    wfi'], ['const VAL = 0x30c5_0838']);
    assert.deepEqual(valueDestinationAt(m, FIRST + 2, 12), { register: 'sctlr_el2', value: 0x30c5_0838n, lines: [FIRST, FIRST + 1, FIRST + 2] });
    assert.deepEqual(valueDestinationAt(m, FIRST + 4, 12), { register: 'vbar_el2', value: 0x8000_0800n, lines: [FIRST + 3, FIRST + 4] });
  });

  it('truncates w-register values to 32 bits', () => {
    const m = model(['    mov   w0, #-1', '    msr   vbar_el2, x0']);
    assert.equal(registerValueAt(m, FIRST + 1, 'w0')?.value, 0xffff_ffffn);
  });

  it('gives up where the value is replaced, clobbered by a call, or control flow leaves', () => {
    const replaced = model(['    mov   x0, #1', '    mov   x0, #2', '    msr   hcr_el2, x0']);
    assert.equal(valueDestinationAt(replaced, FIRST, 17), undefined, 'the first value never reaches HCR_EL2');
    assert.equal(valueDestinationAt(replaced, FIRST + 1, 17)?.value, 2n);
    const call = model(['    mov   x0, #1', '    bl    f', '    msr   hcr_el2, x0', 'f:', '    ret']);
    assert.equal(valueDestinationAt(call, FIRST, 17), undefined);
    assert.equal(registerValueAt(call, FIRST + 2, 'x0'), undefined);
    const callee = model(['    mov   x19, #1', '    bl    f', '    msr   hcr_el2, x19', 'f:', '    ret']);
    assert.equal(registerValueAt(callee, FIRST + 2, 'x19')?.value, 1n, 'x19 is callee-saved (AAPCS64)');
    const branch = model(['    mov   x0, #1', '    b     away', '    msr   hcr_el2, x0', 'away:', '    wfi']);
    assert.equal(valueDestinationAt(branch, FIRST, 17), undefined);
    const unknown = model(['    ldr   x0, [x1]', '    msr   hcr_el2, x0']);
    assert.equal(valueDestinationAt(unknown, FIRST + 1, 12), undefined);
  });

  it('values in pe blocks and expectations end up in the register they name', () => {
    const m = model(['    wfi'], ['expect {', '  pe 0 esr_el2 == 0x6200_0000', '}']);
    assert.deepEqual(valueDestinationAt(m, 6, 14), { register: 'hcr_el2', value: 0x8000_0000n, lines: [6] });
    assert.deepEqual(valueDestinationAt(m, FIRST + 3, 20), { register: 'esr_el2', value: 0x6200_0000n, lines: [FIRST + 3] });
  });
});
