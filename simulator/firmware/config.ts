/**
 * The firmware blocks of a scenario (docs/firmware.md):
 *
 *   firmware { monitor builtin; spmc builtin; ffa_version 1.1; nwd_id 0x0000; el3_interrupts 29 }
 *   spmc { tables 0x0610_0000 size 0x10_0000; memory_attributes normal_wb osh;
 *          barrier dsb ish; vtcr_el2 0x8005_3560; vhe off;
 *          direct_resp_interrupted error|ffa_interrupt; el0_tables private|shared }
 *   partition optee { id 0x8001; uuid …; el 1; vcpus 1; entry optee_entry;
 *          memory 0x0e10_0000 size 0x10_0000; rxtx TX RX [pages N]; interrupts 40;
 *          ns_interrupts signaled|managed_exit|queued; managed_exit_virq on|off;
 *          notifications on|off; messages receive|send|both }
 *
 * Parsed with the same expression evaluator as code (symbols, constants), so
 * `entry optee_entry` is a label. Problems become diagnostics with the range of
 * the offending word; the parse never throws.
 */
import { compose, VTCR_EL2 } from '../arch/registers/fields';
import { evaluateExpression } from '../isa/expr';
import { memAttrs, type MemAttrs, type Shareability, type Cacheability } from '../memory/attributes';
import type { Diagnostic, GenericBlock, ScenarioModel, SourceRange } from '../scenario/model';
import { hex } from '../util/hex';

export type DirectRespInterrupted = 'error' | 'ffa_interrupt';
export type NsInterruptAction = 'queued' | 'managed_exit' | 'signaled';

export interface RegionDecl {
  base: number;
  size: number;
}

export interface PartitionDecl {
  name: string;
  id: number;
  /** UUID as four little-endian 32-bit words, the way PARTITION_INFO_GET takes it in w1–w4. */
  uuid: [number, number, number, number];
  uuidText: string;
  el: 0 | 1;
  vcpus: number;
  entry: number;
  memory: RegionDecl[];
  /** Device regions from the manifest (e.g. the secure UART): mapped Device-nGnRnE, never executable. */
  devices: RegionDecl[];
  /** Initial stack pointer (SP_EL1, or SP_EL0 for an S-EL0 partition), if given. */
  stack?: number;
  rxtx?: { tx: number; rx: number; pages: number };
  interrupts: number[];
  nsInterrupts: NsInterruptAction;
  managedExitVirq: boolean;
  notifications: boolean;
  /** FF-A partition properties: direct request receipt / send (FF-A §6.2.1 partition info properties). */
  receive: boolean;
  send: boolean;
  range: SourceRange;
}

export interface FirmwareConfig {
  monitor: 'builtin' | 'none';
  spmc: 'builtin' | 'none';
  /** `spmc none`: the scenario's own SPMC at S-EL2 — its entry point and stack (the SPMD boots it and forwards FF-A calls). */
  spmcEntry?: number;
  spmcStack?: number;
  /** FF-A version the SPMC implements (major << 16 | minor). */
  ffaVersion: number;
  /** FF-A ID of the Normal-world endpoint (0 when there is no hypervisor: Hafnium's HF_HYPERVISOR_VM_ID). */
  nwdId: number;
  tables?: RegionDecl;
  /** Attributes of the SPMC's own accesses to its memory (stage-2 tables): its EL2 stage-1 mapping. */
  memoryAttributes: MemAttrs;
  /** Barrier after writing translation tables. */
  barrier: { kind: 'dsb' | 'dmb'; domain: string };
  vtcr: bigint;
  vhe: boolean;
  directRespInterrupted: DirectRespInterrupted;
  /** S-EL0 partitions: a private EL2&0 stage-1 table each (Hafnium), or the SPMC's own (the isolation hole). */
  el0Tables: 'private' | 'shared';
  /**
   * The platform's Group 0 interrupts (TF-A `PLAT_ARM_G0_IRQ_PROPS`): configured
   * as Group 0 at the highest priority at start, and the ones the EL3 platform
   * handler (`plat_spmd_handle_group0_interrupt`) handles; any other Group 0
   * interrupt reaching EL3 makes TF-A panic.
   */
  el3Interrupts: number[];
  partitions: PartitionDecl[];
}

