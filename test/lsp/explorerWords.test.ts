/**
 * The explorer's words in the editor (issue #13 item 3): hover on the
 * quantifiers, the event window words and the `explore` block's settings
 * says what they mean under `run` and `explore` (text from the simulator's
 * own tables), and completion offers them where they belong — over the real
 * server (dist/language-server.js).
 */
import * as assert from 'node:assert/strict';
import type { CompletionItem, Hover, MarkupContent, Position, SemanticTokens } from 'vscode-languageserver-protocol';
import { TestClient } from './lspClient';
import { HANG_GUARD_MS } from '../hangGuard';

const TEXT = `scenario "explorer words"

system {
  pes 2
  memory ram at 0x8000_0000 size 0x10_0000
}

pe 0 {
  el 1
  entry p0
}

pe 1 {
  el 1
  entry p1
}

code at 0x8000_0000 {
p0:
    mov   x0, #1
    hlt   #0
p1:
    mov   x2, #2
    hlt   #0
}

event between step 1 and 5 do irq 33
event after step 2 before step 4 do irq 34
event anytime do irq 35

explore {
  speculative_fills none
  max_states 5000
  evictions 0
  max_depth 100
}

expect {
  always pe 0 x0 == 1
  sometimes pe 1 x2 == 2
  never pe 0 x0 == 7
  exists (pe 0 x0 == 1 && pe 1 x2 == 2)
  ~exists (pe 0 x0 == 7)
  forall (pe 0 x0 == 1 || !(pe 1 x2 == 0))
}
`;

/** The position `offset` characters into the first line that starts (after indentation) with `lineStart`. */
function at(lineStart: string, offset = 0, text = TEXT): Position {
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.trimStart().startsWith(lineStart));
  assert.ok(line >= 0, lineStart);
  return { line, character: lines[line].length - lines[line].trimStart().length + offset };
}

