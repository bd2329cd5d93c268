import * as assert from 'node:assert/strict';
import { parseScenario } from '../../simulator';
import { assemblyCacheSize, clearAssemblyCache, MAX_LINE_COPIES } from '../../simulator/scenario/asmCache';
import type { ScenarioModel } from '../../simulator/scenario/model';
import { at, diags, src } from './helpers';

/** Bytes of the program image at [addr, addr+n) (undefined where nothing is loaded). */
function image(m: ScenarioModel, addr: number, n: number): (number | undefined)[] {
  const out: (number | undefined)[] = [];
  for (let a = addr; a < addr + n; a++) {
    const c = m.program.chunks.find((ch) => a >= ch.address && a < ch.address + ch.bytes.length);
    out.push(c ? c.bytes[a - c.address] : undefined);
  }
  return out;
}

function u64le(m: ScenarioModel, addr: number): bigint {
  const b = image(m, addr, 8);
  let v = 0n;
  for (let i = 7; i >= 0; i--) v = (v << 8n) | BigInt(b[i] ?? 0);
  return v;
}

function u32le(m: ScenarioModel, addr: number): number {
  const b = image(m, addr, 4);
  return ((b[0] ?? 0) | ((b[1] ?? 0) << 8) | ((b[2] ?? 0) << 16) | ((b[3] ?? 0) << 24)) >>> 0;
}

const PE = 'pe 0 { entry start }\n';

