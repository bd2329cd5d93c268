/**
 * A relaxed execution debugged as a witness (#14): message passing without
 * barriers (test/litmus/corpus/MP.litmus through `litmus2scenario`, so under
 * `memory_model promising`) with the condition turned into `never (…)`, so the
 * relaxed outcome — P1 sees the flag y=1, then the old x=0 — breaks it. The
 * debugger replays the explorer's witness (with its read choices `pe 1 read
 * T`), stops on the broken expectation, shows in the Memory model scope which
 * write each read took (x: the initial value, older than PE 0's write), steps
 * back over the whole witness to step 0 and runs forward along it to the same
 * stop. The witness survives formatting the scenario (format-on-save: upper-
 * case mnemonics lower-cased, operands re-aligned), and is refused when the
 * scenario really changed.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { DebugProtocol } from '@vscode/debugprotocol';
import { TextDocument } from 'vscode-languageserver-textdocument';
import { Analysis } from '../../language-server/analysis';
import { formatDocument } from '../../language-server/formatting';
import { parseScenario } from '../../simulator';
import { parseExploreSettings } from '../../simulator/explore/config';
import { exploreScenario } from '../../simulator/explore/explore';
import { makeWitness, type Witness } from '../../simulator/explore/witness';
import { litmusToScenario } from '../../simulator/litmus';
import { readTest } from '../litmus/helpers';
import { debugClientPerTest, findRoot, launchStopped, nextStop, scopeVariables, variables } from './helpers';

const ROOT = findRoot();
const FILTERS = ['expectation', 'fault:other'];

/** MP.litmus as a scenario whose condition must never hold. */
function mpNever(): string {
  const litmus = fs.readFileSync(path.join(ROOT, 'test', 'litmus', 'corpus', 'MP.litmus'), 'utf8');
  const text = litmusToScenario(readTest(litmus, 'MP.litmus')).text;
  assert.match(text, /^ {2}exists \(pe 1 w0 == 1 && pe 1 w2 == 0\)$/m);
  return text.replace(/^ {2}exists \(/m, '  never (');
}

/** The scenario text after the language server's formatting (what format-on-save writes). */
function formatted(text: string, file: string): string {
  const uri = `file://${file}`;
  const edits = formatDocument(new Analysis(uri, 1, text, parseScenario(text, file)), { tabSize: 4, insertSpaces: true });
  return TextDocument.applyEdits(TextDocument.create(uri, 'armscope', 1, text), edits);
}

describe('DAP: a relaxed execution of MP replayed as a witness (memory_model promising)', function () {
  this.timeout(120_000);
  const client = debugClientPerTest(ROOT);
  let dir: string;
  let program: string;
  let text: string;
  let witness: Witness;
  let witnessFile: string;
  let line: number;

  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'armscope-relaxed-'));
    program = path.join(dir, 'MP.armscope');
    text = mpNever();
    fs.writeFileSync(program, text);
    const model = parseScenario(text, program);
    const r = exploreScenario(model);
    assert.deepEqual(r.bounds.hit, []);
    const broken = r.outcomes.filter((o) => o.failed.length > 0);
    assert.equal(broken.length, 1, r.outcomes.map((o) => o.state).join(' | '));
    const o = broken[0];
    assert.match(o.state, /^pe1\.w0=0x1; pe1\.w2=0x0;/);
    witness = makeWitness(model, parseExploreSettings(model.blocks), undefined, { choices: o.witness, outcome: o.state, failed: o.failed, finalState: o.finalState });
    // The relaxed read: PE 1's second load takes the initial x (timestamp 0) although PE 0's write of x is in memory.
    assert.ok(witness.choices.some((c) => /^pe 1 read 0$/.test(c)), witness.choices.join(', '));
    witnessFile = path.join(dir, 'MP.1.witness');
    fs.writeFileSync(witnessFile, JSON.stringify(witness));
    line = text.split('\n').findIndex((l) => l.startsWith('  never (')) + 1;
    assert.deepEqual(o.failed, [line]);
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  async function failedLine(threadId: number): Promise<string> {
    return (await client.dc.exceptionInfoRequest({ threadId })).body.details?.message ?? '';
  }

  it('stops on the broken expectation with the Memory model scope naming the write each read took', async () => {
    const dc = client.dc;
    const stopped = await launchStopped(dc, { program, replay: witnessFile }, { filters: FILTERS });
    assert.equal(stopped.body.reason, 'exception');
    assert.match(stopped.body.description ?? '', /1 expectation\(s\) failed/);
    assert.match(await failedLine(stopped.body.threadId!), new RegExp(`^line ${line}: never \\(pe 1 w0 == 1 && pe 1 w2 == 0\\)`, 'm'));
    const mm = await scopeVariables(dc, 2, 'Memory model');
    const byName = new Map(mm.map((v) => [v.name, v]));
    // x: PE 1 read the initial value; PE 0's write of x (the older message) is the newest.
    const x = byName.get('x (0x8004_0000)');
    assert.ok(x, mm.map((v) => v.name).join(', '));
    assert.match(x.value, /^PE1 last read or wrote the initial value 0x0 — older than the newest, write #\d+ = 0x1 by PE0$/);
    // y: PE 1 read PE 0's write of the flag.
    assert.match(byName.get('y (0x8004_1000)')?.value ?? '', /^PE1 last read or wrote write #\d+ = 0x1 by PE0$/);
    const writes = await variables(dc, x.variablesReference);
    assert.deepEqual(
      writes.map((w) => w.name),
      ['initial', writes[1]?.name],
    );
    assert.match(writes[0].value, /last seen by PE1$/);
    assert.match(writes[1].value, /= 0x1 by PE0; last seen by PE0$/);
  });

  it('steps back over the whole witness to step 0 and runs forward along it to the same stop', async () => {
    const dc = client.dc;
    const stopped = await launchStopped(dc, { program, replay: witnessFile }, { filters: FILTERS });
    const threadId = stopped.body.threadId!;
    const first = await failedLine(threadId);
    let description = '';
    for (let k = 0; k <= witness.choices.length + 1 && description !== 'at the start of the run'; k++) {
      const back = nextStop(dc);
      await dc.stepBackRequest({ threadId: 2 });
      description = (await back).body.description ?? '';
    }
    assert.equal(description, 'at the start of the run');
    const status = (await dc.customRequest('armscope/status')).body as { step: number; frontier: number };
    assert.equal(status.step, 0);
    assert.equal(status.frontier, witness.choices.length, 'the whole witness is the history');
    // At step 0 no PE has accessed memory under the model.
    const mm = await scopeVariables(dc, 2, 'Memory model');
    assert.deepEqual(
      mm.map((v) => v.name),
      ['(no access yet)'],
    );
    const again = nextStop(dc);
    await dc.continueRequest({ threadId });
    const stop = await again;
    assert.equal(stop.body.reason, 'exception');
    assert.equal(await failedLine(stop.body.threadId!), first, 'forward along the witness: the relaxed outcome again, not the run policy');
  });

  it('replays the witness after the scenario is formatted, and refuses it after a real change', async () => {
    const dc = client.dc;
    const pretty = formatted(text, program);
    assert.notEqual(pretty, text, 'formatting changes the generated text (upper-case MOV W0,#1)');
    assert.match(pretty, /mov +w0, #1/);
    fs.writeFileSync(program, pretty);
    const stopped = await launchStopped(dc, { program, replay: witnessFile }, { filters: FILTERS });
    assert.equal(stopped.body.reason, 'exception');
    assert.match(await failedLine(stopped.body.threadId!), new RegExp(`^line ${line}: never`, 'm'));
    await dc.disconnectRequest({});
    await dc.stop();
    await dc.start();
    // A real change (the flag's value) is refused.
    fs.writeFileSync(program, text.replace('MOV W2,#1', 'MOV W2,#2'));
    await dc.initializeRequest();
    await assert.rejects(dc.launchRequest({ program, replay: witnessFile } as DebugProtocol.LaunchRequestArguments), /the witness was made for another version of MP\.armscope/);
    fs.writeFileSync(program, text);
  });
});
