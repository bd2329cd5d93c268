/**
 * Where blocks land: no two blocks may share addresses, and blocks should be
 * inside the memory the system declares.
 */
import { hex } from '../util/hex';
import type { CodeInternals, ParseState } from './state';

/**
 * Overlapping blocks (error naming both) and blocks outside every declared memory region (warning).
 *
 * One sweep over the blocks sorted by address: each block is compared with the
 * block reaching furthest among those before it, so N blocks at one address
 * give N-1 diagnostics in O(N log N), not N(N-1)/2 pairs.
 */
export function checkPlacement(st: ParseState): void {
  const placed = st.code.filter((c) => c.start !== undefined && c.end !== undefined && c.end > c.start);
  const order = new Map(st.code.map((c, i) => [c, i]));
  const sorted = [...placed].sort((a, b) => (a.start! < b.start! ? -1 : a.start! > b.start! ? 1 : order.get(a)! - order.get(b)!));
  const describe = (c: CodeInternals): string => `${c.block.kind}${c.block.name ? ` '${c.block.name}'` : ''} block at ${hex(c.start!)}-${hex(c.end! - 1n)}`;
  let reach: CodeInternals | undefined;
  for (const c of sorted) {
    if (reach !== undefined && c.start! < reach.end!) {
      const [first, second] = order.get(reach)! < order.get(c)! ? [reach, c] : [c, reach];
      st.rep.error(second.headerRange, `${describe(second)} overlaps ${describe(first)}`, 'overlapping-blocks', [
        { range: first.headerRange, message: `the other block: ${describe(first)}` },
      ]);
    }
    if (reach === undefined || c.end! > reach.end!) reach = c;
  }
  // At most MAX_MEMORY_REGIONS regions (systemBlock.ts): this loop is linear in the blocks.
  const mem = st.model.system.memory;
  if (mem.length === 0) return;
  for (const c of placed) {
    const inside = mem.some((m) => c.start! >= m.base && c.end! <= m.base + m.size);
    if (!inside) {
      const regions = mem.map((m) => `${m.name} ${hex(m.base)}-${hex(m.base + m.size - 1n)}`).join(', ');
      st.rep.warning(c.headerRange, `${describe(c)} is outside every declared memory region (${regions})`, 'outside-memory');
    }
  }
}

