/**
 * What the cases share: the memory they run in (QEMU virt RAM at 0x4000_0000,
 * see image.ts), `cache_model off` (QEMU has no cache model to compare with),
 * one PE with its vector tables at fixed addresses, and the translation set-ups
 * (scenario text, so every case stays one readable scenario).
 */
import type { Divergence, SystemCase } from '../case';

/** The `system` block of a case whose code and data live in the first MB of RAM. */
export const SYSTEM = `system {
  memory ram at 0x4000_0000 size 0x10_0000
  cache_model off
  max_steps 10_000
}`;

/** Scenario text: title, the shared system block, then the case's own blocks. */
export function scenario(title: string, body: string): string {
  return `scenario "${title}"\n\n${SYSTEM}\n\n${body.trim()}\n`;
}

/** VBAR_ELx of every case: a vector entry without code is where the PE stops (VBAR + 0x000 … 0x780). */
export const VBAR = { 1: '0x4000_8000', 2: '0x4000_9000', 3: '0x4000_a000' } as const;

/** TCR_EL1 (also TCR_EL2 with E2H=1): T0SZ=16 (48-bit VA, walk from level 0), IRGN0=ORGN0=WB, SH0=Inner, TG0=4 KB, EPD1=1, IPS=48 bits. */
export const TCR_48 = 'const TCR = 16 | (1 << 8) | (1 << 10) | (3 << 12) | (1 << 23) | (5 << 32)';

/** VTCR_EL2: T0SZ=16, SL0=2 (walk from level 0), IRGN0=ORGN0=WB, SH0=Inner, TG0=4 KB, PS=48 bits, RES1 bit 31. */
export const VTCR_48 = 'const VTCR = 16 | (2 << 6) | (1 << 8) | (1 << 10) | (3 << 12) | (5 << 16) | (1 << 31)';

/** TCR_EL2 (E2H=0) and TCR_EL3: T0SZ=25 (39-bit VA, walk from level 1), WB WB Inner, 4 KB, PS=48 bits, RES1 bits 31 and 23. */
export const TCR_SINGLE_REGIME = '25 | (1 << 8) | (1 << 10) | (3 << 12) | (5 << 16) | (1 << 23) | (1 << 31)';

/**
 * A stage-1 tree that maps the first 64 KB of RAM (code and vector tables) at
 * its own address, plus `maps`. Pool layout (docs/language.md "Page tables"):
 * for `t0sz 16` the code map takes the level 1, 2 and 3 tables at pool,
 * pool + 0x1000 and pool + 0x2000; later maps take the next ones.
 */
export function stage1Tree(maps: string, opts: { regime?: string; root?: string; pool?: string; t0sz?: number; codeAttrs?: string } = {}): string {
  const root = opts.root ?? '0x4001_0000';
  const pool = opts.pool ?? '0x4001_1000';
  return `pagetable s1 stage 1 regime ${opts.regime ?? 'el1'} at ${root} t0sz ${opts.t0sz ?? 16} pool ${pool} size 0x8000 {
  map 0x4000_0000 size 0x1_0000 to 0x4000_0000 normal_wb rw x pages${opts.codeAttrs ?? ''}
${maps}
}`;
}

/** A stage-2 tree at 0x4002_0000 mapping `size` bytes of RAM from 0x4000_0000 at their own address, plus `maps`. */
export function stage2Tree(maps: string, size = '0x1_0000'): string {
  return `pagetable s2 stage 2 at 0x4002_0000 t0sz 16 sl0 2 pool 0x4002_1000 size 0x8000 {
  map 0x4000_0000 size ${size} to 0x4000_0000 normal_wb s2ap rw pages
${maps}
}`;
}

/** PE lines: EL1&0 stage 1 on, with a tree of `stage1Tree` at `ttbr0` (SCTLR_EL1 is its reset value with M=1). */
export function el1MmuOn(ttbr0 = '0x4001_0000'): string {
  return `  mair_el1 = MAIR_DEFAULT
  tcr_el1 = TCR
  ttbr0_el1 = ${ttbr0}
  sctlr_el1 = 0x30d5_0801`;
}

/** PE lines: stage 2 on (HCR_EL2.RW, VM) with the tree of `stage2Tree`. */
export const STAGE2_ON = `  hcr_el2 = (1 << 31) | 1
  vtcr_el2 = VTCR
  vttbr_el2 = 0x4002_0000`;

export interface PeCase {
  name: string;
  title: string;
  el: 0 | 1 | 2 | 3;
  security?: 'secure' | 'nonsecure';
  /** More `pe 0` lines (register values). */
  setup?: string;
  /** Top-level blocks before `pe 0` (constants, page tables). */
  blocks?: string;
  /** The body of the code block at 0x4000_0000, after the `start:` label; it ends the case (`hlt` or a fault). */
  code: string;
  /** More blocks after the code (data, vector code). */
  after?: string;
  expect: string;
  focus: string[];
  divergences?: Divergence[];
}

/** The usual case: one PE at `el`, vector tables at VBAR, code at 0x4000_0000 from `start`. */
export function peCase(c: PeCase): SystemCase {
  const body = `
${c.blocks ?? ''}

pe 0 {
  el ${c.el}
  security ${c.security ?? 'nonsecure'}
  entry start
  vbar_el1 = ${VBAR[1]}
  vbar_el2 = ${VBAR[2]}
  vbar_el3 = ${VBAR[3]}
${c.setup ?? ''}
}

code at 0x4000_0000 {
start:
${c.code}
}
${c.after ?? ''}
expect {
${c.expect}
}`;
  return { name: c.name, focus: c.focus, divergences: c.divergences, scenario: scenario(c.title, body) };
}
