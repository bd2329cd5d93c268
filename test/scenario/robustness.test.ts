import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import fc from 'fast-check';
import { parseScenario } from '../../simulator';
import { lineInfo, referencesOf, symbolAt } from '../../simulator/scenario/query';
import type { ScenarioModel } from '../../simulator/scenario/model';
import { generateScenario } from '../../bench/parse';
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

describe('scenario parser: a generated 2,000-line scenario', () => {
  // Its parse time is a figure of `npm run bench` (bench/parse.ts), not a test: timing on a shared machine is not behaviour.
  const text = generateScenario(2000);
  const lines = text.split('\n');

  it('is valid and assembles', () => {
    assert.equal(lines.length - 1, 2000);
    const m = parseScenario(text);
    assert.deepEqual(m.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
    assert.ok(m.program.instrs.size > 1000, `assembled ${m.program.instrs.size} instructions`);
  });

  it('re-parses after a one-line edit and after an insertion exactly as a parse from scratch', () => {
    const edited = [...lines];
    edited[40] = '    mov   x1, #7          // edited';
    parseScenario(text);
    const a = parseScenario(edited.join('\n'));
    assert.deepEqual(a.diagnostics, parseScenario(edited.join('\n'), 'x', { cache: false }).diagnostics);
    const inserted = [...lines];
    inserted.splice(40, 0, '    add   x9, x9, #3');
    const b = parseScenario(inserted.join('\n'));
    const fresh = parseScenario(inserted.join('\n'), 'x', { cache: false });
    assert.deepEqual(b.diagnostics, fresh.diagnostics);
    assert.equal(b.program.instrs.size, fresh.program.instrs.size);
  });
});
