import * as assert from 'node:assert/strict';
import { FULL_LANGUAGE, parseScenario } from '../../simulator';
import { parseScenario as parseWith } from '../../simulator/scenario/parse';
import { CORE_LANGUAGE, ScenarioLanguage } from '../../simulator/scenario/keywords';
import { at, diags, errors, src } from './helpers';

function only(text: string, rule?: string): string[] {
  const m = parseScenario(text);
  return diags(m).filter((d) => rule === undefined || d.includes(` ${rule}: `));
}

describe('scenario parser: system block', () => {
  it('reads every core setting', () => {
    const m = parseScenario(
      src(
        'system {',
        '  pes 4',
        '  clusters 2',
        '  memory ram at 0x8000_0000 size 0x1000_0000',
        '  memory sram at 0x0600_0000 size 0x10_0000 secure',
        '  device uart0 uart at 0x0900_0000 size 0x1000 irq 33',
        '  cache_model off',
        '  speculation adversarial',
        '  max_steps 100_000',
        '  seed 7',
        '}',
      ),
    );
    assert.deepEqual(diags(m), []);
    const s = m.system;
    assert.equal(s.pes, 4);
    assert.equal(s.clusters, 2);
    assert.deepEqual(s.clusterOf, [0, 0, 1, 1]);
    assert.deepEqual(
      s.memory.map((r) => [r.name, r.base, r.size, r.secure]),
      [
        ['ram', 0x8000_0000n, 0x1000_0000n, false],
        ['sram', 0x0600_0000n, 0x10_0000n, true],
      ],
    );
    assert.deepEqual(s.devices.map((d) => [d.name, d.model, d.base, d.size, d.irq]), [['uart0', 'uart', 0x0900_0000n, 0x1000n, 33]]);
    assert.equal(s.cacheModel, 'off');
    assert.equal(s.speculation, 'adversarial');
    assert.equal(s.maxSteps, 100000);
    assert.equal(s.seed, 7);
    assert.deepEqual(s.range, { start: { line: 0, col: 0 }, end: { line: 10, col: 1 } });
  });

  it('defaults: one PE, one cluster, caches modelled', () => {
    const m = parseScenario('');
    assert.equal(m.system.pes, 1);
    assert.deepEqual(m.system.clusterOf, [0]);
    assert.equal(m.system.cacheModel, 'on');
    assert.equal(m.system.speculation, 'none');
    assert.deepEqual(m.diagnostics, []);
  });

  it('accepts constants and expressions in settings', () => {
    const m = parseScenario(src('system {', '  pes PER_CLUSTER * 2', '  clusters 2', '  memory ram at RAM size 256 << 20', '}', 'const PER_CLUSTER = 3', 'const RAM = 0x8000_0000'));
    assert.deepEqual(diags(m), []);
    assert.equal(m.system.pes, 6);
    assert.deepEqual(m.system.clusterOf, [0, 0, 0, 1, 1, 1]);
    assert.equal(m.system.memory[0].size, 0x1000_0000n);
  });

  it('maps clusters explicitly', () => {
    const m = parseScenario(src('system {', '  pes 4', '  cluster 0 pes 0', '  cluster 1 pes 1-3', '}'));
    assert.deepEqual(diags(m), []);
    assert.equal(m.system.clusters, 2);
    assert.deepEqual(m.system.clusterOf, [0, 1, 1, 1]);
  });

  it('reports PEs left out of an explicit cluster map', () => {
    assert.deepEqual(only(src('system {', '  pes 4', '  cluster 0 pes 0, 2', '}'), 'cluster-map'), [
      "2:2-2:20 error cluster-map: pe 1, 3 are in no cluster: add them to a 'cluster N pes …' line",
    ]);
  });

  it('reports clusters that do not divide the PEs', () => {
    assert.deepEqual(only(src('system {', '  pes 6', '  clusters 4', '}')), [
      "2:2-2:12 error cluster-map: 6 PEs do not split evenly into 4 clusters: use a divisor of 6 or map them with 'cluster N pes A-B'",
    ]);
  });

  it('reports a PE count out of range at the value', () => {
    assert.deepEqual(only(src('system {', '  pes 65', '}')), ['1:6-1:8 error out-of-range: the PE count must be 1 to 64, not 65']);
    assert.deepEqual(only(src('system {', '  pes 0', '}')), ['1:6-1:7 error out-of-range: the PE count must be 1 to 64, not 0']);
  });

  it('suggests the closest setting for a typo', () => {
    assert.deepEqual(only(src('system {', '  pess 4', '}')), ["1:2-1:6 error unknown-setting: unknown setting 'pess' in system block; did you mean 'pes'?"]);
  });

  it('rejects invalid choices with the allowed values', () => {
    assert.deepEqual(only(src('system {', '  cache_model maybe', '}')), ["1:14-1:19 error syntax: invalid value 'maybe' for cache_model: expected 'on' or 'off'"]);
  });

  it("accepts a language extension's settings into settings", () => {
    const language = FULL_LANGUAGE.with({ name: 'test', settings: ['test_ffa_version'] });
    const m = parseScenario(src('system {', '  test_ffa_version 1.1 strict', '}'), { language });
    assert.deepEqual(diags(m), []);
    assert.equal(parseScenario(src('system {', '  test_ffa_version 1.1', '}')).diagnostics[0]?.rule, 'unknown-setting', 'not in the full language');
    const s = m.system.settings.get('test_ffa_version');
    assert.deepEqual(s?.args, ['1.1', 'strict']);
    assert.ok(s);
    assert.equal(at(s), '1:2-1:29');
  });

  it("reports 'expected {' after system at the keyword", () => {
    assert.deepEqual(only(src('system', 'const A = 1')), ["0:0-0:6 error syntax: expected '{' after 'system'"]);
  });

  it('accepts the brace on the next line', () => {
    const m = parseScenario(src('system', '{', '  pes 2', '}'));
    assert.deepEqual(diags(m), []);
    assert.equal(m.system.pes, 2);
  });
});