/** Hafnium's VTCR_EL2 for a 32-bit IPA space: RES1, PS=48 bits, TG0=4K, SH0=Inner, ORGN0=IRGN0=WBWA, SL0=1, T0SZ=32. */
export const DEFAULT_VTCR = compose(VTCR_EL2, { T0SZ: 32, SL0: 1, IRGN0: 1, ORGN0: 1, SH0: 3, TG0: 0, PS: 5 });
/** FF-A v1.1. */
export const FFA_VERSION_1_1 = 0x1_0001;

export const FIRMWARE_KEYWORDS = ['firmware', 'spmc', 'partition'] as const;

type Word = { text: string; range: SourceRange };

class Reader {
  constructor(
    readonly model: ScenarioModel,
    readonly out: Diagnostic[],
  ) {}

  error(range: SourceRange, message: string, rule = 'firmware'): void {
    this.out.push({ range, severity: 'error', message, rule });
  }

  num(w: Word | undefined, what: string, at: SourceRange): number | undefined {
    if (w === undefined) {
      this.error(at, `expected ${what}`);
      return undefined;
    }
    const r = evaluateExpression(w.text, (n) => this.model.symbols.get(n)?.value ?? this.model.constants.get(n)?.value);
    if ('error' in r) {
      this.error(w.range, `${what}: ${r.error}`);
      return undefined;
    }
    if (r.value < 0n || r.value >= 1n << 53n) {
      this.error(w.range, `${what} ${hex(r.value)} is out of range`);
      return undefined;
    }
    return Number(r.value);
  }

  onOff(w: Word | undefined, at: SourceRange): boolean | undefined {
    const t = w?.text.toLowerCase();
    if (t === 'on' || t === 'true' || t === 'yes') return true;
    if (t === 'off' || t === 'false' || t === 'no') return false;
    this.error(w?.range ?? at, 'expected on or off');
    return undefined;
  }
}

/** Does the scenario use the firmware layer? */
export function usesFirmware(model: ScenarioModel): boolean {
  return model.blocks.some((b) => (FIRMWARE_KEYWORDS as readonly string[]).includes(b.keyword));
}

/** `normal_wb osh` → attributes (Normal cacheability nc|wt|wb; shareability nsh|ish|osh). */
function parseAttributes(words: Word[], rd: Reader, at: SourceRange): MemAttrs | undefined {
  let cache: Cacheability = 'wb';
  let sh: Shareability = 'ish';
  for (const w of words) {
    const t = w.text.toLowerCase();
    if (t === 'normal_wb') cache = 'wb';
    else if (t === 'normal_wt') cache = 'wt';
    else if (t === 'normal_nc') cache = 'nc';
    else if (t === 'nsh' || t === 'ish' || t === 'osh') sh = t;
    else {
      rd.error(w.range, `unknown attribute '${w.text}' (normal_wb, normal_wt, normal_nc; nsh, ish, osh)`);
      return undefined;
    }
  }
  if (words.length === 0) rd.error(at, 'expected attributes, e.g. normal_wb ish');
  return memAttrs('normal', { inner: cache, outer: cache, sh });
}

/** `486178e0-e7f8-11e3-bc5e-0002a5d5c51b` → words w1..w4 as Hafnium packs them (ffa_uuid_to_u64x2 / the four u32 in order). */
export function parseUuid(text: string): [number, number, number, number] | undefined {
  const hexs = text.replace(/-/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(hexs)) return undefined;
  const w: number[] = [];
  for (let i = 0; i < 4; i++) w.push(parseInt(hexs.slice(i * 8, i * 8 + 8), 16) >>> 0);
  return [w[0], w[1], w[2], w[3]];
}

function parseFfaVersion(text: string): number | undefined {
  const m = text.match(/^(\d+)\.(\d+)$/);
  if (!m) return undefined;
  return (Number(m[1]) << 16) | Number(m[2]);
}

/**
 * The firmware configuration of a model (diagnostics go to `out`). Returns
 * undefined when the scenario has no firmware blocks.
 */
