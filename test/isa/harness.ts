/**
 * A minimal machine for instruction-level tests: one PE, flat physical
 * memory, an identity MMU (PA = VA, Normal WB Inner Shareable), and a
 * SystemOps that records what it is asked to do and throws on anything a test
 * did not expect. Code is assembled with the real assembler (`assembleLine`),
 * its encodings are written to memory, and execution mirrors the engine's step.
 */
import { Pe, type PeEnvironment } from '../../simulator/pe/pe';
import { AccessType, type Mmu } from '../../simulator/mmu/types';
import { NORMAL_WB_ISH } from '../../simulator/memory/attributes';
import { FlatMemorySystem } from '../../simulator/memory/flat';
import type { BarrierDomain, BarrierKind, ExceptionGenerating, Hint, PstateField, SysregRef, SystemOps } from '../../simulator/pe/systemOps';
import type { Instr } from '../../simulator/isa/instr';
import { assembleLine, decodeInstruction, splitLine } from '../../simulator/isa/index';
import { SyncException } from '../../simulator/pe/exception';

export class IdentityMmu implements Mmu {
  translate(pe: Pe, va: number): void {
    pe.tPa = va;
    pe.tAttrs = NORMAL_WB_ISH;
  }
}

export type SysCall =
  | { op: 'mrs' | 'msr'; reg: string; rt: number; value?: bigint }
  | { op: 'msrImmediate'; field: PstateField; imm: number }
  | { op: 'exception'; kind: ExceptionGenerating; imm: number }
  | { op: 'eret' }
  | { op: 'hint'; kind: Hint }
  | { op: 'barrier'; kind: BarrierKind; domain: BarrierDomain }
  | { op: 'cache'; kind: 'dc' | 'ic'; name: string; rt: number | undefined }
  | { op: 'tlbi'; name: string; rt: number | undefined }
  | { op: 'at'; name: string; rt: number };

/**
 * Records system operations. `hlt` halts the PE (as the real system model does);
 * everything else is recorded and, unless `allow` says so, throws so that a test
 * notices an unexpected system operation.
 */
export class RecordingSystemOps implements SystemOps {
  readonly calls: SysCall[] = [];
  /** Ops a test expects (e.g. 'barrier', 'mrs'); others throw. 'hlt' is always allowed. */
  allow = new Set<SysCall['op']>();
  /** Values MRS returns, by register name. */
  readonly sysregs = new Map<string, bigint>();

  private check(call: SysCall): void {
    this.calls.push(call);
    if (!this.allow.has(call.op)) throw new Error(`unexpected system operation ${JSON.stringify(call, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString(16) : v))}`);
  }
  mrs(pe: Pe, reg: SysregRef, rt: number): void {
    this.check({ op: 'mrs', reg: reg.name, rt });
    pe.setXBig(rt, this.sysregs.get(reg.name) ?? 0n);
  }
  msr(pe: Pe, reg: SysregRef, rt: number): void {
    const value = pe.getX(rt);
    this.check({ op: 'msr', reg: reg.name, rt, value });
    this.sysregs.set(reg.name, value);
  }
  msrImmediate(_pe: Pe, field: PstateField, imm: number): void {
    this.check({ op: 'msrImmediate', field, imm });
  }
  exceptionGenerating(pe: Pe, kind: ExceptionGenerating, imm: number): void {
    if (kind === 'hlt') {
      this.calls.push({ op: 'exception', kind, imm });
      pe.state = 'halted';
      pe.stopReason = `hlt #${imm}`;
      return;
    }
    this.check({ op: 'exception', kind, imm });
  }
  eret(): void {
    this.check({ op: 'eret' });
  }
  hint(_pe: Pe, kind: Hint): void {
    this.check({ op: 'hint', kind });
  }
  barrier(_pe: Pe, kind: BarrierKind, domain: BarrierDomain): void {
    this.check({ op: 'barrier', kind, domain });
  }
  cacheMaintenance(_pe: Pe, kind: 'dc' | 'ic', name: string, rt: number | undefined): void {
    this.check({ op: 'cache', kind, name, rt });
  }
  tlbi(_pe: Pe, name: string, rt: number | undefined): void {
    this.check({ op: 'tlbi', name, rt });
  }
  addressTranslate(_pe: Pe, name: string, rt: number): void {
    this.check({ op: 'at', name, rt });
  }
}

export interface Diag {
  line: number;
  start: number;
  end: number;
  message: string;
  rule?: string;
  severity?: string;
}

export class TestMachine {
  readonly memory = new FlatMemorySystem();
  readonly sys = new RecordingSystemOps();
  readonly instrs = new Map<number, Instr>();
  readonly pe: Pe;
  readonly symbols = new Map<string, bigint>();
  diagnostics: Diag[] = [];

  constructor() {
    const env: PeEnvironment = {
      mmu: new IdentityMmu(),
      memory: this.memory,
      sys: this.sys,
      fetchInstr: (pa) => this.instrs.get(pa),
    };
    this.pe = new Pe(0, env);
    this.pe.el = 1;
    this.pe.spsel = 1;
  }