describe('scenario parser: block layer and recovery', () => {
  it('reports an unknown block with a suggestion and skips its body', () => {
    const m = parseScenario(src('sytem {', '  pes 2', '}', 'pe 0 { entry 0 }'));
    assert.deepEqual(diags(m).filter((d) => d.includes('unknown-block')), ["0:0-0:5 error unknown-block: unknown block 'sytem'; did you mean 'system'?"]);
    assert.equal(m.system.pes, 1);
    assert.equal(m.pes.length, 1);
  });

  it('lists the keywords when nothing is close', () => {
    const d = only('frobnicate 3', 'unknown-block');
    assert.equal(d.length, 1);
    assert.match(d[0], /^0:0-0:10 error unknown-block: unknown block 'frobnicate'; expected one of 'scenario', 'system', .*'pagetable'/);
  });

  it("keeps a language extension's blocks as GenericBlocks split into words", () => {
    // A test-only keyword: real layers (firmware's `partition`) validate their blocks in a pass.
    const language = FULL_LANGUAGE.with({ name: 'test', blocks: ['testpartition'] });
    const m = parseScenario(src('testpartition sp1 {', '  id 0x8001', '  memory 0x1000_0000 size 0x1000 attrs normal-wb, ish', '  name "my sp"', '  vcpu 0 { entry main }', '}'), { language });
    assert.deepEqual(diags(m), []);
    assert.equal(m.blocks.length, 1);
    const b = m.blocks[0];
    assert.equal(b.keyword, 'testpartition');
    assert.deepEqual(b.args.map((a) => a.text), ['sp1']);
    assert.deepEqual(
      b.body.map((s) => s.words.map((w) => w.text)),
      [['id', '0x8001'], ['memory', '0x1000_0000', 'size', '0x1000', 'attrs', 'normal-wb', ',', 'ish'], ['name', '"my sp"'], ['vcpu', '0', '{', 'entry', 'main', '}']],
    );
    assert.equal(at(b.body[1].words[5]), '2:39-2:48');
    assert.equal(at(b.args[0]), '0:14-0:17');
    assert.equal(at(b), '0:0-5:1');
  });

  it("a language extension's pass adds its diagnostics to every parse with that language; a throwing pass is contained", () => {
    const language = FULL_LANGUAGE.with(
      {
        name: 'testgadget',
        blocks: ['testgadget'],
        pass: (model) => {
          for (const b of model.blocks) {
            if (b.keyword !== 'testgadget') continue;
            for (const s of b.body) if (s.words[0].text !== 'size') model.diagnostics.push({ range: s.words[0].range, severity: 'error', message: `unknown testgadget setting '${s.words[0].text}'`, rule: 'testgadget' });
          }
        },
      },
      {
        name: 'testthrow',
        pass: (model) => {
          if (model.text.includes('boom')) throw new Error('boom');
        },
      },
    );
    assert.deepEqual(diags(parseScenario('testgadget g {\n  size 1\n  colour 2\n}\n', { language })), ["2:2-2:8 error testgadget: unknown testgadget setting 'colour'"]);
    assert.deepEqual(diags(parseScenario('// boom\n', { language })), ["0:0-0:0 error internal-error: internal error in the 'testthrow' pass (please report it): boom"]);
    assert.deepEqual(diags(parseScenario('// boom\n')), [], 'the full language has no such pass');
  });

  it("a language extension's block keyword is known to that language only", () => {
    assert.equal(only('testwidget a { x 1 }', 'unknown-block').length, 1);
    const m = parseScenario('testwidget a { x 1 }', { language: new ScenarioLanguage([{ name: 'widgets', blocks: ['testwidget'] }]) });
    assert.deepEqual(diags(m), []);
    assert.equal(m.blocks[0].keyword, 'testwidget');
    assert.equal(only('testwidget a { x 1 }', 'unknown-block').length, 1, 'other parses are unaffected');
  });

  it('the result depends on the language given, never on what was imported: the core language knows no extension block', () => {
    const text = 'pagetable t stage 1 at 0x8000_0000 { }\ngic { }\n';
    assert.deepEqual(parseWith(text, { language: CORE_LANGUAGE }).diagnostics.map((d) => d.rule), ['unknown-block', 'unknown-block']);
    assert.equal(parseWith(text, { language: FULL_LANGUAGE }).blocks.length, 2);
  });

  it('reports a missing } at the block start and closes before the next top-level keyword', () => {
    const m = parseScenario(src('system {', '  pes 2', 'pe 0 {', '  entry 0x8000_0000', '}', 'const A = 1'));
    assert.deepEqual(diags(m).filter((d) => d.includes('syntax')), ["0:0-0:6 error syntax: missing '}' for this 'system' block (opened at line 1)"]);
    assert.deepEqual(m.diagnostics[0].related?.map((r) => at(r)), ['0:7-0:8']);
    assert.equal(m.system.pes, 2);
    assert.deepEqual(m.pes[0].ids, [0]);
    assert.equal(m.symbols.get('A')?.value, 1n);
  });

  it("a block whose '{' is missing keeps its body when a '}' closes it", () => {
    const m = parseScenario(src('code at 0x8000_0000', 'start: nop', '}', 'pe 0 { entry start }'));
    assert.deepEqual(diags(m), ["0:8-0:19 error syntax: expected '{' after 'code at 0x8000_0000'"]);
    assert.equal(m.symbols.get('start')?.value, 0x8000_0000n);
    assert.equal(m.pes[0].entry?.value, 0x8000_0000n);
  });

  it("a one-line block after a block missing its '{' is still read", () => {
    const m = parseScenario(src('system', 'pe 0 { entry 0x8000_0000 }'));
    assert.deepEqual(diags(m).filter((d) => d.includes('syntax')), ["0:0-0:6 error syntax: expected '{' after 'system'"]);
    assert.deepEqual(m.pes.map((p) => p.ids), [[0]]);
  });

  it('reports a stray }', () => {
    assert.deepEqual(only(src('const A = 1', '}')), ["1:0-1:1 error syntax: unexpected '}': no block is open here"]);
  });

  it('reports text after a closing brace', () => {
    assert.deepEqual(only(src('expect { no fault } halted')), ["0:20-0:26 error syntax: unexpected 'halted' after '}': start the next statement on a new line"]);
  });

  it('reads the scenario title', () => {
    const m = parseScenario('scenario "Stage 2 \\"fault\\""\n');
    assert.equal(m.title, 'Stage 2 "fault"');
    assert.deepEqual(only('scenario Title'), ["0:9-0:14 error syntax: expected a title in quotes after 'scenario' (e.g. scenario \"Stage 2 fault\")"]);
  });

  it('reports unterminated strings and comments', () => {
    assert.deepEqual(only('scenario "abc\n'), ['0:9-0:13 error syntax: unterminated string: expected \'"\' before the end of the line']);
    assert.deepEqual(only('const A = 1 /* never closed\n'), ["0:12-0:14 error syntax: unterminated comment: expected '*/' before the end of the file"]);
  });
});

