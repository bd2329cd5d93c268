/**
 * The `gic { … }` scenario block: where the GIC's frames are and how the
 * firmware left it configured (docs/language.md "Interrupts").
 *
 *   gic {
 *     distributor at 0x2f00_0000            // GICD_* frame (default: FVP Base 0x2f00_0000)
 *     redistributors at 0x2f10_0000         // first GICR_* frame, 0x2_0000 per PE (default 0x2f10_0000)
 *     enable group0 group1s group1ns        // GICD_CTLR.EnableGrp0/EnableGrp1S/EnableGrp1NS
 *     interrupt 33 group 1s priority 0x40 target pe 1 level enabled
 *     interrupt 27 group 1ns priority 0xa0 pe 0-1 enabled      // SGI/PPI: which redistributors (default: all)
 *   }
 *
 * The same parser serves the machine and the editor (scenario pass `gic`).
 */
import type { LanguageExtension } from '../scenario/keywords';
import type { Diagnostic, GenericBlock, ScenarioModel, SourceRange } from '../scenario/model';
import { hex, parseInteger } from '../util/hex';
import { GICD_SIZE, GICR_STRIDE } from './state';
import { PPI_LAST, SPI_LAST, type InterruptGroup } from './types';

/** FVP Base platform layout (TF-A plat/arm/board/fvp: PLAT_ARM_GICD_BASE, PLAT_ARM_GICR_BASE). */
export const DEFAULT_GICD_BASE = 0x2f00_0000;
export const DEFAULT_GICR_BASE = 0x2f10_0000;

export interface InterruptDecl {
  intid: number;
  group?: InterruptGroup;
  priority?: number;
  /** SPI: route to this PE (IRM=0); 'any': IRM=1. */
  target?: number | 'any';
  /** SGI/PPI: the redistributors configured (default: all PEs). */
  pes?: number[];
  edge?: boolean;
  enabled?: boolean;
  pending?: boolean;
  line: number;
}

export interface GicConfig {
  distributorBase: number;
  redistributorBase: number;
  /** True when a `gic` block placed the frames (then overlaps are errors, not silently unmapped). */
  explicit: boolean;
  enableGroups: { g0: boolean; g1s: boolean; g1ns: boolean };
  interrupts: InterruptDecl[];
}

type Word = { text: string; range: SourceRange };

function number(model: ScenarioModel, w: Word | undefined): bigint | undefined {
  if (w === undefined) return undefined;
  const v = parseInteger(w.text);
  if (v !== undefined) return v;
  const sym = model.constants.get(w.text) ?? model.symbols.get(w.text);
  return sym?.value;
}

/** Parse the `gic` blocks of a model; problems go to `diags` when given. */
export function parseGicConfig(model: ScenarioModel, diags?: Diagnostic[]): GicConfig {
  const cfg: GicConfig = {
    distributorBase: DEFAULT_GICD_BASE,
    redistributorBase: DEFAULT_GICR_BASE,
    explicit: false,
    enableGroups: { g0: false, g1s: false, g1ns: false },
    interrupts: [],
  };
  const pes = model.system.pes;
  const err = (range: SourceRange, message: string, rule = 'gic'): void => {
    diags?.push({ range, severity: 'error', message, rule });
  };
  const blocks: GenericBlock[] = model.blocks.filter((b) => b.keyword === 'gic');
  for (const b of blocks) {
    if (blocks.length > 1 && b !== blocks[0]) err(b.range, "only one 'gic' block is allowed", 'duplicate');
    for (const a of b.args) err(a.range, `unexpected '${a.text}' after 'gic' (settings go inside the block)`);
    for (const st of b.body) {
      const w = st.words;
      if (w.length === 0) continue;
      const head = w[0].text.toLowerCase();
      switch (head) {
        case 'distributor':
        case 'redistributors': {
          const at = w[1]?.text.toLowerCase() === 'at' ? 2 : 1;
          const v = number(model, w[at]);
          if (v === undefined) {
            err(w[at]?.range ?? w[0].range, `expected an address after '${head}${at === 2 ? ' at' : ''}'`);
            break;
          }
          if ((v & 0xffffn) !== 0n) err(w[at].range, `the ${head} frame must be 64 KB aligned, got ${hex(v)}`, 'gic-misaligned');
          if (head === 'distributor') cfg.distributorBase = Number(v);
          else cfg.redistributorBase = Number(v);
          cfg.explicit = true;
          if (w.length > at + 1) err(w[at + 1].range, `unexpected '${w[at + 1].text}'`);
          break;
        }
        case 'enable':
          if (w.length === 1) err(w[0].range, "expected groups after 'enable': group0, group1s, group1ns");
          for (const g of w.slice(1)) {
            const t = g.text.toLowerCase();
            if (t === 'group0') cfg.enableGroups.g0 = true;
            else if (t === 'group1s') cfg.enableGroups.g1s = true;
            else if (t === 'group1ns') cfg.enableGroups.g1ns = true;
            else err(g.range, `unknown group '${g.text}' (expected group0, group1s or group1ns)`);
          }
          break;
        case 'interrupt': {
          const d = parseInterrupt(model, w, pes, err);
          if (d !== undefined) cfg.interrupts.push({ ...d, line: st.range.start.line });
          break;
        }
        default:
          err(w[0].range, `unknown gic setting '${w[0].text}' (expected distributor, redistributors, enable or interrupt)`);
      }
    }
  }
  if (diags !== undefined) checkPlacement(model, cfg, blocks[0], diags);
  return cfg;
}

