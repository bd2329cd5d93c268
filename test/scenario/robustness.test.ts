import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseScenario } from '../../simulator';
import { lineInfo, referencesOf, symbolAt } from '../../simulator/scenario/query';
import type { ScenarioModel } from '../../simulator/scenario/model';
import { fixturesDir } from './helpers';

function validScenarios(): string[] {
  const dir = fixturesDir();
  return fs
    .readdirSync(dir)
    .filter((f) => f.endsWith('.armscope'))
    .sort()
    .map((f) => fs.readFileSync(path.join(dir, f), 'utf8'));
}

/** Structural sanity every returned model must have, whatever the input. */
function assertWellFormed(m: ScenarioModel, text: string): void {
  assert.equal(typeof m, 'object');
  assert.equal(m.text, text);
  assert.ok(Array.isArray(m.diagnostics));
  assert.ok(m.symbols instanceof Map);
  assert.ok(m.program.instrs instanceof Map);
  const lines = text.split('\n');
  for (const d of m.diagnostics) {
    assert.ok(typeof d.rule === 'string' && d.rule.length > 0, 'every diagnostic has a rule');
    assert.ok(d.message.length > 0);
    const { start, end } = d.range;
    assert.ok(start.line >= 0 && start.col >= 0 && end.line >= start.line, `bad range ${JSON.stringify(d.range)}`);
    assert.ok(end.line > start.line || end.col >= start.col, `inverted range ${JSON.stringify(d.range)}`);
    assert.ok(start.line < Math.max(1, lines.length), `range beyond the text ${JSON.stringify(d.range)}`);
    const lineLen = (l: number): number => (lines[l] ?? '').replace(/\r$/, '').length;
    assert.ok(start.col <= lineLen(start.line) && end.col <= lineLen(end.line), `range beyond its line ${JSON.stringify(d.range)}: ${d.message}`);
    for (const r of d.related ?? []) assert.ok(r.range.start.line <= r.range.end.line && r.range.end.col <= lineLen(r.range.end.line));
    assert.notEqual(d.rule, 'internal-error', d.message);
  }
}

const ALPHABET = [
  'system', 'pe', 'code', 'data', 'expect', 'event', 'const', 'scenario', 'pagetable', '{', '}', '[', ']', '(', ')',
  ' ', ' ', '\n', '\n', '\t', ':', ',', '=', '==', '!=', '-', '+', '*', '<<', '"', '/*', '*/', '//', ';', '#',
  '0', '1', '0x8000_0000', '_', 'x0', 'at', 'size', 'when', 'do', 'irq', 'step', 'reaches', 'mem32', 'fault',
  'no', 'finding', 'halted', 'entry', 'el', 'pes', 'mov', 'ldr', '=lbl', 'lbl', 'lbl:', '.quad', '.align', '.equ',
  '1f', '1b', '1:', 'é', '\u0000', '\r\n', '\\',
];

/** More runs with ARMSCOPE_FUZZ=N (a multiplier), e.g. before a release. */
const SCALE = Math.max(1, Number(process.env.ARMSCOPE_FUZZ ?? 1) || 1);

describe('scenario parser: robustness (fast-check)', function () {
  this.timeout(120_000 * SCALE);

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.string({ maxLength: 400, unit: 'binary' }), (text) => {
        assertWellFormed(parseScenario(text), text);
      }),
      { numRuns: 300 * SCALE },
    );
  });

  it('never throws on token soup built from the language', () => {
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...ALPHABET), { maxLength: 200 }), (parts) => {
        const text = parts.join(' ');
        assertWellFormed(parseScenario(text), text);
      }),
      { numRuns: 400 * SCALE },
    );
  });

  it('random edits of valid scenarios never throw and always return a model', () => {
    const bases = validScenarios();
    assert.ok(bases.length >= 5, 'the fixtures are the valid scenarios');
    const edit = fc.record({
      base: fc.nat(bases.length - 1),
      ops: fc.array(
        fc.record({
          kind: fc.constantFrom('insert', 'delete', 'replace'),
          at: fc.double({ min: 0, max: 1, noNaN: true }),
          len: fc.nat(40),
          text: fc.oneof(fc.string({ maxLength: 12 }), fc.constantFrom(...ALPHABET)),
        }),
        { minLength: 1, maxLength: 6 },
      ),
    });
    fc.assert(
      fc.property(edit, ({ base, ops }) => {
        let text = bases[base];
        for (const op of ops) {
          const i = Math.floor(op.at * text.length);
          if (op.kind === 'insert') text = text.slice(0, i) + op.text + text.slice(i);
          else if (op.kind === 'delete') text = text.slice(0, i) + text.slice(i + op.len);
          else text = text.slice(0, i) + op.text + text.slice(i + op.len);
        }
        const m = parseScenario(text);
        assertWellFormed(m, text);
      }),
      { numRuns: 400 * SCALE },
    );
  });
});