describe('scenario parser: constants', () => {
  it('resolves constants in any order, with GNU as expressions', () => {
    const m = parseScenario(src('const B = A + 0x10', 'const A = 0x8000_0000', 'const C = (1 << 12) | B'));
    assert.deepEqual(diags(m), []);
    assert.equal(m.constants.get('B')?.value, 0x8000_0010n);
    assert.equal(m.symbols.get('C')?.value, 0x8000_1010n);
    assert.equal(at(m.constants.get('A')!), '1:6-1:7');
  });

  it('reports a duplicate with a link to the first definition', () => {
    const m = parseScenario(src('const A = 1', 'const A = 2'));
    assert.deepEqual(diags(m), ["1:6-1:7 error duplicate-symbol: duplicate symbol 'A': already defined as a constant"]);
    assert.deepEqual(m.diagnostics[0].related?.map((r) => at(r)), ['0:6-0:7']);
  });

  it('reports circular definitions', () => {
    assert.deepEqual(only(src('const A = B + 1', 'const B = A')), [
      "0:10-0:15 error circular-definition: 'B + 1' cannot be computed: 'B' has no value (circular definition?)",
      "1:10-1:11 error circular-definition: 'A' cannot be computed: 'A' has no value (circular definition?)",
    ]);
  });

  it('reports an undefined symbol at its exact range, with a suggestion', () => {
    assert.deepEqual(only(src('const LIMIT = 8', 'const X = 4 + LIMTI * 2')), ["1:14-1:19 error undefined-symbol: undefined symbol 'LIMTI'; did you mean 'LIMIT'?"]);
  });

  it('reports a malformed expression', () => {
    const d = only('const X = 4 +\n');
    assert.equal(d.length, 1);
    assert.match(d[0], /^0:13-0:13 error bad-value: invalid value '4 \+': /);
    assert.deepEqual(only('const = 4'), ["0:6-0:7 error syntax: expected a constant name after 'const', found '='"]);
  });
});

