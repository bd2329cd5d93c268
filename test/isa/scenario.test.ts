/**
 * The assembler inside a whole scenario: layout (labels, local labels, `.equ`,
 * literal pool), assembly diagnostics at scenario positions, and a run on the
 * real engine whose expectations check the instruction semantics.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../simulator';
import { runScenario } from '../../simulator/engine/run';

const PROGRAM = `
scenario "isa end to end"

system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps 10000
}

pe 0 {
  el 1
  entry start
  sp = 0x8008_0000
}

code at 0x8000_0000 {
start:
    ldr   x0, =0x1122_3344_5566_7788     // literal pool
    adrp  x1, table
    add   x1, x1, :lo12:table
    ldp   x2, x3, [x1]                   // 5, 7
    madd  x4, x2, x3, x2                 // 5*7 + 5 = 40
    ubfx  x5, x0, #16, #16               // 0x5566
    mov   x6, #3
1:  subs  x6, x6, #1                     // local label loop
    b.ne  1b
    .equ  BIT, 5
    tbz   x0, #BIT, 2f
    mov   x7, #1
2:  ldxr  x8, [x1]
    add   x8, x8, #1
    stxr  w9, x8, [x1]                   // w9 = 0 (monitor held)
    ldadd x2, x10, [x1]                  // x10 = 6, [table] = 11
    ldr   x11, [x1]
    cset  x12, hi
    sxtb  x13, w0                        // 0xffff_ffff_ffff_ff88
    hlt   #0
}

data at 0x8000_2000 {
table:
    .quad 5, 7
}

expect {
  pe 0 x0 == 0x1122_3344_5566_7788
  pe 0 x4 == 40
  pe 0 x5 == 0x5566
  pe 0 x6 == 0
  pe 0 x7 == 0
  pe 0 x9 == 0
  pe 0 x10 == 6
  pe 0 x11 == 11
  pe 0 x13 == 0xffff_ffff_ffff_ff88
  mem[0x8000_2000] == 11
  no fault
}
`;

describe('isa: assembler and semantics inside a scenario', () => {
  it('assembles a program with literal pool, local labels and relocations, and every expectation holds', () => {
    const model = parseScenario(PROGRAM, 'isa.armscope');
    assert.deepEqual(
      model.diagnostics.filter((d) => d.severity === 'error'),
      [],
    );
    const report = runScenario(model);
    const failed = report.expectations.filter((e) => !e.held);
    assert.deepEqual(failed, []);
    assert.equal(report.result, 'pass');
  });

  it('reports assembler errors at their scenario line and column', () => {
    const text = PROGRAM.replace('madd  x4, x2, x3, x2', 'madd  x4, x2, w3, x2').replace('ubfx  x5, x0, #16, #16', 'ubfx  x5, x0, #16, #49');
    const model = parseScenario(text, 'isa.armscope');
    const lines = text.split('\n');
    const errs = model.diagnostics
      .filter((d) => d.severity === 'error')
      .map((d) => ({ rule: d.rule, message: d.message, text: lines[d.range.start.line].slice(d.range.start.col, d.range.end.col) }));
    assert.deepEqual(errs, [
      { rule: 'operand', message: 'expected a 64-bit general register, got w3', text: 'w3' },
      { rule: 'immediate-range', message: 'width 49 out of range 1..48', text: '#49' },
    ]);
  });
});
