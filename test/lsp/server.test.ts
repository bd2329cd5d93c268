/**
 * The real language server (dist/language-server.js --stdio) driven over
 * JSON-RPC: diagnostics with exact ranges, hover contents, completion,
 * navigation, symbols, semantic tokens, code actions, formatting, custom
 * requests and the background run.
 */
import * as assert from 'node:assert/strict';
import type {
  CodeAction,
  CompletionItem,
  Diagnostic,
  DocumentSymbol,
  FoldingRange,
  Hover,
  Location,
  MarkupContent,
  Position,
  SemanticTokens,
  TextEdit,
} from 'vscode-languageserver-protocol';
import { TestClient, withMarkers } from './lspClient';
import { HANG_GUARD_MS } from '../hangGuard';

const BASIC = withMarkers(`scenario "LSP basic"

system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
}

const G$9UEST = 0x8800_0000

pe 0 {
  el 2
  entry start
  hcr_el2 = 0x$18000_0000
}

code boot at 0x8000_0000 {
start:
    m$2ov   x0, #0x$380000000
    msr   h$4cr_el2, x0
    isb
    ldr   x1, =GU$5EST
    mov   x2, #3
loop:
    subs  x2, x2, #1
    b.ne  lo$6op
    mrs   x3, vbar$7_el2
    msr   $8vbar_el2, x3
    hlt   #0
}

expect {
  pe 0 x2 == 0
}
`);

function md(h: Hover | null): string {
  assert.ok(h, 'expected a hover');
  return (h.contents as MarkupContent).value;
}

const range = (sl: number, sc: number, el: number, ec: number) => ({ start: { line: sl, character: sc }, end: { line: el, character: ec } });