  /**
   * Assemble `source` at VA `base` (labels `name:`, `//` comments, `.quad`/`.word` data), write
   * encodings, data and literals (after the code) through the PE's MMU. Throws when anything is reported
   * unless `allowDiagnostics` is set.
   */
  load(source: string, base = 0x1000, opts: { allowDiagnostics?: boolean; el?: number } = {}): this {
    const lines = source.split('\n');
    // Pass 1: addresses of labels.
    let addr = base;
    const parsed: { lineNo: number; text: string; addr: number }[] = [];
    lines.forEach((raw, lineNo) => {
      let text = raw.replace(/\/\/.*$/, '');
      const lm = /^\s*([A-Za-z_.$][\w.$]*):/.exec(text);
      if (lm) {
        this.symbols.set(lm[1], BigInt(addr));
        text = text.slice(lm[0].length);
      }
      if (text.trim() === '') return;
      const eq = /^\s*\.equ\s+(\w+)\s*,\s*(.*)$/.exec(text);
      if (eq) {
        this.symbols.set(eq[1], BigInt(eq[2]));
        return;
      }
      parsed.push({ lineNo, text, addr });
      addr += /^\s*\.quad/.test(text) ? 8 : 4;
    });
    let pool = (addr + 7) & ~7;
    for (const p of parsed) {
      const data = /^\s*\.(quad|word)\s+(.*)$/.exec(p.text);
      if (data) {
        const v = BigInt(data[2].trim());
        this.pe.store(p.addr, data[1] === 'quad' ? 8 : 4, Number(BigInt.asUintN(32, v)), Number(BigInt.asUintN(64, v) >> 32n));
        continue;
      }
      const line = splitLine(p.text, p.lineNo);
      const instr = assembleLine(line, {
        pc: BigInt(p.addr),
        el: opts.el,
        resolve: (name) => this.symbols.get(name),
        literal: (value, size) => {
          pool = (pool + size - 1) & ~(size - 1);
          const at = pool;
          this.pe.store(at, size, Number(value & 0xffffffffn), Number(value >> 32n));
          pool += size;
          return BigInt(at);
        },
        report: (range, message, rule, severity) =>
          this.diagnostics.push({ line: range.start.line, start: range.start.col, end: range.end.col, message, rule, severity }),
      });
      if (instr) {
        this.instrs.set(p.addr, instr);
        this.pe.store(p.addr, 4, instr.encoding!, 0);
      }
    }
    if (!opts.allowDiagnostics && this.diagnostics.some((d) => d.severity !== 'warning'))
      throw new Error(`assembly failed: ${this.diagnostics.map((d) => `${d.line}:${d.start}: ${d.message}`).join('; ')}`);
    this.pe.pc = base;
    return this;
  }

  /** Execute one instruction as the engine does (no exception entry: SyncException propagates to the test). */
  step(): void {
    const pe = this.pe;
    let instr = this.instrs.get(pe.pc);
    if (instr === undefined) {
      // Code written at run time: decode from memory.
      pe.env.mmu.translate(pe, pe.pc, 4, AccessType.Fetch);
      this.memory.read(pe, pe.tPa, 4, pe.tAttrs);
      instr = decodeInstruction(pe.ldLo, BigInt(pe.pc));
      if (!instr) throw new Error(`no instruction at 0x${pe.pc.toString(16)}`);
    }
    pe.nextPc = pe.pc + 4;
    instr.exec(pe);
    pe.pc = pe.nextPc;
    pe.instret++;
  }

  /** Run until `hlt` (or `maxSteps`). Returns the number of steps. */
  run(maxSteps = 100000): number {
    const pe = this.pe;
    let n = 0;
    while (pe.state === 'running' && n < maxSteps) {
      this.step();
      n++;
    }
    if (pe.state === 'running') throw new Error(`did not halt within ${maxSteps} steps (pc 0x${pe.pc.toString(16)})`);
    return n;
  }

  x(n: number): bigint {
    return this.pe.getX(n);
  }
  setX(n: number, v: bigint): void {
    this.pe.setXBig(n, v);
  }
  nzcv(): string {
    const p = this.pe;
    return `${p.n ? 'N' : 'n'}${p.z ? 'Z' : 'z'}${p.c ? 'C' : 'c'}${p.v ? 'V' : 'v'}`;
  }
  read(addr: number, size: 1 | 2 | 4 | 8): bigint {
    this.memory.read(this.pe, addr, size, NORMAL_WB_ISH);
    return (BigInt(this.pe.ldHi >>> 0) << 32n) | BigInt(this.pe.ldLo >>> 0);
  }
  write(addr: number, size: 1 | 2 | 4 | 8, v: bigint): void {
    const u = BigInt.asUintN(64, v);
    this.memory.write(undefined, addr, size, Number(u & 0xffffffffn), Number(u >> 32n), NORMAL_WB_ISH);
  }
}

/** Assemble and run `source` (must end in hlt) with registers preset; returns the machine. */
export function runSnippet(source: string, regs: Record<number, bigint> = {}, setup?: (m: TestMachine) => void): TestMachine {
  const m = new TestMachine();
  m.load(source);
  for (const [k, v] of Object.entries(regs)) m.setX(Number(k), v);
  m.pe.setSp(1, 0x80000n);
  setup?.(m);
  m.run();
  return m;
}

export { SyncException };
