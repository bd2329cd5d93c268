/**
 * The layer rules of `.dependency-cruiser.cjs` (run by `npm run lint`) catch
 * what they say they catch: a small tree that breaks each rule once, and
 * imports they allow, checked with the project's own config and runner.
 */
import * as assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const ROOT = resolve(__dirname, '../../..');

const FILES: Record<string, string> = {
  // Allowed: a type-only cycle inside one folder (a concept split into files).
  'simulator/isa/table.ts': "import type { Row } from './row';\nexport interface Table { rows: Row[] }\n",
  'simulator/isa/row.ts': "import type { Table } from './table';\nexport interface Row { table: Table }\n",
  // Allowed: the PE execution contracts refer to each other by type.
  'simulator/pe/pe.ts': "import type { Instr } from '../isa/instr';\nexport class Pe { last?: Instr }\n",
  'simulator/isa/instr.ts': "import type { Pe } from '../pe/pe';\nexport interface Instr { exec(pe: Pe): void }\n",
  // lower-layers-never-import-the-engine (a type import is enough).
  'simulator/cache/lines.ts': "import type { Machine } from '../engine/machine';\nexport const machines: Machine[] = [];\n",
  'simulator/engine/machine.ts': 'export class Machine {}\n',
  // no-circular-at-run-time (inside one folder too).
  'simulator/mmu/walk.ts': "import { flush } from './tlb';\nexport function walk(): void { flush(); }\n",
  'simulator/mmu/tlb.ts': "import { walk } from './walk';\nexport function flush(): void { void walk; }\n",
  // no-circular-between-folders (type-only imports count across folders).
  'simulator/gic/dist.ts': "import type { Uart } from '../devices/uart';\nexport interface Dist { uart?: Uart }\n",
  'simulator/devices/uart.ts': "import type { Dist } from '../gic/dist';\nexport interface Uart { dist?: Dist }\n",
  // arch-is-a-leaf.
  'simulator/arch/registers.ts': "import type { Pe } from '../pe/pe';\nexport type Reader = (pe: Pe) => bigint;\n",
  // simulator-imports-no-front-end.
  'simulator/checks/report.ts': "import { show } from '../../language-server/hover';\nexport const shown = show;\n",
  'language-server/hover.ts': 'export function show(): void {}\n',
  // firmware-below-checks.
  'simulator/memory/system.ts': "import type { Spmc } from '../firmware/spmc';\nexport type Owner = Spmc;\n",
  'simulator/firmware/spmc.ts': 'export class Spmc {}\n',
  // only-tools-import-the-front-door.
  'simulator/scenario/load.ts': "import { FULL } from '../language';\nexport const language = FULL;\n",
  'simulator/language.ts': 'export const FULL = 1;\n',
};

describe('layers: the dependency rules catch each violation and allow what they document', function () {
  this.timeout(120_000);

  it('reports exactly the seeded violations', () => {
    const dir = mkdtempSync(join(tmpdir(), 'armscope-layers-'));
    try {
      for (const [path, text] of Object.entries(FILES)) {
        mkdirSync(dirname(join(dir, path)), { recursive: true });
        writeFileSync(join(dir, path), text);
      }
      cpSync(join(ROOT, '.dependency-cruiser.cjs'), join(dir, '.dependency-cruiser.cjs'));
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true, module: 'commonjs', target: 'ES2022' } }));
      const r = spawnSync(process.execPath, [join(ROOT, 'scripts/depcruise.mjs')], { cwd: dir, encoding: 'utf8' });
      assert.equal(r.status, 1, `exit status (stderr: ${r.stderr})`);
      // One violation per rule broken; a cycle is reported once, from one of its modules.
      const cycle = (from: string): string => from.replace(/^simulator\/mmu\/\w+\.ts$/, 'the mmu cycle').replace(/^simulator\/(gic|devices)\/\w+\.ts$/, 'the gic-devices cycle');
      const found = [...r.stdout.matchAll(/error ([\w-]+): (\S+)/g)].map((m) => `${m[1]} ${cycle(m[2])}`).sort();
      assert.deepEqual(found, [
        'arch-is-a-leaf simulator/arch/registers.ts',
        'firmware-below-checks simulator/memory/system.ts',
        'lower-layers-never-import-the-engine simulator/cache/lines.ts',
        'no-circular-at-run-time the mmu cycle',
        'no-circular-between-folders the gic-devices cycle',
        'only-tools-import-the-front-door simulator/scenario/load.ts',
        'simulator-imports-no-front-end simulator/checks/report.ts',
      ]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