describe('scenario parser: pe blocks', () => {
  const SYS = src('system {', '  pes 4', '}', 'code at 0x8000_0000 {', 'start: hlt #0', '}');

  it('reads el, security, entry and register values', () => {
    const m = parseScenario(
      SYS + src('pe 1-3 {', '  el 2', '  security secure', '  entry start', '  x0 = 0x10', '  SP_EL1 = start + 0x100', '  pstate.daif = 0b1111', '}'),
    );
    assert.deepEqual(diags(m), []);
    const p = m.pes[0];
    assert.deepEqual(p.ids, [1, 2, 3]);
    assert.equal(p.el, 2);
    assert.equal(p.security, 'secure');
    assert.equal(p.entry?.value, 0x8000_0000n);
    assert.deepEqual(p.registers.map((r) => [r.name, r.value.value]), [
      ['x0', 0x10n],
      ['sp_el1', 0x8000_0100n],
      ['pstate.daif', 0xfn],
    ]);
    assert.equal(at(p.registers[1].value), '11:11-11:24');
  });

  it('stores negative values as two\'s complement in the destination width', () => {
    const m = parseScenario(SYS + src('pe 0 {', '  entry start', '  x0 = -1', '  pstate.nzcv = -1', '}', 'expect {', '  pe 0 w1 == -2', '  mem8[start] == -1', '}', 'event when step 1 do write start = -1 size 2'));
    assert.deepEqual(diags(m), []);
    assert.deepEqual(m.pes[0].registers.map((r) => r.value.value), [0xffff_ffff_ffff_ffffn, 0xfn]);
    const [reg, mem] = m.expectations;
    assert.equal(reg.kind === 'register' && reg.value.value, 0xffff_fffen);
    assert.equal(mem.kind === 'memory' && mem.value.value, 0xffn);
    const ev = m.events[0].action;
    assert.equal(ev.kind === 'write' && ev.value.value, 0xffffn);
  });

  it('accepts PE lists', () => {
    const m = parseScenario(SYS + 'pe 0, 2-3 { entry start }\n');
    assert.deepEqual(m.pes[0].ids, [0, 2, 3]);
  });

  it("reports 'pe 9 does not exist' at the PE number", () => {
    assert.deepEqual(only(SYS + 'pe 9 { entry start }\n', 'pe-range'), ['6:3-6:4 error pe-range: pe 9 does not exist: the system has 4 PEs (0-3)']);
  });

  it('reports a missing entry point unless start or a code block can be used', () => {
    // The label `start` is the documented default entry: no diagnostic.
    assert.deepEqual(only(SYS + 'pe 0 { el 1 }\n', 'missing-entry'), []);
    // Otherwise the first code block, with a warning.
    assert.deepEqual(only(src('code at 0x8000_0000 {', 'main: nop', '}', 'pe 0 { el 1 }'), 'missing-entry'), [
      "3:3-3:4 warning missing-entry: pe 0 has no 'entry': it starts at the first code block (0x8000_0000); add 'entry LABEL' to say where",
    ]);
    // Nothing to start at: an error.
    assert.deepEqual(only('system { pes 2 }\npe 0-1 { el 1 }\n', 'missing-entry'), [
      "1:3-1:6 error missing-entry: pe 0, 1 have no 'entry' and there is no 'start' label or code block to start at: add 'entry LABEL'",
    ]);
    // An entry given by another block for the same PE is enough.
    assert.deepEqual(only(src('code at 0x8000_0000 {', 'main: nop', '}', 'pe 0-1 { el 1 }', 'pe 0 { entry main }', 'pe 1 { entry main }'), 'missing-entry'), []);
  });

  it('reports el out of range and invalid security states', () => {
    assert.deepEqual(only(SYS + 'pe 0 {\n  entry start\n  el 4\n  security normal\n}\n'), [
      '8:5-8:6 error out-of-range: the exception level must be 0 to 3, not 4',
      "9:11-9:17 error syntax: invalid security state 'normal': expected 'nonsecure' or 'secure'",
    ]);
  });

  it('reports unknown registers with a suggestion from the register table', () => {
    assert.deepEqual(only(SYS + 'pe 0 {\n  entry start\n  hcr_el22 = 1\n}\n'), ["8:2-8:10 error unknown-register: unknown register 'hcr_el22'; did you mean 'hcr_el2'?"]);
    assert.deepEqual(only(SYS + 'pe 0 {\n  entry start\n  pstate.el = 1\n}\n'), ["8:2-8:11 error unknown-register: set the initial exception level with 'el N', not pstate.el"]);
  });

  it('warns about initial values for read-only registers', () => {
    assert.deepEqual(only(SYS + 'pe 0 {\n  entry start\n  currentel = 8\n  midr_el1 = 0\n}\n'), [
      "8:2-8:11 warning read-only-register: CurrentEL is read-only and cannot be initialised: set the exception level with 'el N'",
      '9:2-9:10 warning read-only-register: MIDR_EL1 is read-only and cannot be initialised: its value comes from the system configuration',
    ]);
  });

  it('reports values too large for the register', () => {
    assert.deepEqual(only(SYS + 'pe 0 {\n  entry start\n  x1 = 1 << 64\n  pstate.daif = 0x10\n}\n'), [
      '8:7-8:14 error value-too-large: value 0x1_0000_0000_0000_0000 does not fit in X1 (64 bits)',
      '9:16-9:20 error value-too-large: value 0x10 does not fit in PSTATE.DAIF (4 bits)',
    ]);
  });

  it('warns about RES0 bits set and RES1 bits clear (register table)', () => {
    assert.deepEqual(only(SYS + 'pe 0 {\n  entry start\n  vtcr_el2 = 1 << 20\n}\n'), [
      '8:13-8:20 warning res0-violated: 0x10_0000 sets RES0 bit 20 of VTCR_EL2',
      '8:13-8:20 warning res1-violated: 0x10_0000 clears RES1 bit 31 of VTCR_EL2',
    ]);
  });

  it('reports a setting typo and a missing =', () => {
    assert.deepEqual(only(SYS + 'pe 0 {\n  entry start\n  entyr start\n  x0 1\n}\n'), [
      "8:2-8:7 error unknown-setting: unknown setting 'entyr' in pe block; did you mean 'entry'?",
      "9:5-9:6 error syntax: expected '=' after register name 'x0', found '1'",
    ]);
  });

  it('reports a bad header', () => {
    assert.deepEqual(only('pe { el 1 }\n'), ["0:3-0:4 error syntax: expected a PE number or range (e.g. 'pe 0' or 'pe 1-3') after 'pe'"]);
    assert.deepEqual(only('pe 3-1 { el 1 }\n'), ['0:3-0:6 error syntax: empty PE range 3-1: write the lower number first']);
  });
});

