/**
 * Property: any litmus test built from plain loads, stores, barriers,
 * acquire/release and dependencies over a few locations reads without a
 * diagnostic, and comes back from litmus2scenario + scenario2litmus with the
 * same code, initial state and quantified condition (`exists`, `~exists`,
 * `forall` over `/\`, `\/` and `~`).
 */
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { parseScenario } from '../../simulator';
import { conditionText } from '../../simulator/litmus/herdFormat';
import { litmusToScenario, scenarioToLitmus } from '../../simulator/litmus';
import { readTest } from './helpers';

const LOCATIONS = ['x', 'y', 'z'];

/** One instruction over W0–W3 and the address registers X4–X6 (x, y, z). */
const instruction = fc.oneof(
  fc.tuple(fc.nat(3), fc.nat(9)).map(([r, v]) => `MOV W${r},#${v}`),
  fc.tuple(fc.nat(3), fc.nat(2), fc.constantFrom('STR', 'STLR', 'LDR', 'LDAR', 'LDAPR')).map(([r, a, op]) => `${op} W${r},[X${4 + a}]`),
  fc.constantFrom('DMB SY', 'DMB ST', 'DMB LD', 'DMB ISH', 'DSB SY', 'ISB', 'NOP'),
  fc.tuple(fc.nat(3), fc.nat(3)).map(([d, s]) => `EOR W${d},W${s},W${s}`),
  fc.tuple(fc.nat(3), fc.nat(3), fc.nat(2)).map(([r, i, a]) => `LDR W${r},[X${4 + a},W${i},SXTW]`),
);

const litmus = fc
  .record({
    threads: fc.array(fc.array(instruction, { minLength: 1, maxLength: 6 }), { minLength: 1, maxLength: 3 }),
    memory: fc.array(fc.nat(9), { minLength: 3, maxLength: 3 }),
    atoms: fc.array(fc.tuple(fc.nat(2), fc.nat(3), fc.nat(9), fc.boolean(), fc.constantFrom('/\\', '\\/')), { minLength: 1, maxLength: 3 }),
    quantifier: fc.constantFrom('forall', 'exists', '~exists'),
  })
  .map(({ threads, memory, atoms, quantifier }) => {
    const init = [
      ...threads.flatMap((_t, i) => LOCATIONS.map((l, k) => `${i}:X${4 + k}=${l};`)),
      ...LOCATIONS.map((l, k) => `${l}=${memory[k]};`),
    ];
    const rows = Math.max(...threads.map((t) => t.length));
    const cells = [threads.map((_t, i) => `P${i}`), ...Array.from({ length: rows }, (_r, k) => threads.map((t) => t[k] ?? ''))];
    const cond = atoms.reduce((acc, [t, r, v, negated, op]) => {
      const atom = `${negated ? '~' : ''}${t % threads.length}:X${r}=${v}`;
      return acc === '' ? atom : `(${acc}) ${op} ${atom}`;
    }, '');
    return `AArch64 G\n{\n ${init.join(' ')}\n}\n${cells.map((row) => ` ${row.join(' | ')} ;`).join('\n')}\n${quantifier} (${cond})\n`;
  });

describe('litmus round trip (fast-check)', function () {
  it('litmus → scenario → litmus keeps the code, the initial state and the quantified condition', function () {
    fc.assert(
      fc.property(litmus, (text) => {
        const test = readTest(text);
        const generated = litmusToScenario(test);
        const model = parseScenario(generated.text, 'g.armscope');
        assert.deepEqual(
          model.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
          [],
        );
        const back = scenarioToLitmus(model, 'G');
        assert.deepEqual(back.refusals, []);
        const again = readTest(back.text!);
        const code = (t: typeof test): string[][] => t.threads.map((th) => th.code.map((i) => i.text.replace(/\s+/g, '')));
        assert.deepEqual(code(again), code(test));
        const init = (t: typeof test): string[] =>
          t.init.map((e) => `${e.loc.kind === 'reg' ? `${e.loc.thread}:X${e.loc.reg}` : e.loc.kind === 'mem' ? e.loc.sym : ''}=${e.value?.kind === 'int' ? e.value.value : e.value?.kind === 'va' ? e.value.sym : ''}`).sort();
        assert.deepEqual(init(again), init(test));
        assert.equal(conditionText(again), conditionText(test));
      }),
      { numRuns: 150 },
    );
  });
});