describe('scenario parser: assembly reuse is invisible (fast-check)', () => {
  it('a parse that reuses earlier assembly equals a parse from scratch', () => {
    const bases = validScenarios();
    const snapshot = (m: ScenarioModel): unknown => ({
      diagnostics: m.diagnostics,
      instrs: [...m.program.instrs].map(([a, i]) => [a, i.mnemonic, i.text, i.encoding, i.line]),
      chunks: m.program.chunks.map((c) => [c.address, [...c.bytes].join(','), c.line]),
      lineOf: [...m.program.lineOf],
      refs: m.refs,
    });
    fc.assert(
      fc.property(
        fc.nat(bases.length - 1),
        fc.array(fc.record({ at: fc.double({ min: 0, max: 1, noNaN: true }), del: fc.nat(12), text: fc.constantFrom('', 'x', '1', '\n    nop\n', 'lbl:', ' start', '=', '#4', 'b start\n', '.quad 1\n') }), { minLength: 1, maxLength: 4 }),
        (b, edits) => {
          let text = bases[b];
          parseScenario(text); // fill the cache with the unedited lines
          for (const e of edits) {
            const i = Math.floor(e.at * text.length);
            text = text.slice(0, i) + e.text + text.slice(i + e.del);
            const cached = parseScenario(text);
            const fresh = parseScenario(text, '<input>', { cache: false });
            assert.deepEqual(snapshot(cached), snapshot(fresh));
          }
        },
      ),
      { numRuns: 150 * SCALE },
    );
  });
});

describe('scenario queries: robustness (fast-check)', () => {
  it('symbolAt, lineInfo and referencesOf accept any position of any edited scenario', () => {
    const bases = validScenarios();
    fc.assert(
      fc.property(fc.nat(bases.length - 1), fc.nat(4000), fc.string({ maxLength: 8 }), fc.nat(60), fc.nat(120), (b, at, ins, line, col) => {
        const text = bases[b].slice(0, at) + ins + bases[b].slice(at);
        const m = parseScenario(text);
        const occ = symbolAt(m, { line, col });
        if (occ) {
          assert.ok(occ.range.start.line === line || occ.range.end.line === line);
          referencesOf(m, occ.name, true);
        }
        const info = lineInfo(m, line);
        assert.ok(info.kind.length > 0);
        for (const a of info.asm) assert.equal(a.range.start.line, line);
      }),
      { numRuns: 300 * SCALE },
    );
  });
});

/** A generated scenario of about `lines` lines mixing every construct. */
export function generateScenario(lines: number): string {
  const out: string[] = ['scenario "generated"', 'system {', '  pes 4', '  clusters 2', '  memory ram at 0x8000_0000 size 0x1000_0000', '}'];
  out.push('const BASE = 0x8000_0000');
  for (let p = 0; p < 4; p++) out.push(`pe ${p} {`, '  el 1', `  entry f${p}_${p}`, `  x0 = ${p}`, '  sctlr_el1 = 0x30d0_0800', '}');
  let block = 0;
  while (out.length < lines - 20) {
    out.push(`code at BASE + ${hexish(block * 0x1_0000)} {`);
    for (let f = 0; f < 40 && out.length < lines - 20; f++) {
      out.push(`f${block * 40 + f}_${block === 0 && f < 4 ? f : 'x'}:`);
      out.push('    mov   x1, #0x10          // comment');
      out.push('    add   x2, x1, x0, lsl #2');
      out.push('    ldr   x3, =0x1122_3344_5566_7788');
      out.push('    ldr   x4, [x3, #8]');
      out.push('    str   x4, [sp, #-16]!');
      out.push('    cmp   x2, #3');
      out.push(`    b.ne  f${block * 40 + f}_${block === 0 && f < 4 ? f : 'x'}`);
      out.push('    msr   hcr_el2, x1');
      out.push('    .quad BASE + 0x100, 0');
      out.push('    .align 3');
    }
    out.push('}');
    block++;
  }
  out.push('event when step 100 do irq 33 pe 1');
  out.push('expect {', '  pe 0 x1 == 0x10', '  mem32[BASE] != 0', '  no fault', '  halted pe 0', '}');
  while (out.length < lines) out.push('// padding');
  return out.join('\n') + '\n';
}

