/**
 * A PE's step taken alone under the memory model because the other PEs' remaining code cannot touch it
 * (explore/future.ts, relaxed.ts `othersCannotTouch`, `inertStep`): the classes of a program's futures, and
 * searches that keep every outcome with its count of distinct final states in fewer states. Also: the search's
 * skip of a state expanded before with nothing asleep (visited.ts `takenAll`), fingerprinted before the memory
 * model's dry runs, stays sound when a dry run is the first to read the system counter.
 */
import * as assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseScenario } from '../../simulator';
import { exploreScenario } from '../../simulator/explore/explore';
import { Future, FutureScan } from '../../simulator/explore/future';
import { observationOf } from '../../simulator/explore/outcome';
import type { ExploreResult } from '../../simulator/explore/result';
import { OutcomeTable, search } from '../../simulator/explore/search';
import { ExploreSession } from '../../simulator/explore/session';
import { VisitedSet, type Visited } from '../../simulator/explore/visited';
import { litmusToScenario } from '../../simulator/litmus';
import type { ScenarioModel } from '../../simulator/scenario/model';
import { CORPUS, readTest } from '../litmus/helpers';

/** The corpus's SB and LB (test/litmus/corpus). */
const corpus = (name: string): string => readFileSync(join(CORPUS, `${name}.litmus`), 'utf8');
const SB = corpus('SB');
const LB = corpus('LB');

/** MP with a DSB on the reader: its future holds a system instruction until then (`Any`). */
const MP_DSB = `AArch64 MP+po+dsb
{ 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; }
 P0          | P1          ;
 MOV W0,#1   | LDR W0,[X1] ;
 STR W0,[X1] | DSB SY      ;
 MOV W2,#1   | LDR W2,[X3] ;
 STR W2,[X3] |             ;
exists (1:X0=1 /\\ 1:X2=0)`;

/** A branch over a store and a loop back: a control-flow graph, not a straight line. */
const BRANCHES = `AArch64 BR
{ 0:X1=x; 0:X3=y; 1:X1=y; 1:X3=x; }
 P0             | P1          ;
 LDR W0,[X1]    | MOV W0,#1   ;
 CBNZ W0,L0     | STR W0,[X1] ;
 MOV W2,#1      | LDR W2,[X3] ;
 STR W2,[X3]    |             ;
 L0:            |             ;
 ADD W4,W4,#1   |             ;
exists (0:X0=1 /\\ 1:X2=0)`;

function scenario(text: string): ScenarioModel {
  const model = parseScenario(text, 't.armscope');
  assert.deepEqual(model.diagnostics.filter((d) => d.severity === 'error'), []);
  return model;
}

const litmus = (text: string): string => litmusToScenario(readTest(text)).text;

/** Each outcome with its count of distinct final states. */
function rows(r: ExploreResult): string[] {
  assert.deepEqual(r.bounds.hit, []);
  return r.outcomes.map((o) => `${o.state} ×${o.count}`).sort();
}

/** The program's instructions at `code NAME at` block `name`, by address, in order. */
function blockPcs(m: ScenarioModel, name: string): number[] {
  const start = m.symbols.get(name)!.value;
  return [...m.program.instrs.keys()].filter((pa) => pa >= Number(start) && pa < Number(start) + 0x1000).sort((a, b) => a - b);
}