describe('language server: the explorer words (hover, completion)', function () {
  this.timeout(HANG_GUARD_MS);
  let c: TestClient;
  const uri = 'file:///work/explorer-words.armscope';

  before(async () => {
    c = await TestClient.start();
    await c.open(uri, TEXT);
  });
  after(async () => {
    await c.stop();
  });

  const hoverAt = async (p: Position, u = uri): Promise<Hover | null> => c.request<Hover | null>('textDocument/hover', { textDocument: { uri: u }, position: p });
  const md = async (p: Position): Promise<string> => {
    const h = await hoverAt(p);
    assert.ok(h, `expected a hover at ${JSON.stringify(p)}`);
    return (h.contents as MarkupContent).value;
  };
  const labels = async (u: string, p: Position): Promise<CompletionItem[]> => c.request<CompletionItem[]>('textDocument/completion', { textDocument: { uri: u }, position: p });

  it('the scenario is clean', async () => {
    assert.deepEqual(await c.diagnosticsFor(uri), []);
  });

  it('hovers each quantifier with its meaning under run and under explore', async () => {
    const always = await md(at('always', 2));
    assert.match(always, /^\*\*always\*\* — the condition holds at the end of every execution/);
    assert.match(always, /`armscope run`: must hold in the one execution/);
    assert.match(always, /`armscope explore`: fails on the first outcome where the condition is false/);
    const sometimes = await md(at('sometimes', 1));
    assert.match(sometimes, /`armscope run`: reported `open` when the one execution does not show it/);
    assert.match(sometimes, /`armscope explore`: holds when some outcome satisfies the condition/);
    assert.match(await md(at('never')), /`armscope explore`: fails on the first outcome where the condition is true/);
    assert.match(await md(at('exists (')), /^\*\*exists\*\* — herd7's spelling of `sometimes \(C\)`/);
    assert.match(await md(at('forall')), /^\*\*forall\*\* — herd7's spelling of `always \(C\)`/);
  });

  it('hovers ~exists as one word, the tilde in its range', async () => {
    const p = at('~exists', 3);
    const h = await hoverAt(p);
    assert.ok(h);
    assert.match((h.contents as MarkupContent).value, /^\*\*~exists\*\* — herd7's spelling of `never \(C\)`/);
    assert.deepEqual(h.range, { start: { line: p.line, character: p.character - 3 }, end: { line: p.line, character: p.character + 4 } });
  });

  it('does not hover a quantifier word inside a condition', async () => {
    const u = 'file:///work/explorer-words-neg.armscope';
    const text = TEXT.replace('  never pe 0 x0 == 7', '  pe 0 x0 == never');
    await c.open(u, text);
    const h = await hoverAt(at('pe 0 x0 == never', 12, text), u);
    assert.equal(h, null);
  });

  it('hovers the event window words', async () => {
    assert.match(await md(at('event between', 7)), /^\*\*between\*\* — event window `between step A and \[step\] B`: the event fires once, at a step from A to B/);
    assert.match(await md(at('event after', 7)), /^\*\*after\*\* — event window `after BOUND \[before BOUND\]`/);
    assert.match(await md(at('event after', 'event after step 2 '.length + 1)), /^\*\*before\*\* — event window `before BOUND`/);
    const anytime = await md(at('event anytime', 8));
    assert.match(anytime, /^\*\*anytime\*\*/);
    assert.match(anytime, /`armscope run` fires a windowed event as soon as its window opens; `armscope explore` tries every moment inside it/);
  });

  it('hovers the explore settings with their values and bounds', async () => {
    assert.match(await md(at('speculative_fills', 3)), /^\*\*speculative_fills\*\* — speculative cache fills exploration enumerates per execution\n\nValues: `all \| none \| 0 to 1000000000` · default `all`$/);
    assert.match(await md(at('max_states')), /Values: `1 to 1000000000` · default `1000000`$/);
    assert.match(await md(at('max_depth')), /Values: `1 to 1000000000` · default `10000`$/);
    assert.match(await md(at('evictions')), /^\*\*evictions\*\* — cache evictions .*\n\nValues: `0 to 1000000000` · default `1`$/);
  });

  it('completes the quantifiers at the start of an expectation line, with their meaning', async () => {
    const u = 'file:///work/explorer-words-c1.armscope';
    const text = TEXT.replace('  always pe 0 x0 == 1', '  al');
    await c.open(u, text);
    const items = await labels(u, at('al', 2, text));
    for (const q of ['always', 'sometimes', 'never', 'exists', '~exists', 'forall']) assert.ok(items.some((i) => i.label === q), q);
    assert.ok(items.some((i) => i.label === 'no fault'), 'the plain expectations are still offered');
    const doc = items.find((i) => i.label === 'never')?.documentation as MarkupContent;
    assert.match(doc.value, /`armscope run`: must not hold in the one execution/);
    // After a quantifier: the expectation, not the quantifiers again.
    const after = await labels(uri, { line: at('sometimes').line, character: at('sometimes').character + 'sometimes '.length });
    assert.ok(after.some((i) => i.label === 'pe') && !after.some((i) => i.label === 'never'));
  });

  it('completes the window words after event', async () => {
    const u = 'file:///work/explorer-words-c2.armscope';
    const text = TEXT.replace('event anytime do irq 35', 'event ');
    await c.open(u, text);
    const p = { line: text.split('\n').indexOf('event '), character: 6 };
    const items = await labels(u, p);
    for (const w of ['between', 'after', 'before', 'anytime', 'when']) assert.ok(items.some((i) => i.label === w), w);
    assert.equal(items.find((i) => i.label === 'anytime')?.detail, 'event window');
  });

  it('completes the explore settings inside the block, and all/none after speculative_fills', async () => {
    const u = 'file:///work/explorer-words-c3.armscope';
    const text = TEXT.replace('  max_depth 100\n', '  max_depth 100\n  m\n');
    await c.open(u, text);
    const items = await labels(u, { line: text.split('\n').indexOf('  m'), character: 3 });
    assert.deepEqual(items.map((i) => i.label), ['speculative_fills', 'speculative_lines', 'mapped_fills', 'evictions', 'max_states', 'max_depth', 'memory_model', 'descriptors']);
    assert.match((items.find((i) => i.label === 'max_states')!.documentation as MarkupContent).value, /default `1000000`/);
    const values = await labels(uri, { line: at('speculative_fills').line, character: at('speculative_fills').character + 'speculative_fills '.length });
    assert.deepEqual(values.map((i) => i.label), ['all', 'none']);
  });

  it('colours the new words as keywords (semantic tokens)', async () => {
    const legend = c.initResult!.capabilities.semanticTokensProvider!.legend.tokenTypes;
    const { data } = await c.request<SemanticTokens>('textDocument/semanticTokens/full', { textDocument: { uri } });
    const tokens = new Map<string, string>();
    let line = 0;
    let col = 0;
    for (let i = 0; i < data.length; i += 5) {
      line += data[i];
      col = data[i] === 0 ? col + data[i + 1] : data[i + 1];
      tokens.set(`${line}:${col}`, legend[data[i + 3]]);
    }
    const typeAt = (p: Position): string | undefined => tokens.get(`${p.line}:${p.character}`);
    for (const w of ['always', 'sometimes', 'never', 'forall', 'speculative_fills', 'max_states', 'evictions', 'max_depth']) assert.equal(typeAt(at(w)), 'keyword', w);
    assert.equal(typeAt(at('~exists', 1)), 'keyword', '~exists');
    assert.equal(typeAt(at('event between', 6)), 'keyword', 'between');
    assert.equal(typeAt(at('event anytime', 6)), 'keyword', 'anytime');
    assert.equal(typeAt(at('event after', 'event after step 2 '.length)), 'keyword', 'before');
  });
});
