import * as assert from 'node:assert/strict';
import {
  allRegisters,
  byRelevance,
  decodeDescriptor,
  decodeValue,
  formatDecoded,
  formatMarkdown,
  layoutOf,
  type DecodeContext,
  type DecodedField,
} from '../../simulator/arch';

function field(fields: DecodedField[], name: string): DecodedField {
  for (const f of fields) {
    if (f.name === name) return f;
    const c = f.children?.find((x) => x.name === name);
    if (c) return c;
  }
  assert.fail(`field ${name} missing`);
}

/** Every one-bit named field of a decode, with its children. */
function oneBitFields(fields: DecodedField[]): DecodedField[] {
  return fields.flatMap((f) => [...(f.kind === 'field' && f.msb === f.lsb ? [f] : []), ...oneBitFields(f.children ?? [])]);
}

describe('arch: every decoded meaning describes the value it holds (issue #9 item 4)', () => {
  it('the cases found by independent testing', () => {
    const hcr = decodeValue('HCR_EL2', 0n)!;
    assert.doesNotMatch(field(hcr.fields, 'E2H').meaning, /enabled/, 'E2H=0 is not "VHE enabled"');
    assert.match(field(decodeValue('HCR_EL2', 1n << 34n)!.fields, 'E2H').meaning, /Virtualization Host Extensions enabled/);
    assert.equal(field(decodeValue('CTR_EL0', 0n)!.fields, 'DIC').meaning, 'Instruction cache invalidation to the PoU is required for data-to-instruction coherence');
    const abort = decodeValue('ESR_EL2', 0x9200_0007n)!;
    assert.equal(field(abort.fields, 'VNCR').meaning, 'Not from a VNCR_EL2-relative access');
    const table = decodeDescriptor(0x4000_1003n, { stage: 1, level: 1 });
    assert.equal(field(table.fields, 'NSTable').meaning, 'Subsequent levels stay in the current PA space');
    assert.equal(field(decodeDescriptor(0x8000_0000_4000_1003n, { stage: 1, level: 1 }).fields, 'NSTable').meaning, 'Subsequent levels are in the Non-secure PA space (Secure state only)');
  });

  it('a clear one-bit field without its own text reads "Not set (1: …)", a set one its description', () => {
    assert.equal(field(decodeValue('HCR_EL2', 0n)!.fields, 'TSC').meaning, 'Not set (1: Trap SMC to EL2)');
    assert.equal(field(decodeValue('HCR_EL2', 1n << 19n)!.fields, 'TSC').meaning, 'Trap SMC to EL2');
  });

  it('in every layout of every register, both values of every one-bit field mean different things', () => {
    const layouts: { reg: string; value: bigint; ctx: DecodeContext }[] = [];
    for (const def of allRegisters()) {
      for (const ctx of [{ e2h: false }, { e2h: true }]) {
        layouts.push({ reg: def.name, value: 0n, ctx });
        if (def.name.startsWith('ESR_EL')) {
          // Every exception class, with ISV clear and set (the data-abort ISS fields depend on it).
          for (let ec = 0n; ec < 64n; ec++) for (const isv of [0n, 1n << 24n]) layouts.push({ reg: def.name, value: (ec << 26n) | isv, ctx });
        }
        if (def.name === 'PAR_EL1' || def.name.startsWith('SPSR_') || def.name.startsWith('ICH_LR')) layouts.push({ reg: def.name, value: def.name.startsWith('SPSR') ? 0x10n : def.name.startsWith('ICH_LR') ? 1n << 61n : 1n, ctx });
      }
    }
    let checked = 0;
    for (const { reg, value, ctx } of layouts) {
      const d0 = decodeValue(reg, value, ctx)!;
      for (const f of oneBitFields(d0.fields)) {
        const bit = 1n << BigInt(f.lsb);
        const d1 = decodeValue(reg, value ^ bit, ctx)!;
        const g = oneBitFields(d1.fields).find((x) => x.name === f.name && x.lsb === f.lsb);
        if (g === undefined) continue; // the bit selects another layout (ESR.ISV, PAR.F): checked in that layout
        const [zero, one] = f.value === 0n ? [f, g] : [g, f];
        assert.notEqual(zero.meaning, one.meaning, `${reg}.${f.name}: 0 and 1 both read "${zero.meaning}"`);
        assert.notEqual(zero.meaning, 'Reserved value', `${reg}.${f.name}=0`);
        assert.notEqual(one.meaning, 'Reserved value', `${reg}.${f.name}=1`);
        checked++;
      }
    }
    assert.ok(checked > 2000, `checked ${checked} one-bit fields`);
  });

  it('descriptors too: every one-bit field of every descriptor type, both values', () => {
    const cases: [bigint, { stage: 1 | 2; level: number }][] = [
      [0x4000_1003n, { stage: 1, level: 1 }],
      [0x4000_0701n, { stage: 1, level: 1 }],
      [0x8800_0743n, { stage: 1, level: 3 }],
      [0x8800_07c3n, { stage: 2, level: 3 }],
      [0x4000_0003n, { stage: 2, level: 2 }],
    ];
    for (const [v, ctx] of cases) {
      const d0 = decodeDescriptor(v, ctx);
      for (const f of oneBitFields(d0.fields)) {
        if (f.lsb <= 1) continue; // the type bits select the descriptor form
        const flipped = decodeDescriptor(v ^ (1n << BigInt(f.lsb)), ctx);
        const g = oneBitFields(flipped.fields).find((x) => x.name === f.name && x.lsb === f.lsb);
        if (g === undefined) continue;
        assert.notEqual(f.meaning, g.meaning, `stage ${ctx.stage} level ${ctx.level} ${d0.type} ${f.name}`);
      }
    }
  });
});

describe('arch: fields in the order users read them (issue #9 item 15)', () => {
  it('TCR_EL1: T0SZ and SH0 come before HWU0 in hovers and in the CLI table', () => {
    const d = decodeValue('TCR_EL1', 0x5_b510_3510n)!;
    const md = formatMarkdown(d).split('\n').filter((l) => l.startsWith('| '));
    const row = (name: string): number => md.findIndex((l) => l.split('|')[2].trim() === name);
    assert.ok(row('T0SZ') >= 0 && row('T0SZ') < row('SH0') && row('SH0') < row('IPS'), md.join('\n'));
    assert.ok(row('HWU0') > row('IPS'), 'rarely-used HWU0 after the fields users look for');
    const text = formatDecoded(d).split('\n');
    const line = (name: string): number => text.findIndex((l) => new RegExp(`\\s${name}\\s`).test(l));
    assert.ok(line('T0SZ') < line('HWU0') && line('SH0') < line('TBI0'));
  });

  it('the order is data in the table: primary fields first (low bits first), rare ones last', () => {
    const layout = layoutOf(allRegisters().find((r) => r.name === 'VTCR_EL2')!, 0n);
    const ordered = byRelevance(layout).map((f) => f.name);
    assert.deepEqual(ordered.slice(0, 8), ['T0SZ', 'SL0', 'IRGN0', 'ORGN0', 'SH0', 'TG0', 'PS', 'VS']);
    const rare = ['HWU', 'DS', 'SL2', 'AssuredOnly', 'TL1', 'S2PIE', 'S2POE', 'D128', 'GCSH', 'TL0', 'HAFT'];
    assert.deepEqual(new Set(ordered.slice(-rare.length)), new Set(rare));
  });
});