describe('language server over stdio', function () {
  this.timeout(HANG_GUARD_MS);
  let c: TestClient;
  const uri = 'file:///work/basic.armscope';

  before(async () => {
    c = await TestClient.start();
    await c.open(uri, BASIC.text);
  });
  after(async () => {
    await c.stop();
  });

  const hoverAt = (p: Position, u = uri) => c.request<Hover | null>('textDocument/hover', { textDocument: { uri: u }, position: p });

  it('initializes with the features it serves', () => {
    const caps = c.initResult!.capabilities;
    assert.equal(caps.hoverProvider, true);
    assert.equal(caps.definitionProvider, true);
    assert.equal(caps.referencesProvider, true);
    assert.equal(caps.documentFormattingProvider, true);
    assert.deepEqual(caps.codeActionProvider, { codeActionKinds: ['quickfix'] });
    assert.ok(caps.semanticTokensProvider && caps.semanticTokensProvider.legend.tokenTypes.includes('property'));
  });

  it('publishes no diagnostics for a clean scenario', async () => {
    assert.deepEqual(await c.diagnosticsFor(uri), []);
  });

  it('publishes parse diagnostics with exact ranges, rule ids and did-you-mean, and clears them on change', async () => {
    const u = 'file:///work/bad.armscope';
    const bad = BASIC.text.replace('  memory ram', '  memroy ram').replace('entry start', 'entry nowhere');
    await c.open(u, bad);
    const diags = await c.diagnosticsFor(u);
    const byCode = new Map(diags.map((d) => [d.code, d]));
    const setting = byCode.get('unknown-setting');
    assert.ok(setting, JSON.stringify(diags));
    assert.deepEqual(setting.range, range(4, 2, 4, 8));
    assert.equal(setting.severity, 1);
    assert.match(setting.message, /did you mean 'memory'/);
    const undef = byCode.get('undefined-symbol');
    assert.ok(undef, JSON.stringify(diags));
    assert.deepEqual(undef.range, range(11, 8, 11, 15));

    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: u }, range: setting.range, context: { diagnostics: [setting] } });
    assert.equal(actions.length, 1);
    assert.equal(actions[0].title, "Change to 'memory'");
    assert.deepEqual(actions[0].edit!.changes![u], [{ range: range(4, 2, 4, 8), newText: 'memory' }]);

    // Names the parser reports without a suggestion get the closest known name of their kind.
    const typos = BASIC.text.replace('    m$2ov'.replace('$2', ''), '    movv').replace('b.ne  loop', 'b.ne  lopo');
    const v1 = await c.change(u, typos);
    const typoDiags = await c.diagnosticsFor(u, v1);
    const fixes = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: u }, range: range(0, 0, 40, 0), context: { diagnostics: typoDiags } });
    assert.deepEqual(
      fixes.map((f) => [f.title, f.edit!.changes![u][0].range.start.line]),
      [
        ["Change to 'mov'", 17],
        ["Change to 'loop'", 24],
      ],
    );

    const v = await c.change(u, BASIC.text);
    assert.deepEqual(await c.diagnosticsFor(u, v), []);
  });

  it('hover on a mov immediate decodes it against the register it ends up in (msr)', async () => {
    const text = md(await hoverAt(BASIC.at['3']));
    assert.match(text, /^`0x8000_0000` = `2147483648` = `0b1000(_0000){7}` \(bit 31 set\)/, 'hex, decimal and grouped binary forms, and the set bits');
    assert.doesNotMatch(text, /SMCCC/, 'not named as SMCCC_VERSION outside w0');
    assert.match(text, /\*\*HCR_EL2\*\* = `0x8000_0000` — ends up in it via line 18 → line 19/);
    assert.match(text, /\| 31 \| RW \| `0b1` \| EL1 is AArch64 \|/);
    assert.match(text, /0: .*\bE2H\b/, 'zero fields are named');
  });

  it('hover on a value in a pe block decodes it against that register', async () => {
    const text = md(await hoverAt(BASIC.at['1']));
    assert.match(text, /\*\*HCR_EL2\*\* = `0x8000_0000`/);
    assert.match(text, /\| 31 \| RW \| `0b1` \|/);
  });

  it('hover on the register of an msr shows the value written there', async () => {
    const h = await hoverAt(BASIC.at['4']);
    assert.deepEqual(h!.range, range(18, 10, 18, 17));
    assert.match(md(h), /\*\*HCR_EL2\*\* = `0x8000_0000` — value from line 18 `mov {3}x0, #0x80000000`/);
  });

  it('hover on a system register without a known value lists its description and fields', async () => {
    const text = md(await hoverAt(BASIC.at['7']));
    assert.match(text, /^\*\*VBAR_EL2\*\* — /);
    assert.match(text, /64-bit · EL2 and above · read\/write · `S3_4_C12_C0_0`/);
    assert.match(text, /\| bits \| field \| description \|/);
  });

  it('hover on labels and constants shows their address and value', async () => {
    assert.match(md(await hoverAt(BASIC.at['6'])), /^label \*\*loop\*\* at `0x8000_0014` in `code boot` — defined at line 23/);
    assert.match(md(await hoverAt(BASIC.at['5'])), /^constant \*\*GUEST\*\* = `0x8800_0000` = `2281701376` = `0b1000_1000(_0000){6}` \(bits 31, 27 set\) — defined at line 8/);
  });

  it('hover on a mnemonic shows the instruction, its operands and address', async () => {
    const h = await hoverAt(BASIC.at['2']);
    assert.deepEqual(h!.range, range(17, 4, 17, 7));
    const text = md(h);
    assert.match(text, /^\*\*mov\*\* — Move/);
    assert.match(text, /`mov rd, /);
    assert.match(text, /Operands: `x0`, `#0x80000000`/);
    assert.match(text, /Address `0x8000_0000` · encoding `0xd2b0_0000`/);
  });

  it('hover names an SMCCC/FF-A function ID, in the immediate and in the register that holds it', async () => {
    const u = 'file:///work/ffa.armscope';
    const doc = withMarkers(
      ['system {', '  pes 1', '}', 'code at 0x8000_0000 {', '    mov   w0, #0x8400_00$163', '    smc   #0', '    cbz   w$20, .', '    mov   w0, #0x8400_00$301', '    mov   w5, #0x8400_00$401', '    hvc   #0', '}', ''].join('\n'),
    );
    await c.open(u, doc.text);
    const text = md(await hoverAt(doc.at['1'], u));
    assert.match(text, /SMCCC function ID \*\*FFA_VERSION_32\*\* \(`0x8400_0063`\)/);
    assert.match(md(await hoverAt(doc.at['2'], u)), /^\*\*w0\*\* holds `0x8400_0063`/);
    assert.match(md(await hoverAt(doc.at['3'], u)), /SMCCC function ID \*\*CPU_SUSPEND\*\*/, 'PSCI in w0');
    assert.doesNotMatch(md(await hoverAt(doc.at['4'], u)), /SMCCC/, 'not a function ID in w5');
  });

  it('hover on a constant assigned to a register decodes it there too', async () => {
    const u = 'file:///work/const.armscope';
    const doc = withMarkers(['system {', '  pes 1', '}', 'const TCR = 0x80_3520', 'pe 0 {', '  el 1', '  tcr_el1 = T$1CR', '}', ''].join('\n'));
    await c.open(u, doc.text);
    const text = md(await hoverAt(doc.at['1'], u));
    assert.match(text, /^constant \*\*TCR\*\* = `0x80_3520`/);
    assert.match(text, /\*\*TCR_EL1\*\* = `0x80_3520`/);
    assert.match(text, /\| 13:12 \| SH0 \| `0b11` \| Inner Shareable \|/);
  });

  it('navigates partitions: definition and references by name', async () => {
    const u = 'file:///work/partitions.armscope';
    const doc = withMarkers(['system {', '  pes 1', '}', 'partition sp1 {', '  id 0x8001', '}', 'partition sp2 {', '  id 0x8002', '  peer s$1p1', '}', ''].join('\n'));
    await c.open(u, doc.text);
    const def = await c.request<Location>('textDocument/definition', { textDocument: { uri: u }, position: doc.at['1'] });
    assert.deepEqual(def, { uri: u, range: range(3, 10, 3, 13) });
    const refs = await c.request<Location[]>('textDocument/references', { textDocument: { uri: u }, position: doc.at['1'], context: { includeDeclaration: true } });
    assert.deepEqual(refs.map((r) => r.range), [range(3, 10, 3, 13), range(8, 7, 8, 10)]);
    const syms = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri: u } });
    assert.deepEqual(syms.map((x) => x.name), ['system', 'partition sp1', 'partition sp2']);
  });

  it('hover on whitespace gives nothing', async () => {
    assert.equal(await hoverAt({ line: 1, character: 0 }), null);
  });

  it('completes system registers valid at the EL the code runs at after msr', async () => {
    const items = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: BASIC.at['8'] });
    const labels = new Set(items.map((i) => i.label));
    assert.ok(labels.has('hcr_el2'));
    assert.ok(labels.has('vbar_el2'));
    assert.ok(labels.has('sctlr_el1'), 'EL1 registers are accessible from EL2');
    assert.ok(!labels.has('scr_el3'), 'EL3 registers are not offered to EL2 code');
    assert.ok(labels.has('x0') && labels.has('loop') && labels.has('GUEST'));
  });

  it('offers system registers by the EL each code block runs at (entry point, VBAR_ELx vectors)', async () => {
    const u = 'file:///work/els.armscope';
    const doc = withMarkers(
      ['system {', '  pes 1', '}', 'pe 0 {', '  el 1', '  entry guest', '  vbar_el2 = hyp', '}', 'code at 0x8000_0000 {', 'guest:', '    msr   $1', '}', 'code at 0x8000_1000 {', 'hyp:', '    msr   $2', '}', ''].join('\n'),
    );
    await c.open(u, doc.text.replace('    msr   \n', '    msr   sctlr_el1, x0\n').replace('    msr   \n', '    msr   hcr_el2, x0\n'));
    const labels = async (p: Position) => new Set((await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: u }, position: p })).map((i) => i.label));
    const guest = await labels(doc.at['1']);
    assert.ok(guest.has('sctlr_el1') && !guest.has('hcr_el2'), 'EL1 code: no EL2 registers');
    const hyp = await labels(doc.at['2']);
    assert.ok(hyp.has('hcr_el2') && hyp.has('sctlr_el1') && !hyp.has('scr_el3'), 'EL2 vectors: EL2 and EL1 registers');
  });

  it('completes block keywords and snippets at top level, settings in blocks', async () => {
    const top = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 1, character: 0 } });
    const topLabels = top.map((i) => i.label);
    for (const k of ['system', 'pe', 'code', 'expect', 'const']) assert.ok(topLabels.includes(k), k);
    const snippet = top.find((i) => i.label === 'code' && i.kind === 15);
    assert.ok(snippet, 'a code block snippet');
    assert.match(snippet.insertText!, /^code at \$\{1:0x8000_0000\} \{/);

    const sys = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 3, character: 2 } });
    assert.ok(sys.some((i) => i.label === 'cache_model'));
    const pe = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 11, character: 2 } });
    const peLabels = pe.map((i) => i.label);
    for (const k of ['el', 'entry', 'security', 'hcr_el2', 'x0', 'pstate.daif']) assert.ok(peLabels.includes(k), k);
    assert.ok(!peLabels.includes('scr_el3'), 'pe 0 runs at EL2');
    const dir = await c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri }, position: { line: 19, character: 4 } });
    assert.ok(dir.some((i) => i.label === '.quad'));
  });

  it('goes to the definition of a label and finds the references of a constant', async () => {
    const def = await c.request<Location>('textDocument/definition', { textDocument: { uri }, position: BASIC.at['6'] });
    assert.deepEqual(def, { uri, range: range(22, 0, 22, 4) });
    const refs = await c.request<Location[]>('textDocument/references', { textDocument: { uri }, position: BASIC.at['9'], context: { includeDeclaration: true } });
    assert.deepEqual(
      refs.map((r) => r.range),
      [range(7, 6, 7, 11), range(20, 15, 20, 20)],
    );
    const uses = await c.request<Location[]>('textDocument/references', { textDocument: { uri }, position: BASIC.at['9'], context: { includeDeclaration: false } });
    assert.deepEqual(uses.map((r) => r.range), [range(20, 15, 20, 20)]);
  });

  it('lists document symbols with labels under their code block', async () => {
    const syms = await c.request<DocumentSymbol[]>('textDocument/documentSymbol', { textDocument: { uri } });
    assert.deepEqual(
      syms.map((s) => s.name),
      ['LSP basic', 'system', 'GUEST', 'pe 0', 'code boot', 'expect'],
    );
    const code = syms.find((s) => s.name === 'code boot')!;
    assert.equal(code.detail, '0x8000_0000');
    assert.deepEqual(
      code.children!.map((s) => [s.name, s.detail]),
      [
        ['start', '0x8000_0000'],
        ['loop', '0x8000_0014'],
      ],
    );
  });

  it('folds every block', async () => {
    const folds = await c.request<FoldingRange[]>('textDocument/foldingRange', { textDocument: { uri } });
    assert.deepEqual(
      folds.map((f) => [f.startLine, f.endLine]),
      [
        [2, 4],
        [9, 12],
        [15, 27],
        [30, 31],
      ],
    );
  });

  it('classifies tokens semantically (labels, mnemonics, registers, system registers, numbers)', async () => {
    const legend = c.initResult!.capabilities.semanticTokensProvider!.legend;
    const tokens = await c.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    const decoded: { line: number; col: number; len: number; type: string; mods: string[] }[] = [];
    let line = 0;
    let col = 0;
    for (let i = 0; i < tokens.data.length; i += 5) {
      const [dl, dc, len, type, mods] = tokens.data.slice(i, i + 5);
      line += dl;
      col = dl === 0 ? col + dc : dc;
      decoded.push({ line, col, len, type: legend.tokenTypes[type], mods: legend.tokenModifiers.filter((_, b) => mods & (1 << b)) });
    }
    const at = (l: number, c0: number) => decoded.find((t) => t.line === l && t.col === c0);
    assert.deepEqual(at(16, 0), { line: 16, col: 0, len: 5, type: 'function', mods: ['declaration'] });
    assert.deepEqual(at(17, 4), { line: 17, col: 4, len: 3, type: 'keyword', mods: [] });
    assert.deepEqual(at(17, 10), { line: 17, col: 10, len: 2, type: 'variable', mods: ['defaultLibrary'] });
    assert.equal(at(18, 10)?.type, 'property');
    assert.equal(at(12, 12)?.type, 'number');
    assert.deepEqual(at(24, 10), { line: 24, col: 10, len: 4, type: 'function', mods: [] });
    assert.deepEqual(at(20, 15), { line: 20, col: 15, len: 5, type: 'variable', mods: ['readonly'] });
  });

  it('offers a barrier quick fix for a finding that carries a write line', async () => {
    const diag: Diagnostic = {
      range: range(18, 4, 18, 21),
      message: 'system register write not synchronized',
      source: 'armscope run',
      code: 'missing-isb',
      severity: 2,
      data: { fixLine: 17, insert: ['dsb ish', 'isb'] },
    };
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: diag.range, context: { diagnostics: [diag] } });
    assert.equal(actions.length, 1);
    assert.equal(actions[0].title, "Insert 'dsb ish' + 'isb' after line 18");
    assert.deepEqual(actions[0].edit!.changes![uri], [{ range: range(18, 0, 18, 0), newText: '    dsb ish\n    isb\n' }]);
  });

  it('fixes RES1/RES0 violations in a pe block value', async () => {
    const u = 'file:///work/res1.armscope';
    const text = ['system {', '  pes 1', '}', 'const M = 1', 'pe 0 {', '  el 2', '  entry 0x8000_0000', '  sctlr_el2 = 0x1', '  vtcr_el2 = M', '}', ''].join('\n');
    await c.open(u, text);
    const diags = (await c.diagnosticsFor(u)).filter((d) => d.code === 'res1-violated');
    assert.deepEqual(diags.map((d) => d.range), [range(7, 14, 7, 17), range(8, 13, 8, 14)]);
    const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri: u }, range: range(7, 0, 8, 20), context: { diagnostics: diags } });
    assert.deepEqual(
      actions.map((x) => [x.title, x.edit!.changes![u][0].newText]),
      [
        ['Use 0x30c5_0831 (set RES1 0x30c5_0830)', '0x30c5_0831'],
        ['Use 0x8000_0001 (set RES1 0x8000_0000)', '((M) | 0x8000_0000)'],
      ],
    );
  });

  it('formats code blocks: lower-case, aligned operands, labels at column 0, comments kept', async () => {
    const u = 'file:///work/fmt.armscope';
    const src = ['code at 0x8000_0000 {', '  start:', '\tMOV X0,#1   // one', 'loop: SUBS x0,x0 , #1', '        b.ne     loop', '}  ', ''].join('\n');
    await c.open(u, src);
    const edits = await c.request<TextEdit[]>('textDocument/formatting', { textDocument: { uri: u }, options: { tabSize: 4, insertSpaces: true } });
    const lines = src.split('\n');
    for (const e of [...edits].sort((a, b) => b.range.start.line - a.range.start.line || b.range.start.character - a.range.start.character)) {
      assert.equal(e.range.start.line, e.range.end.line);
      const l = lines[e.range.start.line];
      lines[e.range.start.line] = l.slice(0, e.range.start.character) + e.newText + l.slice(e.range.end.character);
    }
    assert.deepEqual(lines, ['code at 0x8000_0000 {', 'start:', '    mov   x0, #1 // one', 'loop: subs  x0, x0, #1', '    b.ne  loop', '}', '']);
  });

  it('answers armscope/check, armscope/decode and armscope/run', async () => {
    const check = await c.request<{ lines: string[]; errors: number }>('armscope/check', { uri });
    assert.deepEqual(check, { lines: [], errors: 0, warnings: 0 });
    const decoded = await c.request<{ kind: string; register: string; value: string; markdown: string }>('armscope/decode', { uri, position: BASIC.at['3'] });
    assert.equal(decoded.kind, 'decoded');
    assert.equal(decoded.register, 'HCR_EL2');
    assert.equal(decoded.value, '0x8000_0000');
    const ask = await c.request<{ kind: string; value: string }>('armscope/decode', { uri, position: BASIC.at['3'], text: '0x1_0000' });
    assert.deepEqual(ask, { kind: 'need-register', value: '0x1_0000' });
    const forced = await c.request<{ kind: string; markdown: string }>('armscope/decode', { uri, position: BASIC.at['3'], text: '0x6200_0000', register: 'esr_el2' });
    assert.equal(forced.kind, 'decoded');
    assert.match(forced.markdown, /\*\*ESR_EL2\*\* = `0x6200_0000`/);
    const run = await c.request<{ report: string; ok: boolean }>('armscope/run', { uri, maxSteps: 10_000 });
    assert.match(run.report, /Result: (PASS|FAIL)/);
  });
});
