/**
 * Where blocks land: no two blocks may share addresses, and blocks should be
 * inside the memory the system declares.
 */
import { hex } from '../util/hex';
import type { CodeInternals, ParseState } from './state';

/** Overlapping blocks (error naming both) and blocks outside every declared memory region (warning). */
export function checkPlacement(st: ParseState): void {
  const placed = st.code.filter((c) => c.start !== undefined && c.end !== undefined && c.end > c.start);
  const sorted = [...placed].sort((a, b) => (a.start! < b.start! ? -1 : a.start! > b.start! ? 1 : 0));
  const describe = (c: CodeInternals): string => `${c.block.kind}${c.block.name ? ` '${c.block.name}'` : ''} block at ${hex(c.start!)}-${hex(c.end! - 1n)}`;
  for (let i = 0; i < sorted.length; i++) {
    for (let j = i + 1; j < sorted.length && sorted[j].start! < sorted[i].end!; j++) {
      const [first, second] = st.code.indexOf(sorted[i]) < st.code.indexOf(sorted[j]) ? [sorted[i], sorted[j]] : [sorted[j], sorted[i]];
      st.rep.error(second.headerRange, `${describe(second)} overlaps ${describe(first)}`, 'overlapping-blocks', [
        { range: first.headerRange, message: `the other block: ${describe(first)}` },
      ]);
    }
  }
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