describe('scenario parser: events', () => {
  const BASE = src('system {', '  pes 2', '}', 'code at 0x8000_0000 {', 'start: nop', 'done: hlt #0', '}', 'pe 0-1 { entry start }');

  it('reads every trigger and action form', () => {
    const m = parseScenario(
      BASE +
        src(
          'event when pe 0 reaches done do irq 33',
          'event tick every when step 100 do irq 27 pe 1',
          'event when step 5 do write 0x8800_0000 = done + 1 size 4',
          'event when step 6 do fill 0x8800_0040 in L2.cluster0',
          'event when step 7 do write 0x8800_0008 = 2',
        ),
    );
    assert.deepEqual(diags(m), []);
    const [a, b, c, d, e] = m.events;
    assert.deepEqual(a.trigger.kind === 'reach' && [a.trigger.pe, a.trigger.target.value], [0, 0x8000_0004n]);
    assert.deepEqual(a.action, { kind: 'irq', intid: 33 });
    assert.equal(a.repeat, false);
    assert.equal(b.name, 'tick');
    assert.equal(b.repeat, true);
    assert.deepEqual(b.trigger, { kind: 'step', step: 100 });
    assert.deepEqual(b.action, { kind: 'irq', intid: 27, pe: 1 });
    assert.ok(c.action.kind === 'write');
    assert.equal(c.action.kind === 'write' && c.action.size, 4);
    assert.equal(c.action.kind === 'write' && c.action.value.value, 0x8000_0005n);
    assert.deepEqual(d.action.kind === 'fill' && [d.action.address.value, d.action.cache], [0x8800_0040n, 'L2.cluster0']);
    assert.equal(e.action.kind === 'write' && e.action.size, 8);
    assert.equal(at(a), '8:0-8:38');
  });

  it('reports event errors precisely', () => {
    assert.deepEqual(only(BASE + 'event when pe 5 reaches done do irq 33\n'), ['8:14-8:15 error pe-range: pe 5 does not exist: the system has 2 PEs (0-1)']);
    assert.deepEqual(only(BASE + 'event when pe 0 reaches nowhere do irq 33\n'), ["8:24-8:31 error undefined-symbol: undefined symbol 'nowhere'"]);
    assert.deepEqual(only(BASE + 'event when step 5 do irqq 33\n'), ["8:21-8:25 error syntax: unknown action 'irqq'; did you mean 'irq'?"]);
    assert.deepEqual(only(BASE + 'event when step 5 irq 33\n'), ["8:18-8:21 error syntax: expected 'do' after '5', found 'irq'"]);
    assert.deepEqual(only(BASE + 'event step 5 do irq 33\n'), ["8:6-8:10 error syntax: expected 'when' or a window ('between step A and B', 'after …', 'before …', 'anytime') after 'event', found 'step'"]);
    assert.deepEqual(only(BASE + 'event when step 5 do irq 2000\n'), ['8:25-8:29 error out-of-range: the interrupt ID must be 0 to 1019, not 2000']);
    assert.deepEqual(only(BASE + 'event when step 5 do write 0x100 = 1 size 3\n'), ["8:42-8:43 error syntax: expected a size of 1, 2, 4 or 8 bytes after 'size', found '3'"]);
  });
});

