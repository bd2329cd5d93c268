/**
 * Human-readable text for `armscope run` and `armscope demo`: per-PE final
 * state, faults with their ESR decoded from the register table, each
 * expectation held/failed with its line, findings. Lines are printed 1-based.
 */
import { esrSummary } from '../arch';
import { keptSummary } from '../engine/bounds';
import type { RunReport } from '../engine/report';
import type { FaultRecord } from '../trace/events';
import { hex } from '../util/hex';

export function faultLine(f: FaultRecord): string {
  const what =
    f.kind !== undefined
      ? `${f.kind} fault${f.stage !== undefined ? ` stage ${f.stage}` : ''}${f.level !== undefined ? ` level ${f.level}` : ''}`
      : `${f.type === 'sync' ? 'exception' : f.type.toUpperCase()}`;
  const where = f.line !== undefined ? `line ${f.line + 1}` : `pc ${hex(f.pc)}`;
  let s = `PE ${f.pe}: ${what}, EL${f.fromEl} → EL${f.el} at ${where} (step ${f.step})`;
  // The ESR's meaning comes from the register table (simulator/arch esrSummary): one source of truth.
  if (f.type === 'sync' || f.type === 'serror') s += `\n      ESR_EL${f.el} ${hex(f.esr, 8)}: ${esrSummary(f.esr)}`;
  if (f.far !== undefined && f.kind !== undefined) s += `\n      FAR_EL${f.el} ${hex(f.far)}`;
  if (f.ipa !== undefined) s += `  IPA ${hex(f.ipa)}`;
  if (f.pa !== undefined) s += `  PA ${hex(f.pa)}`;
  if (f.reason) s += `\n      ${f.reason}`;
  if (!f.handled) s += `\n      no handler: the PE stopped`;
  return s;
}

export function formatReport(r: RunReport): string {
  const out: string[] = [];
  out.push(`${r.title ? `scenario "${r.title}" — ` : ''}${r.file}`);
  if (r.result === 'error') {
    out.push('not run: the scenario has errors (see `armscope check`)');
    return out.join('\n');
  }
  out.push(`${r.stop.reason} after ${r.steps} steps`);
  out.push('');
  for (const p of r.pes) {
    const at = `${hex(p.pc)}${p.line !== undefined ? ` (line ${p.line + 1})` : ''}`;
    out.push(`PE ${p.id}  EL${p.el}  ${p.state}${p.stopReason ? `: ${p.stopReason}` : ''}  pc ${at}  ${p.instret} instructions`);
    const regs: string[] = [];
    p.x.forEach((v, i) => {
      if (v !== 0n) regs.push(`x${i}=${hex(v)}`);
    });
    if (p.sp !== 0n) regs.push(`sp=${hex(p.sp)}`);
    regs.push(`nzcv=${p.nzcv.toString(2).padStart(4, '0')}`, `daif=${p.daif.toString(2).padStart(4, '0')}`);
    for (let i = 0; i < regs.length; i += 6) out.push('    ' + regs.slice(i, i + 6).join('  '));
  }
  for (const [dev, text] of Object.entries(r.output)) {
    out.push('');
    out.push(`${dev} output:`);
    for (const l of text.replace(/\n$/, '').split('\n')) out.push(`    ${l}`);
  }
  const traps = r.exceptions.filter((e) => e.kind === undefined);
  // Records past the run's bound are counted, not kept (engine/bounds.ts): say so next to what is listed.
  const dropped = (['exceptions', 'faults', 'findings'] as const)
    .map((k) => ({ k, s: keptSummary(r.recordTotals[k], r[k].length) }))
    .filter((x) => x.s !== undefined);
  if (dropped.length > 0) {
    out.push('');
    for (const d of dropped) out.push(`Too many ${d.k} to keep: ${d.s}`);
  }
  if (r.faults.length > 0) {
    out.push('');
    out.push(`Faults (${r.faults.length}):`);
    for (const f of r.faults) out.push('  ' + faultLine(f));
  }
  if (traps.length > 0) {
    out.push('');
    out.push(`Other exceptions taken (${traps.length}):`);
    for (const f of traps.slice(0, 20)) out.push('  ' + faultLine(f));
    if (traps.length > 20) out.push(`  … and ${traps.length - 20} more`);
  }
  if (r.firmwareCalls && r.firmwareCalls.length > 0) {
    // The built-in firmware's calls (docs/firmware.md): who called what, with which arguments, and what came back.
    const calls = r.firmwareCalls;
    out.push('');
    out.push(`Firmware calls (${calls.length}${calls.length >= 500 ? ', the last 500' : ''}):`);
    const id = (v: number | undefined): string => (v === undefined ? '?' : hex(v, 4));
    const shown = calls.length > 40 ? [...calls.slice(0, 20), undefined, ...calls.slice(-20)] : calls;
    for (const c of shown) {
      if (c === undefined) {
        out.push(`  … ${calls.length - 40} more`);
        continue;
      }
      const args = c.args.slice(0, 4).map((a, i) => `x${i + 1}=${hex(BigInt(a))}`).join(' ');
      out.push(`  PE ${c.pe} step ${c.step}${c.line !== undefined ? ` line ${c.line + 1}` : ''}: ${id(c.caller)} → ${id(c.callee)} ${c.function}(${args}) → ${c.result}`);
      if (c.detail) out.push(`      ${c.detail}`);
    }
  }
  if (r.findings.length > 0) {
    out.push('');
    out.push(`Findings (${r.findings.length}):`);
    for (const f of r.findings) {
      const where = f.line !== undefined ? ` line ${f.line + 1}` : '';
      const rel = f.related.length ? ` (related: ${f.related.map((l) => `line ${l + 1}`).join(', ')})` : '';
      out.push(`  ${f.severity} [${f.rule}]${where}: ${f.message}${rel}`);
    }
  }
  if (r.caches && r.caches.length > 0) {
    out.push('');
    const valid = r.caches.filter((c) => c.lines.length > 0);
    out.push(valid.length === 0 ? `Caches: ${r.caches.map((c) => c.name).join(', ')} hold no valid lines` : 'Caches:');
    for (const c of valid) {
      out.push(`  ${c.name}: ${c.lines.length} valid line(s)`);
      for (const l of c.lines.slice(0, 16)) out.push(`    ${hex(l.pa)} ${l.state} ${l.attrs}`);
    }
  }
  if (r.evictions && r.evictions.length > 0) {
    out.push('');
    out.push('Evictions of lines the findings and expectations are about (an eviction can hide an effect):');
    for (const e of r.evictions.slice(0, 16)) {
      out.push(`  step ${e.step}: ${e.cache} evicted ${hex(e.pa)} (${e.attrs}${e.dirty ? ', dirty: written back' : ', clean'}) — ${e.about}`);
    }
    if (r.evictions.length > 16) out.push(`  … ${r.evictions.length - 16} more`);
  }
  out.push('');
  if (r.expectations.length === 0) out.push('Expectations: none');
  else {
    out.push('Expectations:');
    for (const e of r.expectations) {
      const verdict = e.undecided ? 'open  ' : e.held ? 'held  ' : 'FAILED';
      out.push(`  ${verdict} line ${e.line + 1}: ${e.text}${e.held && !e.undecided ? '' : `  — ${e.detail}`}`);
    }
  }
  const held = r.expectations.filter((e) => e.held).length;
  out.push('');
  out.push(`Result: ${r.result.toUpperCase()} (${held}/${r.expectations.length} expectations held)`);
  return out.join('\n');
}