export function parseFirmwareConfig(model: ScenarioModel, out: Diagnostic[] = []): FirmwareConfig | undefined {
  if (!usesFirmware(model)) return undefined;
  const rd = new Reader(model, out);
  const cfg: FirmwareConfig = {
    monitor: 'builtin',
    spmc: 'builtin',
    ffaVersion: FFA_VERSION_1_1,
    nwdId: 0,
    memoryAttributes: memAttrs('normal', { inner: 'wb', outer: 'wb', sh: 'ish' }),
    barrier: { kind: 'dsb', domain: 'ish' },
    vtcr: DEFAULT_VTCR,
    vhe: false,
    directRespInterrupted: 'ffa_interrupt',
    el0Tables: 'private',
    el3Interrupts: [],
    partitions: [],
  };
  for (const b of model.blocks) {
    if (b.keyword === 'firmware') parseFirmwareBlock(b, cfg, rd);
    else if (b.keyword === 'spmc') parseSpmcBlock(b, cfg, rd);
  }
  for (const b of model.blocks) if (b.keyword === 'partition') parsePartition(b, cfg, rd);
  // Cross-checks: unique IDs, memory for tables.
  const seen = new Map<number, PartitionDecl>();
  for (const p of cfg.partitions) {
    const prev = seen.get(p.id);
    if (prev) rd.error(p.range, `partition ${p.name}: FF-A ID ${hex(p.id, 4)} is already used by partition ${prev.name}`);
    seen.set(p.id, p);
    if (p.el === 0 && !cfg.vhe) rd.error(p.range, `partition ${p.name}: an S-EL0 partition needs the SPMC to run with VHE (spmc { vhe on }), as Hafnium requires`);
  }
  if (cfg.partitions.length > 0 && cfg.spmc === 'none') {
    rd.error(cfg.partitions[0].range, "partition blocks describe the built-in SPMC's partitions: they need `spmc builtin` (with `spmc none` your own SPMC manages its partitions)");
  }
  if (cfg.partitions.length > 0 && cfg.spmc === 'builtin' && cfg.tables === undefined) {
    const b = model.blocks.find((x) => x.keyword === 'spmc') ?? model.blocks.find((x) => x.keyword === 'partition')!;
    rd.error(b.range, "the built-in SPMC needs memory for the partitions' translation tables: spmc { tables ADDRESS size SIZE }");
  }
  return cfg;
}

function parseFirmwareBlock(b: GenericBlock, cfg: FirmwareConfig, rd: Reader): void {
  for (const st of b.body) {
    const [k, ...rest] = st.words;
    if (!k) continue;
    const v = rest[0];
    switch (k.text.toLowerCase()) {
      case 'monitor':
      case 'spmc': {
        const t = v?.text.toLowerCase();
        if (t !== 'builtin' && t !== 'none') rd.error(v?.range ?? k.range, `${k.text}: expected builtin or none`);
        else if (k.text.toLowerCase() === 'monitor') cfg.monitor = t;
        else cfg.spmc = t;
        break;
      }
      case 'spmc_entry':
      case 'spmc_stack': {
        const n = rd.num(v, k.text.toLowerCase() === 'spmc_entry' ? 'SPMC entry point' : 'SPMC stack', k.range);
        if (n !== undefined && k.text.toLowerCase() === 'spmc_entry') cfg.spmcEntry = n;
        else if (n !== undefined) cfg.spmcStack = n;
        break;
      }
      case 'ffa_version': {
        const ver = v ? parseFfaVersion(v.text) : undefined;
        if (ver === undefined || ![0x1_0000, 0x1_0001, 0x1_0002].includes(ver)) rd.error(v?.range ?? k.range, 'ffa_version: expected 1.0, 1.1 or 1.2');
        else cfg.ffaVersion = ver;
        break;
      }
      case 'nwd_id': {
        const id = rd.num(v, 'Normal-world endpoint ID', k.range);
        if (id !== undefined && (id > 0x7fff)) rd.error(v.range, 'a Normal-world endpoint ID has bit 15 clear (0x0000–0x7fff)');
        else if (id !== undefined) cfg.nwdId = id;
        break;
      }
      case 'el3_interrupts': {
        for (const w of rest) {
          if (w.text === ',') continue;
          const n = rd.num(w, 'interrupt ID', k.range);
          if (n !== undefined && n > 1019) rd.error(w.range, 'an interrupt ID is an SGI (0–15), PPI (16–31) or SPI (32–1019)');
          else if (n !== undefined && !cfg.el3Interrupts.includes(n)) cfg.el3Interrupts.push(n);
        }
        if (rest.length === 0) rd.error(k.range, 'el3_interrupts: expected one or more interrupt IDs');
        break;
      }
      default:
        rd.error(k.range, `firmware: unknown setting '${k.text}' (monitor, spmc, spmc_entry, spmc_stack, ffa_version, nwd_id, el3_interrupts)`);
    }
  }
}