function parseInterrupt(model: ScenarioModel, w: Word[], pes: number, err: (r: SourceRange, m: string, rule?: string) => void): Omit<InterruptDecl, 'line'> | undefined {
  const idv = number(model, w[1]);
  if (idv === undefined) {
    err(w[1]?.range ?? w[0].range, "expected an INTID after 'interrupt'");
    return undefined;
  }
  if (idv < 0n || idv > BigInt(SPI_LAST)) {
    err(w[1].range, `INTID ${idv} is out of range (0-${SPI_LAST}: SGIs 0-15, PPIs 16-31, SPIs 32-${SPI_LAST})`, 'out-of-range');
    return undefined;
  }
  const d: Omit<InterruptDecl, 'line'> = { intid: Number(idv) };
  const banked = d.intid <= PPI_LAST;
  for (let i = 2; i < w.length; i++) {
    const t = w[i].text.toLowerCase();
    switch (t) {
      case 'group': {
        const g = w[++i]?.text.toLowerCase();
        if (g === '0' || g === '1s' || g === '1ns') d.group = g;
        else err(w[i]?.range ?? w[i - 1].range, "expected 0, 1s or 1ns after 'group'");
        break;
      }
      case 'priority': {
        const v = number(model, w[++i]);
        if (v === undefined || v < 0n || v > 0xffn) err(w[i]?.range ?? w[i - 1].range, "expected a priority 0-0xff after 'priority'", 'out-of-range');
        else d.priority = Number(v);
        break;
      }
      case 'target': {
        if (banked) err(w[i].range, `INTID ${d.intid} is ${d.intid <= 15 ? 'an SGI' : 'a PPI'}: it is banked per PE, use 'pe N' or 'pe N-M' instead of 'target'`);
        if (w[i + 1]?.text.toLowerCase() === 'any') {
          i++;
          d.target = 'any';
          break;
        }
        if (w[i + 1]?.text.toLowerCase() === 'pe') i++;
        const v = number(model, w[++i]);
        if (v === undefined || v < 0n || v >= BigInt(pes)) err(w[i]?.range ?? w[i - 1].range, `expected a PE number 0-${pes - 1} or 'any' after 'target'`, 'out-of-range');
        else d.target = Number(v);
        break;
      }
      case 'pe': {
        const r = w[++i];
        const m = r ? /^(\d+)(?:-(\d+))?$/.exec(r.text) : null;
        if (!m) {
          err(r?.range ?? w[i - 1].range, "expected 'pe N' or 'pe N-M'");
          break;
        }
        const lo = Number(m[1]);
        const hi = m[2] === undefined ? lo : Number(m[2]);
        if (hi < lo || hi >= pes) {
          err(r.range, `PE range ${r.text} is outside 0-${pes - 1}`, 'out-of-range');
          break;
        }
        if (!banked) err(r.range, `INTID ${d.intid} is an SPI: use 'target pe N' to route it`);
        d.pes = Array.from({ length: hi - lo + 1 }, (_, k) => lo + k);
        break;
      }
      case 'edge':
      case 'level':
        if (d.intid <= 15 && t === 'level') err(w[i].range, 'SGIs are always edge-triggered');
        d.edge = t === 'edge';
        break;
      case 'enabled':
      case 'disabled':
        d.enabled = t === 'enabled';
        break;
      case 'pending':
        d.pending = true;
        break;
      default:
        err(w[i].range, `unknown interrupt attribute '${w[i].text}' (expected group, priority, target, pe, edge, level, enabled, disabled or pending)`);
    }
  }
  return d;
}

