import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { assembleLine, assembleText, isDirective, isInstruction, MNEMONICS, INSTRUCTION_SIZE, splitLine, mnemonicInfo, assemblerMnemonics } from '../../simulator/isa/index';
import type { AsmLine } from '../../simulator/scenario/model';

function diag(text: string, pc = 0x1000n, symbols: Record<string, bigint> = {}) {
  const r = assembleText(text, pc, (n) => symbols[n]);
  assert.equal(r.diagnostics.length, 1, `${text}: ${JSON.stringify(r.diagnostics)}`);
  const d = r.diagnostics[0];
  return { message: d.message, rule: d.rule, at: text.slice(d.start, d.end) };
}

describe('isa: diagnostics', () => {
  it('unknown instruction at the mnemonic', () => {
    assert.deepEqual(diag('foo x0, x1'), { message: "unknown instruction 'foo'", rule: 'unknown-instruction', at: 'foo' });
  });

  it('ADD immediate out of range, with the remedy', () => {
    assert.deepEqual(diag('add x0, x1, #4097'), {
      message: 'immediate 4097 out of range 0..4095 for ADD (immediate); use lsl #12 or a register',
      rule: 'immediate-range',
      at: '#4097',
    });
    // 4096 is encodable (as #1, lsl #12), as GNU as does it.
    assert.equal(assembleText('add x0, x1, #4096').instr!.encoding, 0x91400420);
  });

  it('bitmask immediates that cannot be encoded', () => {
    assert.deepEqual(diag('and x0, x1, #0x1234'), {
      message: '0x1234 is not encodable as a logical (bitmask) immediate for AND',
      rule: 'immediate-range',
      at: '#0x1234',
    });
    assert.deepEqual(diag('orr w0, w1, #0'), { message: '0x0 is not encodable as a logical (bitmask) immediate for ORR', rule: 'immediate-range', at: '#0' });
  });

  it('register width and register-31 rules', () => {
    assert.deepEqual(diag('add x0, w3, #1'), { message: 'expected a 64-bit general register, got w3', rule: 'operand', at: 'w3' });
    assert.deepEqual(diag('add w0, w1, x2'), { message: 'expected a 32-bit general register, got x2', rule: 'operand', at: 'x2' });
    assert.deepEqual(diag('add x0, xzr, #1'), { message: 'xzr is not allowed here: register 31 is sp in this position of ADD', rule: 'operand', at: 'xzr' });
    assert.deepEqual(diag('adds sp, x1, #1'), { message: 'sp is not allowed here: register 31 is xzr in this position of ADDS', rule: 'operand', at: 'sp' });
    assert.deepEqual(diag('mul x0, sp, x1'), { message: 'sp is not allowed here: register 31 is xzr in this position of MUL', rule: 'operand', at: 'sp' });
    assert.deepEqual(diag('ldr x0, [xzr]'), { message: 'xzr is not allowed here: register 31 is sp in this position of LDR', rule: 'operand', at: 'xzr' });
  });

  it('branch range, alignment and undefined labels', () => {
    assert.deepEqual(diag('b far', 0x1000n, { far: 0x1000n + (1n << 27n) }), { message: 'branch target out of ±128 MB range', rule: 'immediate-range', at: 'far' });
    assert.deepEqual(diag('b.eq far', 0x1000n, { far: 0x1000n + (1n << 20n) }), { message: 'branch target out of ±1 MB range', rule: 'immediate-range', at: 'far' });
    assert.deepEqual(diag('tbz x0, #3, far', 0x1000n, { far: 0x9000n }), { message: 'branch target out of ±32 KB range', rule: 'immediate-range', at: 'far' });
    assert.deepEqual(diag('b odd', 0x1000n, { odd: 0x1002n }), { message: 'branch target is not 4-byte aligned', rule: 'operand', at: 'odd' });
    assert.deepEqual(diag('bl missing + 4'), { message: "undefined symbol 'missing'", rule: 'undefined-symbol', at: 'missing' });
    // The furthest legal targets are accepted.
    assert.ok(assembleText('b t', 0n, () => (1n << 27n) - 4n).instr);
    assert.ok(assembleText('b t', 1n << 27n, () => 0n).instr);
  });

  it('load/store offsets and addressing forms', () => {
    assert.deepEqual(diag('ldr x0, [x1, #32768]'), {
      message: 'offset 32768 out of range for LDR: a multiple of 8 in 0..32760, or -256..255',
      rule: 'immediate-range',
      at: '#32768',
    });
    assert.deepEqual(diag('ldr x0, [x1, #-257]!'), { message: 'pre-index offset -257 out of range -256..255', rule: 'immediate-range', at: '#-257' });
    assert.deepEqual(diag('ldr x0, [x1, w2]'), { message: 'a 32-bit index needs uxtw or sxtw, e.g. [x1, w2, uxtw]', rule: 'operand', at: 'w2' });
    assert.deepEqual(diag('ldr x0, [x1, x2, lsl #2]'), { message: 'shift must be #0 or #3 for a 8-byte access', rule: 'immediate-range', at: '#2' });
    assert.deepEqual(diag('ldp x0, x1, [x2, #4]'), { message: 'offset 4 out of range for LDP: a multiple of 8 in -512..504', rule: 'immediate-range', at: '#4' });
    assert.deepEqual(diag('ldr x1, [x1], #8'), { message: 'load with writeback uses x1 as both base and transfer register (unpredictable)', rule: 'unpredictable', at: 'x1' });
    assert.deepEqual(diag('stxr w1, x1, [x2]'), { message: 'status register w1 overlaps a data or base register (unpredictable)', rule: 'unpredictable', at: 'w1' });
    assert.deepEqual(diag('ldrb x0, [x1]'), { message: 'expected a 32-bit general register, got x0', rule: 'operand', at: 'x0' });
    assert.deepEqual(diag('ldr x0, [x1, #8'), { message: "missing ']' in memory operand", rule: 'syntax', at: '[x1, #8' });
  });

  it('MOV immediates that need more than one instruction', () => {
    assert.deepEqual(diag('mov x0, #0x123456789'), {
      message: '0x1_2345_6789 cannot be loaded by a single MOV; use ldr x0, =0x1_2345_6789 or movz/movk',
      rule: 'immediate-range',
      at: '#0x123456789',
    });
    assert.deepEqual(diag('movz x0, #0x12345'), { message: 'immediate 0x1_2345 out of range 0..65535 for MOVZ', rule: 'immediate-range', at: '#0x12345' });
  });

  it('relocation operators', () => {
    assert.deepEqual(diag('movz x0, #:abs_g0:0x12345'), {
      message: '0x1_2345 does not fit in 16 bits for :abs_g0: (use :abs_g0_nc: with MOVK)',
      rule: 'immediate-range',
      at: '0x12345',
    });
    assert.deepEqual(diag('add x0, x1, #:abs_g0:1'), { message: ':abs_g0: is only allowed in MOVZ/MOVK immediates', rule: 'operand', at: '#:abs_g0:1' });
    assert.deepEqual(diag('ldr x0, [x1, #:lo12:sym]', 0n, { sym: 0x1234n }), {
      message: ':lo12: offset 0x234 is not a multiple of 8 for a 8-byte access',
      rule: 'immediate-range',
      at: '#:lo12:sym',
    });
    assert.deepEqual(diag('movz x0, #:got:sym'), {
      message: "unsupported relocation operator ':got:' (supported: :lo12:, :abs_g0:…:abs_g3:{_nc}, :pg_hi21:)",
      rule: 'syntax',
      at: '#:got:sym',
    });
    assert.equal(assembleText('add x0, x0, :lo12:sym', 0n, () => 0x1234n).instr!.encoding, 0x9108d000);
    assert.equal(assembleText('movk x0, #:abs_g2_nc:sym', 0n, () => 0x1234_5678_9abcn).instr!.encoding, 0xf2c24680);
  });

  it('operand counts and system operands', () => {
    // The usage lists every form of the mnemonic in the instruction table.
    assert.deepEqual(diag('mov x0'), { message: 'mov expects 2 operands, got 1 (mov rd|sp, rn|sp | rd, rm | rd, #imm | rd|sp, #bitmask)', rule: 'syntax', at: 'x0' });
    assert.deepEqual(diag('nop x1'), { message: 'too many operands for nop: expected 0', rule: 'syntax', at: 'x1' });
    assert.deepEqual(diag('tlbi vae1is'), { message: 'tlbi expects 2 operands, got 1 (tlbi vae1is, xt)', rule: 'syntax', at: 'vae1is' });
    assert.deepEqual(diag('dmb foo'), {
      message: "unknown barrier option 'foo'; expected one of oshld oshst osh nshld nshst nsh ishld ishst ish ld st sy",
      rule: 'operand',
      at: 'foo',
    });
    assert.deepEqual(diag('mrs x0, not_a_reg'), { message: "unknown system register 'not_a_reg'", rule: 'operand', at: 'not_a_reg' });
    assert.deepEqual(diag('msr daifset, #16'), { message: 'daifset value 16 out of range 0..15', rule: 'immediate-range', at: '#16' });
    assert.deepEqual(diag('svc #0x10000'), { message: 'immediate 0x1_0000 out of range 0x0..0xffff', rule: 'immediate-range', at: '#0x10000' });
    assert.deepEqual(diag('cset x0, al'), { message: 'condition al is not allowed in CSET (it would invert to nv)', rule: 'operand', at: 'al' });
  });

  it('warns (and still assembles) when a register is not accessible at the expected EL', () => {
    const reports: { message: string; rule?: string; severity?: string }[] = [];
    const line: AsmLine = {
      labels: [],
      mnemonic: 'mrs',
      mnemonicRange: { start: { line: 3, col: 4 }, end: { line: 3, col: 7 } },
      operands: [
        { text: 'x0', range: { start: { line: 3, col: 8 }, end: { line: 3, col: 10 } } },
        { text: ' hcr_el2', range: { start: { line: 3, col: 11 }, end: { line: 3, col: 19 } } },
      ],
      range: { start: { line: 3, col: 0 }, end: { line: 3, col: 19 } },
    };
    const instr = assembleLine(line, {
      pc: 0x1000n,
      el: 1,
      resolve: () => undefined,
      literal: () => 0n,
      report: (range, message, rule, severity) => reports.push({ message: `${range.start.line}:${range.start.col}-${range.end.col} ${message}`, rule, severity }),
    });
    assert.equal(instr?.encoding, 0xd53c1100);
    assert.equal(instr?.line, 3);
    assert.deepEqual(reports, [
      { message: '3:12-19 HCR_EL2 is not accessible at EL1 (lowest EL 2); the access is UNDEFINED or trapped', rule: 'el-access', severity: 'warning' },
    ]);
  });

  it('warns about EL-restricted instructions in code expected to run at a lower EL', () => {
    const at = (text: string, el: number) => {
      const got: string[] = [];
      const instr = assembleLine(splitLine(text, 0), {
        pc: 0n,
        el,
        resolve: () => undefined,
        literal: () => 0n,
        report: (r, m, rule, sev) => got.push(`${r.start.col}-${r.end.col} ${sev}:${rule} ${m}`),
      });
      assert.ok(instr, text);
      return got;
    };
    assert.deepEqual(at('tlbi vmalle1is', 0), ['0-4 warning:el-access TLBI VMALLE1IS is UNDEFINED at EL0 (lowest EL 1)']);
    assert.deepEqual(at('tlbi alle2', 1), ['0-4 warning:el-access TLBI ALLE2 is UNDEFINED at EL1 (lowest EL 2)']);
    assert.deepEqual(at('at s1e3r, x0', 2), ['0-2 warning:el-access AT S1E3R is UNDEFINED at EL2 (lowest EL 3)']);
    assert.deepEqual(at('hvc #0', 0), ['0-3 warning:el-access HVC is UNDEFINED at EL0 (lowest EL 1)']);
    assert.deepEqual(at('eret', 0), ['0-4 warning:el-access ERET is UNDEFINED at EL0']);
    assert.deepEqual(at('dc civac, x0', 0), [], 'EL0 cache maintenance is allowed (SCTLR_EL1.UCI permitting)');
    assert.deepEqual(at('tlbi vmalle1is', 1), []);
  });

  it('directives, sizes and the mnemonic list', () => {
    assert.equal(INSTRUCTION_SIZE, 4);
    assert.ok(isDirective('.quad') && !isDirective('add'));
    assert.ok(isInstruction('b.hs') && isInstruction('LDXR') && !isInstruction('foo'));
    for (const m of MNEMONICS) assert.ok(isInstruction(m.mnemonic), `${m.mnemonic} listed but not assembled`);
    assert.ok(MNEMONICS.length > 170);
    assert.equal(mnemonicInfo('LDADDALB')?.mnemonic, 'ldadd');
    assert.equal(mnemonicInfo('stsmaxlh')?.mnemonic, 'stsmax');
    assert.equal(mnemonicInfo('casa')?.mnemonic, 'cas');
    assert.equal(mnemonicInfo('ldaprh')?.mnemonic, 'ldapr');
    assert.equal(mnemonicInfo('b.ne')?.summary, 'Branch if not equal (Z clear) (±1 MB)');
    assert.equal(mnemonicInfo('frobnicate'), undefined);
    const missing = assemblerMnemonics().filter((m) => !mnemonicInfo(m));
    assert.deepEqual(missing, [], 'every assembled mnemonic has hover/completion info');
  });

  it('property: any text gives an instruction or diagnostics inside the line, never an exception', () => {
    const words = fc.constantFrom(
      'add', 'ldr', 'mov', 'b', 'msr', 'tlbi', 'stp', 'ldaddal', 'cas', 'prfm', 'bti', 'ubfx', 'csel', 'mrs',
      'x0', 'w1', 'sp', 'xzr', 'x31', 'w32', '#1', '[x1', '[sp]', ']', ',', '!', '#-8', 'lsl', 'lsl #99', '=', 'sxtw', ':lo12:', 'foo', ' ',
      '(', ')', '*', '0xffffffffffffffffffffffff', '#0x8000000000000000', '1f', '.', '{', '}', 'eq', 'ish', 'sctlr_el1', 'daifset', 'c',
    );
    fc.assert(
      fc.property(fc.array(words, { maxLength: 8 }), (parts) => {
        const text = parts.join(' ');
        if (text.trim() === '' || text.trim().startsWith('.')) return; // blank lines and directives are the layout's
        const r = assembleText(text, 0x1000n, () => undefined, () => 0x2000n);
        if (!r.instr) assert.ok(r.diagnostics.length > 0, text);
        for (const d of r.diagnostics) assert.ok(d.start >= 0 && d.end <= text.length && d.start <= d.end, `${text}: ${JSON.stringify(d)}`);
      }),
      { numRuns: 3000, seed: 11 },
    );
  });
});