describe('explore under memory_model promising: steps taken alone by the other PEs\' futures', function () {
  it('classifies the code reachable from a PC: inert, loads, memory, any; a program with code no entry reaches has handlers', function () {
    const m = scenario(litmus(MP_DSB));
    const p0 = blockPcs(m, 'P0');
    const p1 = blockPcs(m, 'P1');
    const f = new FutureScan(m.program.instrs, [p0[0], p1[0]]);
    assert.equal(f.handlerFree, true);
    // P0: MOV, STR, MOV, STR, HLT.
    assert.deepEqual(p0.map((pc) => f.from(pc)), [Future.Memory, Future.Memory, Future.Memory, Future.Memory, Future.Inert]);
    assert.deepEqual(p0.map((pc) => f.at(pc)), [Future.Inert, Future.Memory, Future.Inert, Future.Memory, Future.Inert]);
    // P1: LDR, DSB SY, LDR, HLT.
    assert.deepEqual(p1.map((pc) => f.from(pc)), [Future.Any, Future.Any, Future.Loads, Future.Inert]);
    // Only P0's entry: P1's code is reached by no path (it could be an exception handler).
    assert.equal(new FutureScan(m.program.instrs, [p0[0]]).handlerFree, false);
  });

  it('follows direct branches both ways (CBNZ over a store: the store stays in the future)', function () {
    const m = scenario(litmus(BRANCHES));
    const p0 = blockPcs(m, 'P0');
    const f = new FutureScan(m.program.instrs, [p0[0], blockPcs(m, 'P1')[0]]);
    // LDR, CBNZ, MOV, STR, ADD, HLT: from the CBNZ the store is on one path.
    assert.deepEqual(p0.map((pc) => f.from(pc)), [Future.Memory, Future.Memory, Future.Memory, Future.Memory, Future.Inert, Future.Inert]);
  });

  // LB: its reads and stores interleave as before (each PE's future holds a store until its end); the futures save
  // the dry runs of its register-only steps, not states.
  for (const [name, text, fewer] of [['SB', SB, true], ['LB', LB, false], ['MP+po+dsb', MP_DSB, true], ['BR', BRANCHES, true]] as const) {
    it(`${name}: every outcome with its count of final states, as the search that takes nothing alone, in ${fewer ? 'fewer' : 'no more'} states than without the futures`, function () {
      const m = scenario(litmus(text));
      const full = exploreScenario(m, { cacheModel: 'off', localSteps: false, certifySteps: false, checkers: false });
      const withoutFutures = exploreScenario(m, { cacheModel: 'off', checkers: false });
      // `fixedSystem` (the litmus front end's: code at its own address, no descriptor written) enables the futures.
      const withFutures = exploreScenario(m, { cacheModel: 'off', checkers: false, fixedSystem: true });
      assert.deepEqual(rows(withFutures), rows(full));
      assert.deepEqual(rows(withoutFutures), rows(full));
      assert.ok(fewer ? withFutures.states < withoutFutures.states : withFutures.states <= withoutFutures.states, `${withFutures.states} states with the futures, ${withoutFutures.states} without`);
    });
  }

  it("takenAll's skip, fingerprinted before the dry runs, is sound when a dry run is the first to read the system counter", function () {
    // P1 reads CNTVCT_EL0 after its load: the step count is state (session.ts `timeMatters`), and the first step to
    // read the counter is a dry run of the memory model's read choices.
    const text = litmus(LB).replace(/(code P1 at [^{]*\{\s*)/, '$1MRS X9, CNTVCT_EL0\n    ');
    assert.match(text, /MRS X9, CNTVCT_EL0/);
    const m = scenario(text);
    const run = (skip: boolean): { table: OutcomeTable; states: number; skipped: number } => {
      const session = new ExploreSession(m, { cacheModel: 'off', checkers: false });
      assert.equal(session.timeMatters(), true);
      const set = new VisitedSet(100_000);
      let skipped = 0;
      const visited: Visited = skip
        ? {
            visit: (h, m0, m1) => set.visit(h, m0, m1),
            takenAll: (h) => {
              const t = set.takenAll(h);
              if (t) skipped++;
              return t;
            },
            get size() {
              return set.size;
            },
            get bytes() {
              return set.bytes;
            },
          }
        : {
            visit: (h, m0, m1) => set.visit(h, m0, m1),
            get size() {
              return set.size;
            },
            get bytes() {
              return set.bytes;
            },
          };
      const table = new OutcomeTable();
      const stats = search(session, observationOf(m), table, { maxStates: 100_000, maxDepth: 1000, reduction: true, visited });
      session.detach();
      assert.deepEqual([...stats.bounds], []);
      return { table, states: stats.states, skipped };
    };
    const withSkip = run(true);
    const without = run(false);
    assert.ok(withSkip.skipped > 0, 'the skip is taken');
    const summary = (t: OutcomeTable): string[] => [...t.rows.values()].map((r) => `${r.state} ×${r.count}`).sort();
    assert.deepEqual(summary(withSkip.table), summary(without.table));
    assert.deepEqual([...withSkip.table.finals].sort(), [...without.table.finals].sort());
    assert.equal(withSkip.states, without.states);
  });
});