function parseSpmcBlock(b: GenericBlock, cfg: FirmwareConfig, rd: Reader): void {
  for (const st of b.body) {
    const [k, ...rest] = st.words;
    if (!k) continue;
    const v = rest[0];
    switch (k.text.toLowerCase()) {
      case 'tables': {
        const base = rd.num(v, 'table memory address', k.range);
        if (rest[1]?.text.toLowerCase() !== 'size') {
          rd.error(rest[1]?.range ?? k.range, 'tables: expected `tables ADDRESS size SIZE`');
          break;
        }
        const size = rd.num(rest[2], 'table memory size', rest[1].range);
        if (base !== undefined && size !== undefined) {
          if (base % 4096 !== 0 || size % 4096 !== 0 || size === 0) rd.error(v.range, 'tables: address and size must be non-zero multiples of 4 KB');
          else cfg.tables = { base, size };
        }
        break;
      }
      case 'memory_attributes': {
        const a = parseAttributes(rest, rd, k.range);
        if (a) cfg.memoryAttributes = a;
        break;
      }
      case 'barrier': {
        const kind = v?.text.toLowerCase();
        const dom = rest[1]?.text.toLowerCase() ?? 'sy';
        if ((kind !== 'dsb' && kind !== 'dmb') || !['sy', 'ish', 'osh', 'nsh', 'ishst', 'oshst', 'nshst', 'st'].includes(dom)) rd.error(v?.range ?? k.range, 'barrier: expected dsb|dmb sy|ish|osh|nsh');
        else cfg.barrier = { kind, domain: dom };
        break;
      }
      case 'vtcr_el2': {
        const n = rd.num(v, 'VTCR_EL2 value', k.range);
        if (n !== undefined) cfg.vtcr = BigInt(n);
        break;
      }
      case 'vhe': {
        const on = rd.onOff(v, k.range);
        if (on !== undefined) cfg.vhe = on;
        break;
      }
      case 'direct_resp_interrupted': {
        const t = v?.text.toLowerCase();
        if (t !== 'error' && t !== 'ffa_interrupt') rd.error(v?.range ?? k.range, 'direct_resp_interrupted: expected error (Hafnium before commit 151c2e7f, 2023) or ffa_interrupt (later Hafnium)');
        else cfg.directRespInterrupted = t;
        break;
      }
      case 'el0_tables': {
        const t = v?.text.toLowerCase();
        if (t !== 'private' && t !== 'shared') rd.error(v?.range ?? k.range, 'el0_tables: expected private or shared');
        else cfg.el0Tables = t;
        break;
      }
      default:
        rd.error(k.range, `spmc: unknown setting '${k.text}' (tables, memory_attributes, barrier, vtcr_el2, vhe, direct_resp_interrupted, el0_tables)`);
    }
  }
}