describe('scenario layout: addresses, alignment, literal pools', () => {
  it('places instructions 4 bytes apart and aligns with .align n = 2^n', () => {
    const m = parseScenario(
      PE +
        src(
          'code at 0x8000_0000 {',
          'start:',
          '    mov x0, #1',
          '    ldr x1, =0x1122_3344_5566_7788',
          '    ldr w2, =0xaabb_ccdd',
          '    ldr x3, =0x1122_3344_5566_7788', // same value: shares the slot
          '    b start',
          '    .align 11',
          'vectors:',
          '    nop',
          '    .p2align 3',
          'after_p2: .byte 1',
          '    .balign 16',
          'after_balign:',
          '}',
        ),
    );
    assert.deepEqual(diags(m), []);
    const sym = (n: string): bigint | undefined => m.symbols.get(n)?.value;
    assert.equal(sym('start'), 0x8000_0000n);
    assert.equal(sym('vectors'), 0x8000_0800n);
    assert.equal(sym('after_p2'), 0x8000_0808n);
    assert.equal(sym('after_balign'), 0x8000_0810n);
    // Four instructions before .align, one after.
    assert.deepEqual([...m.program.instrs.keys()], [0x8000_0000, 0x8000_0004, 0x8000_0008, 0x8000_000c, 0x8000_0010, 0x8000_0800]);
    assert.equal(m.program.instrs.get(0x8000_0010)?.mnemonic, 'b');
    // Literal pool: after the last byte (0x8000_0810), 8-aligned; two distinct values.
    assert.equal(u64le(m, 0x8000_0810), 0x1122_3344_5566_7788n);
    assert.equal(u32le(m, 0x8000_0818), 0xaabb_ccdd);
    // ldr (literal) encodes the PC-relative offset to its slot: imm19 = (slot - pc) / 4 (Arm ARM C6.2.167).
    const ldr = m.program.instrs.get(0x8000_0004)!;
    assert.equal((ldr.encoding! >>> 5) & 0x7ffff, (0x810 - 0x4) / 4);
    const ldr3 = m.program.instrs.get(0x8000_000c)!;
    assert.equal((ldr3.encoding! >>> 5) & 0x7ffff, (0x810 - 0xc) / 4);
    // Encodings are in the image (mov x0, #1 = movz x0, #1 = 0xd2800020).
    assert.equal(u32le(m, 0x8000_0000), 0xd280_0020);
    // Instructions know their source lines.
    assert.equal(m.program.instrs.get(0x8000_0800)?.line, 10);
    assert.equal(m.program.lineOf.get(0x8000_0800), 10);
    assert.equal(m.code[0].lines[1].address, 0x8000_0000n);
  });

  it('encodes data directives little-endian', () => {
    const m = parseScenario(
      PE +
        src(
          'data table at 0x8100_0000 {',
          '    .quad start, 0x1122_3344_5566_7788',
          '    .word 0xdead_beef, -1',
          '    .hword 0x1234',
          '    .byte 1, 2, 0xff',
          '    .ascii "ab"',
          '    .asciz "c\\n"',
          '    .zero 3',
          '    .space 2, 0x5a',
          'end_of_data:',
          '}',
          'code at 0x8000_0000 {',
          'start: nop',
          '}',
        ),
    );
    assert.deepEqual(diags(m), []);
    assert.equal(m.symbols.get('table')?.value, 0x8100_0000n);
    assert.equal(u64le(m, 0x8100_0000), 0x8000_0000n);
    assert.equal(u64le(m, 0x8100_0008), 0x1122_3344_5566_7788n);
    assert.equal(u32le(m, 0x8100_0010), 0xdead_beef);
    assert.equal(u32le(m, 0x8100_0014), 0xffff_ffff);
    assert.deepEqual(image(m, 0x8100_0018, 2), [0x34, 0x12]);
    assert.deepEqual(image(m, 0x8100_001a, 3), [1, 2, 0xff]);
    assert.deepEqual(image(m, 0x8100_001d, 5), [0x61, 0x62, 0x63, 0x0a, 0]);
    assert.deepEqual(image(m, 0x8100_0022, 5), [0, 0, 0, 0x5a, 0x5a]);
    assert.equal(m.symbols.get('end_of_data')?.value, 0x8100_0027n);
  });

  it('resolves GNU local labels (1b / 1f) and the location counter', () => {
    const m = parseScenario(PE + src('code at 0x8000_0000 {', 'start:', '1:  .quad 1f, 1b, .', '1:  .quad 1b', '}'));
    assert.deepEqual(diags(m), []);
    assert.equal(u64le(m, 0x8000_0000), 0x8000_0018n);
    assert.equal(u64le(m, 0x8000_0008), 0x8000_0000n);
    assert.equal(u64le(m, 0x8000_0010), 0x8000_0000n);
    assert.equal(u64le(m, 0x8000_0018), 0x8000_0018n);
  });

  it('.equ and .set define constants usable before and after their definition', () => {
    const m = parseScenario(
      PE + src('code at 0x8000_0000 {', 'start: .quad LIMIT * 2', '    .equ LIMIT, END - start', '    .equ HERE, . + (END - start)', '    .set S, 1', '    .set S, 2', 'END: .quad S', '}'),
    );
    assert.deepEqual(diags(m), [
      "6:9-6:10 error duplicate-symbol: 'S' is already defined: redefining a symbol with '.set' is not supported, use a new name",
    ]);
    assert.equal(m.constants.get('LIMIT')?.value, 8n);
    // `.` is the address of the .equ line even when the value needs a later label.
    assert.equal(m.constants.get('HERE')?.value, 0x8000_0010n);
    assert.equal(u64le(m, 0x8000_0000), 16n);
    assert.equal(u64le(m, 0x8000_0008), 1n);
  });

  it('reports duplicate labels with the first definition as related', () => {
    const m = parseScenario(PE + src('code at 0x8000_0000 {', 'start: nop', 'start: nop', '}'));
    assert.deepEqual(diags(m), ["3:0-3:5 error duplicate-symbol: duplicate symbol 'start': already defined as a label"]);
    assert.deepEqual(m.diagnostics[0].related?.map(at), ['2:0-2:5']);
  });

  it('reports overlapping blocks naming both', () => {
    const m = parseScenario(PE + src('code at 0x8000_0000 {', 'start: nop', '    nop', '}', 'data buf at 0x8000_0004 {', '    .quad 0', '}'));
    assert.deepEqual(diags(m), [
      "5:0-5:23 error overlapping-blocks: data 'buf' block at 0x8000_0004-0x8000_000b overlaps code block at 0x8000_0000-0x8000_0007",
    ]);
    assert.deepEqual(m.diagnostics[0].related?.map(at), ['1:0-1:19']);
  });

  it('warns about blocks outside every declared memory region', () => {
    const m = parseScenario(src('system {', '  memory ram at 0x8000_0000 size 0x1000', '}') + PE + src('code at 0x8000_0ffc {', 'start: nop', '    nop', '}'));
    assert.deepEqual(diags(m), [
      '4:0-4:19 warning outside-memory: code block at 0x8000_0ffc-0x8000_1003 is outside every declared memory region (ram 0x8000_0000-0x8000_0fff)',
    ]);
  });

  it('reports unknown directives, bad alignments and misaligned instructions', () => {
    const m = parseScenario(PE + src('code at 0x8000_0000 {', 'start: .qaud 1', '    .align 20', '    .balign 3', '    .byte 1', '    nop', '    .byte 300', '}'));
    assert.deepEqual(diags(m), [
      "2:7-2:12 error unknown-directive: unknown directive '.qaud'; did you mean '.quad'?",
      "3:11-3:13 error bad-value: '.align 20' is out of range: the alignment is 2^n bytes with n from 0 to 16 (use '.balign' for a byte count)",
      "4:12-4:13 error bad-value: '.balign' needs a power of two up to 65536, not 3",
      "6:4-6:7 error misaligned-instruction: instruction at unaligned address 0x8000_0001: add '.align 2' before it",
      "7:10-7:13 warning value-too-large: value 0x12c does not fit in 1 byte ('.byte'); it is truncated",
    ]);
  });

  it("'el N' in a code header lets the assembler check EL access", () => {
    const m = parseScenario(PE + src('code at 0x8000_0000 el 1 {', 'start: msr hcr_el2, x0', '    eret', '}', 'code at 0x8000_1000 el 0 {', '    eret', '}', 'code at 0x8000_2000 el 5 {', '    nop', '}'));
    assert.deepEqual(diags(m), [
      '2:11-2:18 warning el-access: HCR_EL2 is not accessible at EL1 (lowest EL 2); the access is UNDEFINED or trapped',
      '6:4-6:8 warning el-access: ERET is UNDEFINED at EL0',
      "8:23-8:24 error syntax: expected an exception level 0-3 after 'el', found '5'",
    ]);
    assert.deepEqual(m.code.map((c) => c.el), [1, 0, undefined]);
    // Without `el`, nothing is assumed.
    assert.deepEqual(diags(parseScenario(PE + src('code at 0x8000_0000 {', 'start: msr hcr_el2, x0', '}'))), []);
  });

  it('reports undefined symbols in data and in instructions at their range', () => {
    const m = parseScenario(PE + src('code at 0x8000_0000 {', 'start: .quad missing + 1', '    b nowhere', '}'));
    const d = diags(m);
    assert.equal(d[0], "2:13-2:20 error undefined-symbol: undefined symbol 'missing'");
    assert.equal(d.length, 2);
    assert.match(d[1], /^3:6-3:13 error undefined-symbol: .*nowhere/);
  });

  it('records symbol references in operands for go-to-definition', () => {
    const m = parseScenario(PE + src('code at 0x8000_0000 {', 'start: b loop', 'loop: ldr x0, =start', '    .quad loop', '}'));
    assert.deepEqual(diags(m), []);
    const refs = (m.refs ?? []).map((r) => `${r.name}@${at(r)}`);
    assert.deepEqual(refs, ['start@0:13-0:18', 'loop@2:9-2:13', 'start@3:15-3:20', 'loop@4:10-4:14']);
  });

  it('.inst words are in the image and execute when the decoder knows them', () => {
    const m = parseScenario(PE + src('code at 0x8000_0000 {', 'start: .inst 0xd503201f', '    .inst 0xffffffff', '}'));
    assert.deepEqual(diags(m), []);
    assert.equal(u32le(m, 0x8000_0000), 0xd503_201f);
    assert.equal(m.program.instrs.get(0x8000_0000)?.mnemonic, 'nop');
    assert.equal(m.program.instrs.get(0x8000_0000)?.line, 2);
    assert.equal(u32le(m, 0x8000_0004), 0xffff_ffff);
    assert.equal(m.program.instrs.has(0x8000_0004), false);
  });

  it('refuses blocks larger than 16 MiB instead of allocating them', () => {
    const m = parseScenario(PE + src('data big at 0x8000_0000 {', '    .zero 0x1000_0000', '}', 'code at 0x9000_0000 {', 'start: nop', '}'));
    // Nothing of the 256 MiB block reaches the image (work done, not time taken).
    assert.ok(m.program.chunks.every((c) => c.bytes.length <= 8), m.program.chunks.map((c) => c.bytes.length).join(','));
    assert.deepEqual(diags(m), [
      "1:0-1:23 error block-too-large: this data block is 0x1000_0000 bytes: a block holds at most 0x100_0000 (16 MiB); split it or use a smaller '.zero'",
    ]);
    assert.equal(m.program.instrs.size, 1);
  });

  it('fills .zero/.space quickly and exactly', () => {
    const m = parseScenario(PE + src('data at 0x8000_0000 {', '    .space 0x10_0000, 0xa5', 'end: .byte 1', '}', 'code at 0x9000_0000 {', 'start: nop', '}'));
    assert.deepEqual(diags(m), []);
    assert.deepEqual(image(m, 0x800f_fffe, 3), [0xa5, 0xa5, 1]);
    assert.equal(m.symbols.get('end')?.value, 0x8010_0000n);
  });
});

