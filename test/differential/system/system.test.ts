/**
 * System-level differential test: each case (cases/*.ts) is a small scenario
 * run by the simulator (Machine API, `cache_model off`) and, translated into a
 * bare-metal image (GNU as/ld), by qemu-system-aarch64 (`virt`, EL3 + EL2,
 * `-cpu max`); the final architectural state of the two is compared register by
 * register. README.md in this folder describes the suite and its results.
 *
 * Skips, saying why, when the Debian packages are missing — except in CI
 * (`CI=true`), where that is a failure.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { AS, LD, tempDir } from '../../isa/gnuToolchain';
import { requireTools } from '../prerequisites';
import type { SystemCase } from './case';
import { SYSTEM_CASES } from './cases';
import { judge } from './compare';
import { assembleBlocks, gnuLink } from './gnuImage';
import { HARNESS_BASE, harnessBlob, stubSource } from './image';
import { HANG_GUARD_SECONDS, QEMU_SYSTEM, QemuSystem, qemuSystemVersion, type QemuStop } from './qemuSystem';
import { parseCase, simulate, type SimulatedCase } from './simulate';

/** Title suffix naming a case's investigated divergences, e.g. ` (QEMU wrong in pc, ESR_EL1)`. */
function divergenceNote(c: SystemCase): string {
  const bySide = new Map<string, string[]>();
  for (const d of c.divergences ?? []) {
    const side = d.wrong === 'neither' ? 'permitted difference in' : `${d.wrong === 'qemu' ? 'QEMU' : 'simulator'} wrong in`;
    bySide.set(side, [...(bySide.get(side) ?? []), d.register]);
  }
  return bySide.size > 0 ? ` (${[...bySide].map(([side, regs]) => `${side} ${regs.join(', ')}`).join('; ')})` : '';
}

interface Outcome {
  sim?: SimulatedCase;
  qemu?: QemuStop;
  error?: Error;
}

describe('differential: system-level scenarios vs qemu-system-aarch64', function () {
  // A hang bound, not a speed target: every case may use its whole hang guard (qemuSystem.ts).
  this.timeout((SYSTEM_CASES.length * HANG_GUARD_SECONDS + 120) * 1000);
  const outcomes = new Map<string, Outcome>();
  let dir: string | undefined;
  let version = '';

  before(async function () {
    requireTools(this, [AS, LD, QEMU_SYSTEM]);
    version = qemuSystemVersion();
    dir = tempDir();
    const stub = gnuLink(dir, 'stub', stubSource(), new Map([['.text', HARNESS_BASE]])).get('.text')!.bytes;
    const ready: SimulatedCase[] = [];
    for (const c of SYSTEM_CASES) {
      try {
        const model = parseCase(c);
        ready.push(simulate(c, model, assembleBlocks(model, dir, c.name)));
      } catch (err) {
        outcomes.set(c.name, { error: err as Error });
      }
    }
    const { blob, descriptors } = harnessBlob(stub, ready.map((s) => s.boot));
    const blobPath = path.join(dir, 'harness.bin');
    fs.writeFileSync(blobPath, blob);
    const qemu = await QemuSystem.start(blobPath);
    try {
      for (let i = 0; i < ready.length; i++) {
        const sim = ready[i];
        try {
          outcomes.set(sim.case.name, { sim, qemu: await qemu.run(descriptors[i], sim.breakpoints) });
        } catch (err) {
          outcomes.set(sim.case.name, { error: err as Error });
        }
      }
    } finally {
      await qemu.close();
    }
  });

  after(() => {
    if (dir !== undefined) fs.rmSync(dir, { recursive: true, force: true });
  });

  for (const c of SYSTEM_CASES) {
    it(`${c.name}: ${c.focus.join(', ')}${divergenceNote(c)}`, () => {
      const o = outcomes.get(c.name);
      if (o?.error) throw o.error;
      assert.ok(o?.sim && o.qemu, 'the case did not run');
      assert.deepEqual(judge(c, o.sim, o.qemu, version), []);
    });
  }
});