function parsePartition(b: GenericBlock, cfg: FirmwareConfig, rd: Reader): void {
  const name = b.args[0]?.text;
  if (name === undefined) {
    rd.error(b.range, 'partition: expected a name, e.g. `partition optee { id 0x8001; entry optee_entry; … }`');
    return;
  }
  const p: PartitionDecl = {
    name,
    id: -1,
    uuid: [0, 0, 0, 0],
    uuidText: '00000000-0000-0000-0000-000000000000',
    el: 1,
    vcpus: 1,
    entry: -1,
    memory: [],
    devices: [],
    interrupts: [],
    nsInterrupts: 'signaled',
    managedExitVirq: false,
    notifications: false,
    receive: true,
    send: true,
    range: b.range,
  };
  for (const st of b.body) {
    const [k, ...rest] = st.words;
    if (!k) continue;
    const v = rest[0];
    switch (k.text.toLowerCase()) {
      case 'id': {
        const id = rd.num(v, 'FF-A partition ID', k.range);
        if (id !== undefined && (id < 0x8001 || id > 0xfffe)) rd.error(v.range, 'a secure partition ID has bit 15 set and is not 0x8000 (SPMC) or 0xffff (SPMD): 0x8001–0xfffe');
        else if (id !== undefined) p.id = id;
        break;
      }
      case 'uuid': {
        const u = v ? parseUuid(v.text) : undefined;
        if (!u) rd.error(v?.range ?? k.range, 'uuid: expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx');
        else {
          p.uuid = u;
          p.uuidText = v.text.toLowerCase();
        }
        break;
      }
      case 'el': {
        const el = rd.num(v, 'exception level', k.range);
        if (el !== 0 && el !== 1) rd.error(v?.range ?? k.range, 'el: a partition runs at S-EL1 (1) or S-EL0 (0)');
        else p.el = el;
        break;
      }
      case 'vcpus': {
        const n = rd.num(v, 'vCPU count', k.range);
        if (n !== undefined && (n < 1 || n > 64)) rd.error(v.range, 'vcpus: 1..64');
        else if (n !== undefined) p.vcpus = n;
        break;
      }
      case 'entry': {
        const e = rd.num(v, 'entry point', k.range);
        if (e !== undefined) p.entry = e;
        break;
      }
      case 'memory': {
        const base = rd.num(v, 'memory region address', k.range);
        if (rest[1]?.text.toLowerCase() !== 'size') {
          rd.error(rest[1]?.range ?? k.range, 'memory: expected `memory ADDRESS size SIZE`');
          break;
        }
        const size = rd.num(rest[2], 'memory region size', rest[1].range);
        if (base !== undefined && size !== undefined) {
          if (base % 4096 !== 0 || size % 4096 !== 0 || size === 0) rd.error(v.range, 'memory: address and size must be non-zero multiples of 4 KB (stage-2 pages)');
          else p.memory.push({ base, size });
        }
        break;
      }
      case 'device': {
        const base = rd.num(v, 'device region address', k.range);
        if (rest[1]?.text.toLowerCase() !== 'size') {
          rd.error(rest[1]?.range ?? k.range, 'device: expected `device ADDRESS size SIZE`');
          break;
        }
        const size = rd.num(rest[2], 'device region size', rest[1].range);
        if (base !== undefined && size !== undefined) {
          if (base % 4096 !== 0 || size % 4096 !== 0 || size === 0) rd.error(v.range, 'device: address and size must be non-zero multiples of 4 KB');
          else p.devices.push({ base, size });
        }
        break;
      }
      case 'stack': {
        const sp = rd.num(v, 'stack pointer', k.range);
        if (sp !== undefined) p.stack = sp;
        break;
      }
      case 'rxtx': {
        const tx = rd.num(v, 'TX buffer address', k.range);
        const rx = rd.num(rest[1], 'RX buffer address', k.range);
        let pages = 1;
        if (rest[2]?.text.toLowerCase() === 'pages') pages = rd.num(rest[3], 'page count', rest[2].range) ?? 1;
        if (tx !== undefined && rx !== undefined) {
          if (tx % 4096 !== 0 || rx % 4096 !== 0) rd.error(v.range, 'rxtx: buffers must be 4 KB aligned');
          else p.rxtx = { tx, rx, pages };
        }
        break;
      }
      case 'interrupts': {
        for (const w of rest) {
          if (w.text === ',') continue;
          const n = rd.num(w, 'interrupt ID', k.range);
          if (n !== undefined && (n < 16 || n > 1019)) rd.error(w.range, 'a device interrupt is a PPI (16–31) or SPI (32–1019)');
          else if (n !== undefined) p.interrupts.push(n);
        }
        break;
      }
      case 'ns_interrupts': {
        const t = v?.text.toLowerCase();
        if (t !== 'queued' && t !== 'managed_exit' && t !== 'signaled') rd.error(v?.range ?? k.range, 'ns_interrupts: queued, managed_exit or signaled (the manifest ns-interrupts-action)');
        else p.nsInterrupts = t;
        break;
      }
      case 'managed_exit_virq': {
        const on = rd.onOff(v, k.range);
        if (on !== undefined) p.managedExitVirq = on;
        break;
      }
      case 'notifications': {
        const on = rd.onOff(v, k.range);
        if (on !== undefined) p.notifications = on;
        break;
      }
      case 'messages': {
        const t = v?.text.toLowerCase();
        if (t === 'receive') [p.receive, p.send] = [true, false];
        else if (t === 'send') [p.receive, p.send] = [false, true];
        else if (t === 'both') [p.receive, p.send] = [true, true];
        else rd.error(v?.range ?? k.range, 'messages: receive, send or both');
        break;
      }
      default:
        rd.error(k.range, `partition: unknown setting '${k.text}' (id, uuid, el, vcpus, entry, memory, device, stack, rxtx, interrupts, ns_interrupts, managed_exit_virq, notifications, messages)`);
    }
  }
  if (p.id < 0) rd.error(b.args[0].range, `partition ${name}: missing 'id 0x8001…'`);
  if (p.entry < 0) rd.error(b.args[0].range, `partition ${name}: missing 'entry LABEL'`);
  if (p.memory.length === 0) rd.error(b.args[0].range, `partition ${name}: missing 'memory ADDRESS size SIZE' (what its stage 2 maps)`);
  if (p.id >= 0 && p.entry >= 0) cfg.partitions.push(p);
}