function hexish(v: number): string {
  return '0x' + v.toString(16);
}

describe('scenario parser: performance', function () {
  this.timeout(60_000);

  // CPU time of this process (not wall time): the machine running the tests is shared, and
  // waiting for a core is not parse cost. Wall time is printed alongside.
  function measure(runs: number, parse: (i: number) => ScenarioModel): { cpu: number; best: number; wall: number; m: ScenarioModel } {
    const cpu: number[] = [];
    const wall: number[] = [];
    let m: ScenarioModel | undefined;
    for (let i = 0; i < runs; i++) {
      const c0 = process.cpuUsage();
      const t0 = performance.now();
      m = parse(i);
      wall.push(performance.now() - t0);
      const c = process.cpuUsage(c0);
      cpu.push((c.user + c.system) / 1000);
    }
    const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
    return { cpu: median(cpu), best: Math.min(...cpu), wall: median(wall), m: m! };
  }

  const text = generateScenario(2000);
  const lines = text.split('\n');

  it('generates a valid 2,000-line scenario', () => {
    assert.equal(lines.length - 1, 2000);
    const m = parseScenario(text);
    assert.deepEqual(m.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
    assert.ok(m.program.instrs.size > 1000, `assembled ${m.program.instrs.size} instructions`);
  });

  it('parses it from scratch in under 30 ms', () => {
    // Warm up the JIT as a long-running language server would be.
    for (let i = 0; i < 8; i++) parseScenario(text, 'x', { cache: false });
    const r = measure(15, () => parseScenario(text, 'x', { cache: false }));
    // eslint-disable-next-line no-console
    console.log(`      cold: ${r.m.program.instrs.size} instructions, CPU median ${r.cpu.toFixed(1)} ms (best ${r.best.toFixed(1)}), wall median ${r.wall.toFixed(1)} ms`);
    assert.ok(r.cpu < 30, `median parse CPU time ${r.cpu.toFixed(1)} ms`);
  });

  it('re-parses it after a one-line edit (the language server case) in under 30 ms', () => {
    const edited = (i: number): string => {
      const copy = [...lines];
      copy[40] = `    mov   x1, #${i % 200}          // edited`;
      return copy.join('\n');
    };
    for (let i = 0; i < 8; i++) parseScenario(edited(i));
    const r = measure(15, (i) => parseScenario(edited(i + 8)));
    // eslint-disable-next-line no-console
    console.log(`      after an edit: CPU median ${r.cpu.toFixed(1)} ms (best ${r.best.toFixed(1)}), wall median ${r.wall.toFixed(1)} ms`);
    assert.equal(r.m.program.instrs.size, parseScenario(text, 'x', { cache: false }).program.instrs.size);
    assert.ok(r.cpu < 30, `median re-parse CPU time ${r.cpu.toFixed(1)} ms`);
  });

  it('re-parses it after inserting an instruction line near the top (every line below moves) in under 30 ms', () => {
    const copy = [...lines];
    const inserted = (i: number): string => {
      copy.splice(40, 0, `    add   x9, x9, #${i % 4000}`);
      return copy.join('\n');
    };
    for (let i = 0; i < 8; i++) parseScenario(inserted(i));
    const r = measure(15, (i) => parseScenario(inserted(i + 8)));
    // eslint-disable-next-line no-console
    console.log(`      after an insertion: CPU median ${r.cpu.toFixed(1)} ms (best ${r.best.toFixed(1)}), wall median ${r.wall.toFixed(1)} ms`);
    const fresh = parseScenario(copy.join('\n'), 'x', { cache: false });
    assert.deepEqual(r.m.diagnostics, fresh.diagnostics);
    assert.equal(r.m.program.instrs.size, fresh.program.instrs.size);
    assert.ok(r.cpu < 30, `median re-parse CPU time ${r.cpu.toFixed(1)} ms`);
  });
});