/** The GIC frames must not overlap declared memory or devices when a `gic` block places them. */
function checkPlacement(model: ScenarioModel, cfg: GicConfig, block: GenericBlock | undefined, diags: Diagnostic[]): void {
  if (!cfg.explicit || block === undefined) return;
  for (const [name, lo, size] of gicFrames(cfg, model.system.pes)) {
    for (const r of [...model.system.memory, ...model.system.devices]) {
      const b = Number(r.base);
      if (lo < b + Number(r.size) && b < lo + size) {
        diags.push({
          range: block.range,
          severity: 'error',
          message: `the GIC ${name} frame at ${hex(lo)} (size ${hex(size)}) overlaps '${r.name}' at ${hex(r.base)}`,
          rule: 'gic-overlap',
          related: [{ range: r.range, message: `'${r.name}' is declared here` }],
        });
      }
    }
  }
}

/** [name, base, size] of the distributor and redistributor regions. */
export function gicFrames(cfg: GicConfig, pes: number): [string, number, number][] {
  return [
    ['distributor', cfg.distributorBase, GICD_SIZE],
    ['redistributor', cfg.redistributorBase, GICR_STRIDE * pes],
  ];
}

/** `uart [NAME] input "…"` events must name a declared `uart`/`pl011` device. */
export function checkUartEvents(model: ScenarioModel, diags: Diagnostic[]): void {
  const uarts = model.system.devices.filter((d) => ['uart', 'pl011'].includes(d.model.toLowerCase()));
  for (const ev of model.events) {
    const a = ev.action;
    if (a.kind !== 'uart-input') continue;
    if (uarts.length === 0) {
      diags.push({ range: ev.range, severity: 'error', message: "no UART is declared (add 'device uart0 uart at ADDR size 0x1000 irq INTID' to system)", rule: 'unknown-device' });
    } else if (a.device !== undefined && !uarts.some((u) => u.name.toLowerCase() === a.device!.toLowerCase())) {
      diags.push({ range: ev.range, severity: 'error', message: `no UART named '${a.device}' (declared: ${uarts.map((u) => u.name).join(', ')})`, rule: 'unknown-device' });
    }
  }
}

/**
 * `irq INTID pe N` names a PE, but an SPI goes where GICD_IROUTER routes it:
 * warn when the `gic` block routes it elsewhere (or leaves it at the reset
 * routing, PE 0), since the event alone does not decide the target.
 */
export function checkIrqEvents(model: ScenarioModel, cfg: GicConfig, diags: Diagnostic[]): void {
  for (const ev of model.events) {
    const a = ev.action;
    if (a.kind !== 'irq' || a.pe === undefined || a.intid < 32) continue;
    const decl = cfg.interrupts.filter((d) => d.intid === a.intid && d.target !== undefined).pop();
    const target = decl?.target ?? 0;
    if (target === a.pe) continue;
    const hint = decl === undefined ? ` (the GICD_IROUTER reset value; add 'interrupt ${a.intid} target pe ${a.pe}' to the gic block)` : '';
    const where = target === 'any' ? "'target any' (1 of N)" : `PE ${target}${hint}`;
    diags.push({
      range: ev.range,
      severity: 'warning',
      message: `SPI ${a.intid} is routed by GICD_IROUTER, not by the event: it goes to ${where}, not PE ${a.pe}`,
      rule: 'irq-routing',
    });
  }
}

/** The `gic` block and the parse-time checks of it and of `irq`/`uart` events (scenario/keywords.ts). */
export const GIC_LANGUAGE: LanguageExtension = {
  name: 'gic',
  blocks: ['gic'],
  pass: (model) => {
    const cfg = parseGicConfig(model, model.diagnostics);
    checkUartEvents(model, model.diagnostics);
    checkIrqEvents(model, cfg, model.diagnostics);
  },
};
