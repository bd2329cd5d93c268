/**
 * Everything a consumer can read from a model, as plain comparable data (the
 * incremental paths' property tests compare it with a full parse's).
 */
import type { ScenarioModel, SourceRange } from '../../simulator/scenario/model';

const r = (x: SourceRange) => `${x.start.line}:${x.start.col}-${x.end.line}:${x.end.col}`;
const hexBytes = (b: Uint8Array) => Buffer.from(b).toString('hex');

export function normalize(m: ScenarioModel): unknown {
  return {
    title: m.title,
    text: m.text,
    system: { ...m.system, settings: [...m.system.settings.entries()].map(([k, v]) => [k, v.args, v.range && r(v.range)]) },
    pes: m.pes,
    code: m.code.map((b) => ({ kind: b.kind, name: b.name, base: b.base.value, el: b.el, range: r(b.range), lines: b.lines })),
    symbols: [...m.symbols.values()].map((s) => [s.name, s.kind, s.value, r(s.range)]),
    constants: [...m.constants.keys()],
    events: m.events,
    expectations: m.expectations,
    blocks: m.blocks,
    instrs: [...m.program.instrs.entries()].map(([pc, i]) => [pc, i.mnemonic, i.text, i.encoding, i.line]).sort((a, b) => Number(a[0]) - Number(b[0])),
    chunks: m.program.chunks.map((c) => [c.address, hexBytes(c.bytes), c.line]),
    lineOf: [...m.program.lineOf.entries()].sort((a, b) => a[0] - b[0]),
    diagnostics: m.diagnostics.map((d) => [r(d.range), d.severity, d.rule, d.message, d.suggestion, (d.related ?? []).map((x) => [r(x.range), x.message])]),
    refs: (m.refs ?? []).map((x) => [x.name, r(x.range)]),
  };
}
