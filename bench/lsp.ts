/**
 * Language-server latency (issue #5 targets): syntax + semantic diagnostics
 * for a 2,000-line scenario < 50 ms, hover < 10 ms. Measures what the server
 * does per request, in-process: parse + checks + conversion to LSP
 * diagnostics after an edit; hover on a cached analysis (instruction, system
 * register decode through msr, label); and the same over stdio against the
 * built server (`benchLspStdio()`). `bench/run.ts` calls both.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { Analysis } from '../language-server/analysis';
import { toLspDiagnostic } from '../language-server/convert';
import { provideHover } from '../language-server/hover';
import { provideSemanticTokens } from '../language-server/semanticTokens';
import { parseScenario } from '../simulator';

export interface LspBenchResult {
  name: string;
  /** Median milliseconds (wall). */
  ms: number;
  /** Median CPU milliseconds of this process (in-process measurements). */
  cpuMs?: number;
  targetMs?: number;
}

/** A scenario of `lines` lines: system, PEs, a large code block of mixed instructions, expectations. */
export function syntheticScenario(lines = 2000): string {
  const out = [
    'scenario "LSP latency benchmark"',
    'system {',
    '  pes 2',
    '  memory ram at 0x8000_0000 size 0x100_0000',
    '}',
    'const BASE = 0x8080_0000',
    'pe 0-1 {',
    '  el 2',
    '  entry start',
    '  hcr_el2 = 0x8000_0000',
    '}',
    'code boot at 0x8000_0000 {',
    'start:',
  ];
  const body = [
    '    mov   x0, #0x80000000',
    '    msr   hcr_el2, x0',
    '    isb',
    '    ldr   x1, =BASE',
    '    add   x2, x1, #0x10',
    '    str   x2, [x1, #8]',
    '    ldr   x3, [x1, #8]',
    '    subs  x4, x3, x2',
    '    b.ne  fail',
    '    mrs   x5, vbar_el2',
  ];
  let i = 0;
  while (out.length < lines - 8) {
    if (i % 50 === 0) out.push(`l${i}:`);
    out.push(body[i % body.length]);
    i++;
  }
  out.push('fail:', '    hlt   #1', 'done:', '    hlt   #0', '}', 'expect {', '  pe 0 x4 == 0', '}');
  return out.join('\n') + '\n';
}

