/**
 * "Did you mean" (issue #9 item 14): computed once in the simulator
 * (simulator/scenario/suggest.ts) over the real vocabularies and carried by
 * each diagnostic — the CLI prints it, the language server turns it into a
 * quick fix and the hover of an unknown mnemonic does not call it an
 * instruction.
 */
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { CodeAction, Diagnostic, Hover, MarkupContent } from 'vscode-languageserver-protocol';
import { FULL_LANGUAGE, parseScenario } from '../../simulator';
import { attachSuggestions, closest, editDistance, suggestionBudget, vocabulary } from '../../simulator/scenario/suggest';
import { TestClient, withMarkers } from './lspClient';
import { HANG_GUARD_MS } from '../hangGuard';

const TYPOS = withMarkers(`sytem {
  pes 1
}
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
}
pe 0 {
  el 1
  entry start
}
code at 0x8000_0000 {
start:
    $1dbs   ish
    msr   vbar_el11, x0
    mrs   x1, sctrl_el1
    b     strat
    hlt   #0
}
expect {
  finding mismatched-attributes
}
pagtable foo {
}
`);

describe('did you mean', function () {
  this.timeout(HANG_GUARD_MS);

  it('counts a transposition as one edit, and prefers the longest shared prefix on ties', () => {
    assert.equal(editDistance('dbs', 'dsb', 3), 1);
    assert.equal(editDistance('strat', 'start', 3), 1);
    assert.equal(editDistance('abcdef', 'uvwxyz', 2), 3, 'stops early past the limit');
    assert.equal(closest('dbs', ['dmb', 'dsb', 'b']), 'dsb');
    assert.equal(closest('halt', ['fault', 'halted']), 'halted');
    assert.equal(closest('Start', ['start']), 'start', 'a case-only difference is a typo');
    assert.equal(closest('xyzzy', ['dsb', 'isb']), undefined);
  });

  it('every kind of unknown name gets the closest word of its vocabulary, in the message and as data', () => {
    const m = parseScenario(TYPOS.text, '/w/typos.armscope');
    const got = m.diagnostics.filter((d) => d.suggestion !== undefined).map((d) => [d.range.start.line, d.rule, d.suggestion]);
    assert.deepEqual(got, [
      [0, 'unknown-block', 'system'],
      [13, 'unknown-instruction', 'dsb'],
      [14, 'operand', 'vbar_el1'],
      [15, 'operand', 'sctlr_el1'],
      [16, 'undefined-symbol', 'start'],
      [22, 'unknown-block', 'pagetable'],
    ]);
    for (const d of m.diagnostics) if (d.suggestion !== undefined) assert.ok(d.message.endsWith(`did you mean '${d.suggestion}'?`), d.message);
  });

  it('a hint the parser already names (directives, fault kinds, finding rules of the rule registry) becomes the suggestion', () => {
    const text = ['code at 0x8000_0000 {', '    .qaud 1', '}', 'expect {', '    fault translatoin', '    no finding mismatched-atributes', '}', ''].join('\n');
    const m = parseScenario(text, '/w/named.armscope');
    const got = m.diagnostics.filter((d) => d.suggestion !== undefined).map((d) => [d.range.start.line, d.suggestion, d.message]);
    assert.deepEqual(got, [
      [1, '.quad', "unknown directive '.qaud'; did you mean '.quad'?"],
      [4, 'translation', "unknown fault kind 'translatoin'; did you mean 'translation'?"],
      [5, 'mismatched-attributes', "unknown finding rule 'mismatched-atributes'; did you mean 'mismatched-attributes'?"],
    ]);
  });

  it('spends a bounded number of comparisons per parse', () => {
    const text = ['code at 0x8000_0000 {', ...Array.from({ length: 5 }, () => '    dbs   ish'), '}', ''].join('\n');
    const m = parseScenario(text, '/w/many.armscope');
    for (const d of m.diagnostics) {
      if (d.rule !== 'unknown-instruction') continue;
      d.message = "unknown instruction 'dbs'";
      delete d.suggestion;
    }
    const perWord = vocabulary('instruction', FULL_LANGUAGE).length;
    attachSuggestions(m, FULL_LANGUAGE, suggestionBudget(2 * perWord + 1));
    assert.deepEqual(
      m.diagnostics.filter((d) => d.rule === 'unknown-instruction').map((d) => d.suggestion),
      ['dsb', 'dsb', undefined, undefined, undefined],
    );
  });

  it('armscope check prints it', () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'armscope-dym-'));
    const file = path.join(dir, 'typos.armscope');
    writeFileSync(file, TYPOS.text);
    let out = '';
    try {
      execFileSync(process.execPath, [path.resolve('dist/cli.js'), 'check', file], { encoding: 'utf8' });
    } catch (e) {
      out = (e as { stdout: string }).stdout;
    }
    assert.match(out, /:14:5: error: unknown instruction 'dbs'; did you mean 'dsb'\? \[unknown-instruction\]/);
  });

  describe('in the editor', () => {
    let c: TestClient;
    const uri = 'file:///w/typos.armscope';
    before(async () => {
      c = await TestClient.start();
      await c.open(uri, TYPOS.text);
    });
    after(async () => {
      await c.stop();
    });

    it('offers each suggestion as a quick fix replacing the word', async () => {
      const diags = await c.diagnosticsFor(uri);
      const actions = await c.request<CodeAction[]>('textDocument/codeAction', {
        textDocument: { uri },
        range: { start: { line: 0, character: 0 }, end: { line: 30, character: 0 } },
        context: { diagnostics: diags },
      });
      assert.deepEqual(
        actions.map((a) => [a.title, a.edit!.changes![uri][0].range.start.line, a.edit!.changes![uri][0].newText]),
        [
          ["Change to 'system'", 0, 'system'],
          ["Change to 'dsb'", 13, 'dsb'],
          ["Change to 'vbar_el1'", 14, 'vbar_el1'],
          ["Change to 'sctlr_el1'", 15, 'sctlr_el1'],
          ["Change to 'start'", 16, 'start'],
          ["Change to 'pagetable'", 22, 'pagetable'],
        ],
      );
      const dsb = actions[1].edit!.changes![uri][0];
      assert.deepEqual(dsb.range, { start: { line: 13, character: 4 }, end: { line: 13, character: 7 } });
    });

    it('still offers it when the client drops the diagnostic data (from the message)', async () => {
      const d = (await c.diagnosticsFor(uri)).find((x) => x.code === 'unknown-instruction')!;
      const stripped: Diagnostic = { ...d, data: undefined };
      const actions = await c.request<CodeAction[]>('textDocument/codeAction', { textDocument: { uri }, range: d.range, context: { diagnostics: [stripped] } });
      assert.deepEqual(actions.map((a) => a.title), ["Change to 'dsb'"]);
    });

    it('the hover of an unknown mnemonic says it is not an instruction, and what was meant', async () => {
      const h = await c.request<Hover>('textDocument/hover', { textDocument: { uri }, position: TYPOS.at['1'] });
      assert.equal((h.contents as MarkupContent).value, '**dbs** is not an instruction the assembler knows — did you mean **dsb**?');
    });
  });
});
