/**
 * The simulator's side of a case: parse the scenario, build the machine through
 * the normal engine API with `cache_model off`, take its initial state (what the
 * QEMU boot stub reproduces), run it, and take its final state.
 */
import { parseScenario } from '../../../simulator';
import { Machine } from '../../../simulator/engine/machine';
import { buildReport, type RunReport } from '../../../simulator/engine/report';
import { hasErrors } from '../../../simulator/engine/run';
import { getRegister } from '../../../simulator/engine/init';
import { currentSpsr } from '../../../simulator/pe/entry';
import type { Pe } from '../../../simulator/pe/pe';
import type { ScenarioModel } from '../../../simulator/scenario/model';
import { COMPARED_SYSREGS, STACK_POINTERS } from './context';
import type { SystemCase } from './case';
import { encodingDifferences, type GnuBlock } from './gnuImage';
import { WordImage, caseProblems, type CaseBoot } from './image';

/** Architectural state at one point: what both sides report and the suite compares. */
export interface Observation {
  pc: bigint;
  /** PSTATE in the SPSR layout (NZCV, PAN, IL, DAIF, M[3:0] = EL:SPSel, …). */
  pstate: bigint;
  /** The current stack pointer. */
  sp: bigint;
  x: bigint[];
  sysregs: Map<string, bigint>;
}

export interface SimulatedCase {
  case: SystemCase;
  model: ScenarioModel;
  boot: CaseBoot;
  initial: Observation;
  final: Observation;
  report: RunReport;
  /** Where QEMU must stop: every HLT, the simulator's final PC, and the vector entries without code. */
  breakpoints: number[];
}

function observe(pe: Pe): Observation {
  const sysregs = new Map<string, bigint>();
  for (const r of COMPARED_SYSREGS) sysregs.set(r, getRegister(pe, r) ?? 0n);
  const x: bigint[] = [];
  for (let i = 0; i < 31; i++) x.push(pe.getX(i));
  return { pc: pe.getPc(), pstate: BigInt(currentSpsr(pe)), sp: getRegister(pe, 'sp') ?? 0n, x, sysregs };
}

export function parseCase(c: SystemCase): ScenarioModel {
  const model = parseScenario(c.scenario, `${c.name}.armscope`);
  if (hasErrors(model)) {
    const errs = model.diagnostics.filter((d) => d.severity === 'error').map((d) => `line ${d.range.start.line + 1}: ${d.message}`);
    throw new Error(`case '${c.name}' does not parse: ${errs.join('; ')}`);
  }
  return model;
}

/** The initial memory image: GNU's bytes for the blocks, the simulator's for everything else (built page tables). */
function initialImage(model: ScenarioModel, gnu: GnuBlock[]): WordImage {
  const image = new WordImage();
  const inBlock = (line: number | undefined) =>
    line !== undefined && model.code.some((b) => line >= b.range.start.line && line <= b.range.end.line);
  for (const chunk of model.program.chunks) if (!inBlock(chunk.line)) image.write(chunk.address, chunk.bytes);
  for (const g of gnu) image.write(g.address, g.bytes);
  return image;
}

export function simulate(c: SystemCase, model: ScenarioModel, gnu: GnuBlock[]): SimulatedCase {
  const encodings = encodingDifferences(model, gnu);
  if (encodings.length > 0) throw new Error(`case '${c.name}': GNU as and the simulator encode differently: ${encodings.join('; ')}`);
  const machine = Machine.create(model, { cacheModel: 'off' });
  const pe = machine.pes[0];
  const initial = observe(pe);
  const sysregs = new Map(initial.sysregs);
  for (const r of STACK_POINTERS) sysregs.set(r, getRegister(pe, r) ?? 0n);
  const boot: CaseBoot = {
    name: c.name,
    regions: model.system.memory.map((m) => ({ base: Number(m.base), size: Number(m.size) })),
    image: initialImage(model, gnu),
    sysregs,
    entry: initial.pc,
    spsr: initial.pstate,
    x: initial.x,
  };
  const problems = caseProblems(model, boot);
  if (problems.length > 0) throw new Error(`case '${c.name}' cannot run on QEMU: ${problems.join('; ')}`);

  machine.run();
  const report = buildReport(machine);
  const final = observe(pe);
  if (pe.state !== 'halted') throw new Error(`case '${c.name}': the simulator did not stop (${report.stop.reason}); a case must end with its PE stopped`);

  // QEMU checks a breakpoint before fetching: a HLT whose fetch faulted in the simulator is no stop point.
  const faultedAt = new Set(report.exceptions.map((e) => Number(e.pc)));
  const stops = new Set<number>([Number(final.pc)]);
  for (const [pa, instr] of model.program.instrs) if (instr.mnemonic === 'hlt' && !faultedAt.has(pa)) stops.add(pa);
  for (const obs of [initial, final])
    for (const el of [1, 2, 3]) {
      const vbar = Number((obs.sysregs.get(`VBAR_EL${el}`) ?? 0n) & ~0x7ffn);
      for (let off = 0; off < 0x800; off += 0x80) if (!model.program.instrs.has(vbar + off)) stops.add(vbar + off);
    }
  return { case: c, model, boot, initial, final, report, breakpoints: [...stops].sort((a, b) => a - b) };
}