describe('scenario parser: expectations', () => {
  const BASE = src('system {', '  pes 2', '}', 'code at 0x8000_0000 {', 'start: hlt #0', 'word: .word 7', '}', 'pe 0-1 { entry start }');

  it('reads every expectation form', () => {
    const m = parseScenario(
      BASE +
        src(
          'expect {',
          '  pe 0 x1 == 3',
          '  pe 1 esr_el2 == 0x6200_0000',
          '  pe 0 pstate.el != 1',
          '  mem[0x8010_0000] == 0x1234',
          '  mem32[word] != 0 in memory',
          '  mem8[word + 1] == 0 seen by pe 1',
          '  no fault',
          '  fault translation stage 2 level 3 at el 1 on pe 1 at start',
          '  fault access-flag to el 2',
          '  finding mismatched-attributes',
          '  no finding',
          '  no finding sysreg-without-isb',
          '  halted pe 0',
          '}',
        ),
    );
    assert.deepEqual(diags(m), []);
    const e = m.expectations;
    assert.equal(e.length, 13);
    assert.deepEqual(e[0].kind === 'register' && [e[0].pe, e[0].register, e[0].op, e[0].value.value, e[0].text], [0, 'x1', '==', 3n, 'pe 0 x1 == 3']);
    assert.equal(e[2].kind === 'register' && e[2].op, '!=');
    assert.deepEqual(e[3].kind === 'memory' && [e[3].size, e[3].address.value, e[3].value.value, e[3].view], [8, 0x8010_0000n, 0x1234n, undefined]);
    assert.deepEqual(e[4].kind === 'memory' && [e[4].size, e[4].address.value, e[4].view], [4, 0x8000_0004n, 'main']);
    assert.deepEqual(e[5].kind === 'memory' && [e[5].size, e[5].address.value, e[5].view], [1, 0x8000_0005n, { pe: 1 }]);
    assert.equal(e[6].kind, 'no-fault');
    assert.deepEqual(
      e[7].kind === 'fault' && [e[7].fault, e[7].stage, e[7].level, e[7].el, e[7].pe, e[7].at?.value],
      ['translation', 2, 3, 1, 1, 0x8000_0000n],
    );
    assert.deepEqual(e[8].kind === 'fault' && [e[8].fault, e[8].el, e[8].toEl], ['access-flag', undefined, 2]);
    assert.deepEqual(e[9].kind === 'finding' && [e[9].rule, e[9].negate], ['mismatched-attributes', false]);
    assert.equal(e[10].kind, 'no-finding');
    assert.deepEqual(e[11].kind === 'finding' && [e[11].rule, e[11].negate], ['sysreg-without-isb', true]);
    assert.deepEqual(e[12].kind === 'halted' && e[12].pe, 0);
    assert.equal(at(e[0]), '9:2-9:14');
  });

  it('reports expectation errors precisely', () => {
    const m = parseScenario(
      BASE +
        src(
          'expect {',
          '  pe 7 x1 == 3',
          '  pe 0 xx1 == 3',
          '  pe 0 x1 = 3',
          '  mem32[nolabel] == 1',
          '  fault translaton',
          '  halt pe 0',
          '  mem8[word] == 0x100',
          '  pe 0 w1 == 0x1_0000_0000',
          '}',
        ),
    );
    assert.deepEqual(diags(m), [
      '9:5-9:6 error pe-range: pe 7 does not exist: the system has 2 PEs (0-1)',
      "10:7-10:10 error unknown-register: unknown register 'xx1'; did you mean 'x1'?",
      "11:10-11:11 error syntax: expected '==' or '!=': use '==' to compare",
      "12:8-12:15 error undefined-symbol: undefined symbol 'nolabel'",
      "13:8-13:18 error syntax: unknown fault kind 'translaton'; did you mean 'translation'?",
      "14:2-14:6 error syntax: unknown expectation 'halt'; did you mean 'halted'?",
      '15:16-15:21 error out-of-range: the expected 1-byte value must be -128 to 255, not 256',
      '16:13-16:26 error value-too-large: value 0x1_0000_0000 does not fit in W1 (32 bits): this expectation can never hold',
    ]);
  });
});