function median(samples: number[]): number {
  const s = [...samples].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/**
 * Median wall time of `fn` in ms; the median CPU time of this process is stored in `lastCpu`
 * (on a shared machine waiting for a core is not the server's cost; both are reported).
 */
let lastCpu = 0;
function time(iterations: number, fn: () => void): number {
  fn(); // warm-up (JIT)
  const samples: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < iterations; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    fn();
    samples.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  lastCpu = median(cpu);
  return median(samples);
}

/** `time` returning both figures. */
function timed(iterations: number, fn: () => void): { ms: number; cpuMs: number } {
  const ms = time(iterations, fn);
  return { ms, cpuMs: lastCpu };
}

export function benchLsp(): LspBenchResult[] {
  const text = syntheticScenario(2000);
  const lineCount = text.split('\n').length - 1;
  const uri = 'file:///bench/latency.armscope';
  let version = 0;
  // Typing: one line changes per keystroke (the other lines' assembly is reused).
  const typed = text.split('\n');
  let keystroke = 0;
  const diagnostics = timed(15, () => {
    typed[30] = `    add   x2, x1, #${++keystroke % 4096}`;
    const t = typed.join('\n');
    const a = new Analysis(uri, ++version, t, parseScenario(t, '/bench/latency.armscope'));
    a.model.diagnostics.map((d) => toLspDiagnostic(d, uri));
  });
  // Worst common edit: a new instruction line near the top moves every line below and every later address.
  const lines = text.split('\n');
  let inserted = 0;
  const insertLine = timed(15, () => {
    lines.splice(14, 0, `    add   x9, x9, #${++inserted}`);
    const t = lines.join('\n');
    const a = new Analysis(uri, ++version, t, parseScenario(t, '/bench/latency.armscope'));
    a.model.diagnostics.map((d) => toLspDiagnostic(d, uri));
  });
  const a = new Analysis(uri, ++version, text, parseScenario(text, '/bench/latency.armscope'));
  const far = lineCount - 12;
  const hoverMnemonic = time(200, () => provideHover(a, { line: far, character: 5 }));
  // Line 14: `mov x0, #0x80000000`, 15: `msr hcr_el2, x0`, 22: `b.ne fail`.
  const hoverSysreg = time(200, () => provideHover(a, { line: 15, character: 12 }));
  const hoverNumber = time(200, () => provideHover(a, { line: 14, character: 18 }));
  const hoverLabel = time(200, () => provideHover(a, { line: 22, character: 12 }));
  for (const [line, character] of [[far, 5], [15, 12], [14, 18], [22, 12]]) {
    if (!provideHover(a, { line, character })) throw new Error(`bench: no hover at ${line}:${character}`);
  }
  const tokens = timed(10, () => provideSemanticTokens(a));
  return [
    { name: `diagnostics after a one-line edit (parse + checks + LSP conversion), ${lineCount}-line scenario`, ...diagnostics, targetMs: 50 },
    { name: `diagnostics after inserting an instruction line at the top (every line below moves)`, ...insertLine, targetMs: 50 },
    { name: 'hover: instruction (end of file)', ms: hoverMnemonic, targetMs: 10 },
    { name: 'hover: msr system register with value decoded', ms: hoverSysreg, targetMs: 10 },
    { name: 'hover: mov immediate decoded against HCR_EL2', ms: hoverNumber, targetMs: 10 },
    { name: 'hover: label', ms: hoverLabel, targetMs: 10 },
    { name: `semantic tokens, ${lineCount}-line scenario`, ...tokens },
  ];
}

/**
 * The same through the real server over stdio (dist/language-server.js, when
 * built): a full-text didChange of the 2,000-line scenario until its
 * diagnostics arrive, and hover round trips — what an editor waits for.
 */
export async function benchLspStdio(server = path.resolve('dist/language-server.js')): Promise<LspBenchResult[]> {
  if (!existsSync(server)) return [];
  const proc = spawn(process.execPath, [server, '--stdio'], { stdio: ['pipe', 'pipe', 'ignore'] });
  const conn = createMessageConnection(new StreamMessageReader(proc.stdout), new StreamMessageWriter(proc.stdin));
  const waiting = new Map<number, () => void>();
  conn.onNotification('textDocument/publishDiagnostics', (p: { version?: number }) => {
    if (p.version !== undefined) waiting.get(p.version)?.();
  });
  conn.listen();
  try {
    await conn.sendRequest('initialize', { processId: process.pid, rootUri: null, capabilities: {}, initializationOptions: { liveRun: false } });
    await conn.sendNotification('initialized', {});
    const uri = 'file:///bench/stdio.armscope';
    const base = syntheticScenario(2000);
    let version = 1;
    const published = (v: number) => new Promise<void>((resolve) => waiting.set(v, resolve));
    let done = published(1);
    await conn.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'armscope', version: 1, text: base } });
    await done;
    const changeSamples: number[] = [];
    for (let i = 0; i < 15; i++) {
      version++;
      done = published(version);
      const t0 = performance.now();
      await conn.sendNotification('textDocument/didChange', { textDocument: { uri, version }, contentChanges: [{ text: base + `// edit ${i}\n` }] });
      await done;
      changeSamples.push(performance.now() - t0);
    }
    const hoverSamples: number[] = [];
    for (let i = 0; i < 100; i++) {
      const t0 = performance.now();
      await conn.sendRequest('textDocument/hover', { textDocument: { uri }, position: { line: 14 + (i % 2), character: i % 2 ? 12 : 18 } });
      hoverSamples.push(performance.now() - t0);
    }
    return [
      { name: 'stdio: didChange → publishDiagnostics, 2000-line scenario', ms: median(changeSamples), targetMs: 50 },
      { name: 'stdio: hover round trip (value decoded against HCR_EL2)', ms: median(hoverSamples), targetMs: 10 },
    ];
  } finally {
    conn.dispose();
    proc.kill();
  }
}

export function formatLspBench(results: LspBenchResult[]): string {
  return results
    .map((r) => `${r.name.padEnd(64)} ${r.ms.toFixed(2).padStart(8)} ms${r.cpuMs !== undefined ? ` (CPU ${r.cpuMs.toFixed(1)} ms)` : ''}${r.targetMs !== undefined ? `  (target < ${r.targetMs} ms: ${r.ms < r.targetMs ? 'ok' : 'MISSED'})` : ''}`)
    .join('\n');
}

if (require.main === module && process.argv[1]?.endsWith('lsp.js')) {
  void benchLspStdio().then((stdio) => console.log(formatLspBench([...benchLsp(), ...stdio])));
}