describe('scenario layout: assembly reuse across parses', () => {
  const text = (target: string, lit: string): string =>
    PE + src('code at 0x8000_0000 {', 'start: b ' + target, '    ldr x0, =' + lit, '    ldr x1, =0x99', '    mov x2, #bad', 'mid: nop', 'end: nop', '}');

  it('a re-parse gives the same program, diagnostics and references', () => {
    clearAssemblyCache();
    const a = parseScenario(text('end', '0x55'));
    const b = parseScenario(text('end', '0x55'));
    assert.deepEqual(diags(b), diags(a));
    assert.equal(diags(a).length, 1); // `#bad` is reported, and again from the cache
    assert.deepEqual([...b.program.instrs.keys()], [...a.program.instrs.keys()]);
    assert.deepEqual(b.program.chunks, a.program.chunks);
    assert.deepEqual(b.refs, a.refs);
  });

  it('re-assembles a line whose symbols changed value', () => {
    clearAssemblyCache();
    const a = parseScenario(text('end', '0x55'));
    const b = parseScenario(text('mid', '0x55'));
    const imm26 = (m: ScenarioModel): number => m.program.instrs.get(0x8000_0000)!.encoding! & 0x3ff_ffff;
    assert.equal(imm26(a), 5); // end is 5 instructions after start
    assert.equal(imm26(b), 4);
  });

  it('reuses lines moved by an inserted line: diagnostics follow the line, Instr lines are current, branches stay right', () => {
    clearAssemblyCache();
    const before = text('end', '0x55');
    const a = parseScenario(before);
    // Insert a comment line and an instruction after `start:`: every line below moves down, later addresses by 4.
    const after = before.replace('    ldr x0, =0x55', '    // inserted\n    add x3, x3, #1\n    ldr x0, =0x55');
    const b = parseScenario(after);
    const fresh = (clearAssemblyCache(), parseScenario(after));
    assert.deepEqual(diags(b), diags(fresh));
    assert.equal(diags(b).length, 1);
    assert.notDeepEqual(diags(b), diags(a)); // the `#bad` error moved two lines down
    assert.deepEqual(b.program.chunks, fresh.program.chunks);
    for (const [pc, i] of fresh.program.instrs) {
      const r = b.program.instrs.get(pc)!;
      assert.equal(r.encoding, i.encoding, `encoding at ${pc.toString(16)}`);
      assert.equal(r.line, i.line, `line at ${pc.toString(16)}`);
    }
  });

  it('re-assembles a line whose literal slot moved', () => {
    clearAssemblyCache();
    parseScenario(text('end', '0x55'));
    // Now the first literal equals the second one: `ldr x1, =0x99` shares slot 0 instead of using slot 1.
    const b = parseScenario(text('end', '0x99'));
    const imm19 = (pc: number): number => (b.program.instrs.get(pc)!.encoding! >>> 5) & 0x7ffff;
    assert.equal(imm19(0x8000_0004), imm19(0x8000_0008) + 1);
    assert.equal(u64le(b, 0x8000_0018), 0x99n);
    assert.equal(image(b, 0x8000_0020, 1)[0], undefined); // one slot only
  });

  it('bounds the relabelled copies it keeps: lines that moved many times do not pile up', () => {
    clearAssemblyCache();
    // 5,000 identical lines: one record, and one copy per line position it served.
    const n = 5_000;
    const body = Array.from({ length: n }, () => '    nop').join('\n');
    const rounds = Math.ceil(MAX_LINE_COPIES / n) + 1;
    let m: ScenarioModel | undefined;
    for (let k = 0; k <= rounds; k++) {
      // Each round adds a comment line above the code: every line moves down by one.
      m = parseScenario(PE + '// moved\n'.repeat(k) + src('code at 0x8000_0000 {', 'start:', body, '}'));
      assert.ok(assemblyCacheSize().copies <= MAX_LINE_COPIES, `round ${k}: ${assemblyCacheSize().copies} copies`);
    }
    assert.equal(assemblyCacheSize().records, 1);
    // The instructions still carry their current source lines.
    const first = m!.program.instrs.get(0x8000_0000)!;
    const last = m!.program.instrs.get(0x8000_0000 + 4 * (n - 1))!;
    assert.equal(last.line! - first.line!, n - 1);
    assert.equal(first.line, m!.code[0].lines.find((l) => l.mnemonic === 'nop')!.range.start.line);
  });
});
