/**
 * Initial PE state from a scenario's `pe N { … }` blocks, applied after the
 * system model's reset values (which already took the block's EL and
 * security state, pe/reset.ts): entry point, PSTATE fields, general and
 * system registers.
 */
import type { Pe } from '../pe/pe';
import { DAIF_FLAGS, findRegister, NZCV_FLAGS } from '../arch/registers';
import type { PeDecl, ScenarioModel } from '../scenario/model';

export class InitError extends Error {}

/** The PE blocks that configure PE `id`, in source order (later blocks override earlier ones). */
export function declsFor(model: ScenarioModel, id: number): PeDecl[] {
  return model.pes.filter((d) => d.ids.includes(id));
}

/** Default entry point when a PE block names none: the `start` label, else the first code block. */
export function defaultEntry(model: ScenarioModel): bigint | undefined {
  const start = model.symbols.get('start');
  if (start?.kind === 'label' && start.value !== undefined) return start.value;
  const first = model.code.find((c) => c.kind === 'code');
  return first?.base.value;
}

export function applyPeInit(pe: Pe, model: ScenarioModel): void {
  const decls = declsFor(model, pe.id);
  let entry: bigint | undefined;
  for (const d of decls) {
    if (d.el !== undefined) pe.el = d.el;
    if (d.entry?.value !== undefined) entry = d.entry.value;
  }
  // Security state: reset (pe/reset.ts) set SCR_EL3.NS/EEL2 from the block's `security`.
  if (entry === undefined && decls.length > 0) entry = defaultEntry(model);
  if (entry === undefined) {
    // A PE no block configures has nothing to run (e.g. `pes 4` with code for PE 0 only).
    pe.state = 'halted';
    pe.stopReason = 'no entry point';
  } else pe.pc = Number(BigInt.asIntN(64, entry));
  pe.nextPc = pe.pc;

  // PSTATE.SP first: a plain `sp = …` writes the SP selected by it.
  for (const d of decls) for (const r of d.registers) if (r.name === 'pstate.sp' && r.value.value !== undefined) pe.spsel = Number(r.value.value & 1n);
  for (const d of decls) {
    for (const r of d.registers) {
      const v = r.value.value;
      if (v === undefined) continue;
      setRegister(pe, r.name, v);
    }
  }
}

/** Write one register by its scenario name (raw storage, no traps). Throws InitError for an unknown name. */
export function setRegister(pe: Pe, name: string, v: bigint): void {
  const n = name.toLowerCase();
  let m: RegExpMatchArray | null;
  if ((m = n.match(/^x(\d+)$/)) && Number(m[1]) <= 30) return pe.setXBig(Number(m[1]), v);
  if ((m = n.match(/^w(\d+)$/)) && Number(m[1]) <= 30) return pe.setXBig(Number(m[1]), v & 0xffffffffn);
  if (n === 'sp') return pe.setSp(pe.spsel === 0 ? 0 : pe.el, v);
  if ((m = n.match(/^sp_el([0-3])$/))) return pe.setSp(Number(m[1]), v);
  if (n === 'pc') {
    pe.pc = Number(BigInt.asIntN(64, v));
    pe.nextPc = pe.pc;
    return;
  }
  if (n.startsWith('pstate.')) {
    const f = n.slice(7);
    const x = Number(BigInt.asUintN(32, v));
    switch (f) {
      case 'daif':
        // `pstate.daif = 0b1111` (D,A,I,F as bits 3..0) or the DAIF register form (bits [9:6]).
        return pe.setDaif(x <= 0xf ? DAIF_FLAGS.place(x) : x);
      case 'nzcv':
        return pe.setNzcv(x <= 0xf ? NZCV_FLAGS.place(x) : x);
      case 'd':
      case 'a':
      case 'i':
      case 'f':
      case 'n':
      case 'z':
      case 'c':
      case 'v':
        pe[f] = x & 1;
        return;
      case 'sp':
      case 'spsel':
        pe.spsel = x & 1;
        return;
      case 'el':
        if (x > 3) throw new InitError(`pstate.el must be 0..3, got ${x}`);
        pe.el = x as Pe['el'];
        return;
      default:
        throw new InitError(`unknown PSTATE field '${name}'`);
    }
  }
  // PSTATE fields accessed as special-purpose registers (register form: NZCV [31:28], DAIF [9:6]; Arm ARM C5.2).
  switch (n) {
    case 'nzcv':
      return pe.setNzcv(Number(BigInt.asUintN(32, v)));
    case 'daif':
      return pe.setDaif(Number(BigInt.asUintN(32, v)));
    case 'spsel':
      pe.spsel = Number(v & 1n);
      return;
    case 'currentel':
      throw new InitError("CurrentEL is read-only: set the exception level with 'el N'");
  }
  const storage = sysregStorage(n);
  if (storage === undefined) throw new InitError(`unknown register '${name}'`);
  pe.writeSysreg(storage, v);
}

/**
 * The system-register storage a scenario name refers to, from the register
 * table: the canonical name, or for an `_EL12`/`_EL02` alias the register it
 * reaches (Arm ARM D5.11 "Virtualization Host Extensions"). Undefined when the
 * table does not know the name.
 */
export function sysregStorage(name: string): string | undefined {
  const def = findRegister(name);
  if (def === undefined) return undefined;
  return def.vhe?.aliasOf ?? def.name;
}

/** Read one register by its scenario/expectation name. Undefined for an unknown name. */
export function getRegister(pe: Pe, name: string): bigint | undefined {
  const n = name.toLowerCase();
  let m: RegExpMatchArray | null;
  if ((m = n.match(/^x(\d+)$/)) && Number(m[1]) <= 30) return pe.getX(Number(m[1]));
  if ((m = n.match(/^w(\d+)$/)) && Number(m[1]) <= 30) return pe.getX(Number(m[1])) & 0xffffffffn;
  if (n === 'xzr' || n === 'wzr') return 0n;
  if (n === 'sp') return pe.getSp(pe.spsel === 0 ? 0 : pe.el);
  if ((m = n.match(/^sp_el([0-3])$/))) return pe.getSp(Number(m[1]));
  if (n === 'pc') return pe.getPc();
  if (n.startsWith('pstate.')) {
    switch (n.slice(7)) {
      case 'daif':
        return BigInt(DAIF_FLAGS.of(pe.daif()));
      case 'nzcv':
        return BigInt(NZCV_FLAGS.of(pe.nzcv()));
      case 'd':
        return BigInt(pe.d);
      case 'a':
        return BigInt(pe.a);
      case 'i':
        return BigInt(pe.i);
      case 'f':
        return BigInt(pe.f);
      case 'n':
        return BigInt(pe.n);
      case 'z':
        return BigInt(pe.z);
      case 'c':
        return BigInt(pe.c);
      case 'v':
        return BigInt(pe.v);
      case 'sp':
      case 'spsel':
        return BigInt(pe.spsel);
      case 'el':
        return BigInt(pe.el);
      default:
        return undefined;
    }
  }
  switch (n) {
    case 'nzcv':
      return BigInt(pe.nzcv());
    case 'daif':
      return BigInt(pe.daif());
    case 'spsel':
      return BigInt(pe.spsel);
    case 'currentel':
      return BigInt(pe.el << 2);
  }
  const storage = sysregStorage(n);
  return storage === undefined ? undefined : pe.readSysreg(storage);
}