describe('scenario parser: partial models from broken input', () => {
  it('a file with five errors still yields its labels, constants and PE blocks', () => {
    const m = parseScenario(
      src(
        'system {',
        '  pes 2',
        '  pess 3', // 1: unknown setting
        '}',
        'const BASE = 0x8000_0000',
        'pe 0 {',
        '  entry main',
        '  el 7', // 2: el out of range
        '}',
        'pe 1 { entry main',
        '  x0 = = 1', // 3: bad value
        'code at BASE {', // (pe 1 block closes here: 4: missing })
        'main:',
        '    .quad undefined_thing', // 5: undefined symbol
        'loop: .word 1',
        '}',
        'expect {',
        '  pe 0 x0 == 1',
        '}',
      ),
    );
    assert.equal(errors(m).length, 5, diags(m).join('\n'));
    assert.equal(m.symbols.get('main')?.value, 0x8000_0000n);
    assert.equal(m.symbols.get('loop')?.value, 0x8000_0008n);
    assert.equal(m.symbols.get('BASE')?.value, 0x8000_0000n);
    assert.deepEqual(m.pes.map((p) => p.ids), [[0], [1]]);
    assert.equal(m.pes[1].entry?.value, 0x8000_0000n);
    assert.equal(m.expectations.length, 1);
    assert.equal(m.system.pes, 2);
  });
});
