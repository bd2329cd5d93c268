/**
 * The system differential suite's own machinery, without QEMU: the GDB remote
 * protocol client (framing, escapes, run-length encoding, acks, split reads,
 * the hang guard), the scenario-to-GNU-as number translation, the sparse word
 * image the boot stub copies, and the CI rule for missing prerequisites.
 */
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { EventEmitter } from 'node:events';
import { PassThrough } from 'node:stream';
import fc from 'fast-check';
import { parseInteger } from '../../../simulator/util/hex';
import { missingPrerequisites, requireTools } from '../prerequisites';
import type { SystemCase } from './case';
import { SYSTEM_CASES } from './cases';
import { judge } from './compare';
import type { QemuStop } from './qemuSystem';
import type { Observation, SimulatedCase } from './simulate';
import { GdbRemote, checksum, decodeReply, leHexToBigInt } from './gdbRemote';
import { gnuNumbers } from './gnuImage';
import { WordImage } from './image';

/** A stand-in for the QEMU child process: what the client writes, and a way to answer. */
function fakeChild() {
  const stdin = new PassThrough();
  const stdout = new PassThrough();
  const written: string[] = [];
  stdin.on('data', (d: Buffer) => written.push(d.toString('latin1')));
  const child = Object.assign(new EventEmitter(), { stdin, stdout, stderr: new PassThrough(), exitCode: null, signalCode: null, kill: () => true });
  return { child: child as unknown as ChildProcessWithoutNullStreams, written, reply: (text: string) => stdout.write(Buffer.from(text, 'latin1')) };
}

const packet = (body: string) => `$${body}#${checksum(body)}`;

/** RSP reply encoding: escape `#$}*` as `}` + (c ^ 0x20). */
function escape(s: string): string {
  return s.replace(/[#$}*]/g, (c) => '}' + String.fromCharCode(c.charCodeAt(0) ^ 0x20));
}

describe('differential/system: GDB remote protocol client', () => {
  it('decodes escaped replies exactly (property)', () => {
    fc.assert(
      fc.property(fc.string({ unit: fc.integer({ min: 32, max: 126 }).map((c) => String.fromCharCode(c)), maxLength: 200 }), (s) => {
        assert.equal(decodeReply(escape(s)), s);
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('expands run-length encoding: c*N repeats c N - 29 more times', () => {
    assert.equal(decodeReply('0* '), '0'.repeat(4));
    assert.equal(decodeReply('a0*"'), 'a' + '0'.repeat(6));
  });

  it('reads little-endian register hex', () => {
    assert.equal(leHexToBigInt('0000004100000000'), 0x4100_0000n);
    assert.equal(leHexToBigInt('4200005a00000000'), 0x5a00_0042n);
  });

  it('frames requests, acknowledges replies split across reads, and resends on a NAK', async () => {
    const f = fakeChild();
    const gdb = new GdbRemote(f.child);
    const reply = gdb.request('p20');
    assert.equal(f.written.join(''), packet('p20'));
    f.reply('-');
    f.reply('+$0000');
    f.reply('00410000');
    f.reply(`0000#${checksum('0000004100000000')}`);
    assert.equal(await reply, '0000004100000000');
    assert.deepEqual(f.written, [packet('p20'), packet('p20'), '+'], 'one resend after "-", then "+" for the reply');
  });

  it('rejects a reply with a bad checksum (asks again) and keeps waiting', async () => {
    const f = fakeChild();
    const gdb = new GdbRemote(f.child);
    const reply = gdb.request('?');
    f.reply('$S05#00');
    f.reply(packet('S05'));
    assert.equal(await reply, 'S05');
    assert.deepEqual(f.written.slice(1), ['-', '+']);
  });

  it('interrupts the target when the hang guard expires and reports it', async () => {
    const f = fakeChild();
    const gdb = new GdbRemote(f.child);
    const run = gdb.continueUntilStop(0.01);
    await new Promise((r) => setTimeout(r, 50));
    assert.ok(f.written.includes('\x03'), 'Ctrl-C sent');
    f.reply(packet('T02thread:01;'));
    assert.deepEqual(await run, { reply: 'T02thread:01;', timedOut: true });
  });

  it('fails pending and later requests when QEMU exits', async () => {
    const f = fakeChild();
    const gdb = new GdbRemote(f.child);
    const reply = gdb.request('c');
    f.child.emit('exit', 1, null);
    await assert.rejects(reply, /QEMU exited \(code 1\)/);
    await assert.rejects(gdb.request('?'), /QEMU exited/);
  });
});

describe('differential/system: scenario numbers for GNU as', () => {
  it('drops digit separators and rewrites 0o octal, keeping the value (property)', () => {
    const sep = (digits: string) => digits.replace(/\B(?=(\w{4})+$)/g, '_');
    fc.assert(
      fc.property(fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }), fc.constantFrom(16, 8, 2, 10), (v, radix) => {
        const prefix = radix === 16 ? '0x' : radix === 8 ? '0o' : radix === 2 ? '0b' : '';
        const scenarioText = `#${prefix}${sep(v.toString(radix))}`;
        const gnu = gnuNumbers(scenarioText).slice(1);
        assert.ok(!gnu.includes('_'), gnu);
        const value = radix === 8 ? BigInt('0o' + gnu.slice(1)) : radix === 10 ? BigInt(gnu) : BigInt(gnu);
        assert.equal(value, parseInteger(scenarioText.slice(1)));
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('leaves names, local label references and strings alone', () => {
    assert.equal(gnuNumbers('x1, [sp_el0, #0x1_000]'), 'x1, [sp_el0, #0x1000]');
    assert.equal(gnuNumbers('1b'), '1b');
    assert.equal(gnuNumbers('l1_table + 8'), 'l1_table + 8');
    assert.equal(gnuNumbers('"0x1_0"'), '"0x1_0"');
  });
});

describe('differential/system: the boot stub image', () => {
  it('WordImage keeps every byte written, in 8-byte aligned runs (property)', () => {
    const write = fc.record({ address: fc.integer({ min: 0x4000_0000, max: 0x4000_0400 }), bytes: fc.uint8Array({ minLength: 1, maxLength: 40 }) });
    fc.assert(
      fc.property(fc.array(write, { maxLength: 12 }), (writes) => {
        const image = new WordImage();
        const expected = new Map<number, number>();
        for (const w of writes) {
          image.write(w.address, w.bytes);
          w.bytes.forEach((b, i) => expected.set(w.address + i, b));
        }
        const seen = new Map<number, number>();
        let last = -1;
        for (const run of image.runs()) {
          assert.equal(run.address % 8, 0);
          assert.equal(run.bytes.length % 8, 0);
          assert.ok(run.address > last, 'runs are sorted and disjoint');
          last = run.address + run.bytes.length;
          run.bytes.forEach((b, i) => seen.set(run.address + i, b));
        }
        for (const [a, b] of expected) assert.equal(seen.get(a), b);
        for (const [a, b] of seen) if (!expected.has(a)) assert.equal(b, 0, 'padding is zero');
      }),
      { seed: 3, numRuns: 200 },
    );
  });
});

describe('differential: missing prerequisites', () => {
  const ctx = () => {
    let skipped = false;
    return { ctx: { skip: () => void (skipped = true) } as unknown as Mocha.Context, skipped: () => skipped };
  };

  it('names the Debian package to install', () => {
    assert.match(missingPrerequisites(['qemu-system-aarch64-not-here']) ?? '', /not installed: qemu-system-aarch64-not-here/);
    assert.equal(missingPrerequisites(['sh']), undefined);
  });

  it('skips outside CI and fails in CI', () => {
    const saved = process.env.CI;
    try {
      delete process.env.CI;
      const a = ctx();
      requireTools(a.ctx, ['no-such-tool-for-armscope']);
      assert.ok(a.skipped());
      process.env.CI = 'true';
      const b = ctx();
      assert.throws(() => requireTools(b.ctx, ['no-such-tool-for-armscope']), /CI=true requires the differential tests to run/);
      assert.ok(!b.skipped());
    } finally {
      if (saved === undefined) delete process.env.CI;
      else process.env.CI = saved;
    }
  });
});

describe('differential/system: README results', () => {
  // out/test/differential/system → the source tree's test/differential/README.md
  const readme = fs.readFileSync(path.resolve(__dirname, '..', '..', '..', '..', 'test', 'differential', 'README.md'), 'utf8');

  it('states the number of cases', () => {
    assert.match(readme, new RegExp(`\\b${SYSTEM_CASES.length} cases\\b`));
  });

  it('names every case with a divergence in its table of differences', () => {
    const missing = SYSTEM_CASES.filter((c) => (c.divergences ?? []).length > 0 && !readme.includes(c.name)).map((c) => c.name);
    assert.deepEqual(missing, []);
  });
});

describe('differential/system: judging a case', () => {
  const obs = (esr: bigint, pstate = 0x3c9n): Observation => ({
    pc: 0x4000_9400n,
    pstate,
    sp: 0n,
    x: new Array<bigint>(31).fill(0n),
    sysregs: new Map([['ESR_EL2', esr], ['ELR_EL3', 0n], ['SPSR_EL3', 0n]]),
  });
  const sim = (c: SystemCase, esr: bigint, pstate?: bigint): SimulatedCase =>
    ({ case: c, initial: obs(0n), final: obs(esr, pstate), report: { result: 'pass', expectations: [] } }) as unknown as SimulatedCase;
  const qemu = (esr: bigint, pstate?: bigint): QemuStop => ({ ...obs(esr, pstate), timedOut: false });
  const known: SystemCase = {
    name: 'k',
    scenario: '',
    focus: ['ESR_EL2'],
    divergences: [{ register: 'ESR_EL2', mask: 0x01ff_c000n, wrong: 'simulator', correct: 0x01c2_8000n, why: 'item 3' }],
  };

  it('passes when the two agree, and names every register that differs', () => {
    const c: SystemCase = { name: 'c', scenario: '', focus: ['ESR_EL2'] };
    assert.deepEqual(judge(c, sim(c, 0x5a00_0042n), qemu(0x5a00_0042n)), []);
    assert.deepEqual(judge(c, sim(c, 0x5a00_0042n), qemu(0x5a00_0043n, 0x3c5n)), ['pstate: simulator 0x3c9, QEMU 0x3c5', 'ESR_EL2: simulator 0x5a000042, QEMU 0x5a000043']);
  });

  it('accepts an investigated divergence only in its field, with the correct side correct', () => {
    assert.deepEqual(judge(known, sim(known, 0x9200_0007n), qemu(0x93c2_8007n)), []);
    assert.equal(judge(known, sim(known, 0x9200_0007n), qemu(0x93c2_8006n)).length, 1, 'a difference outside the field still fails');
    assert.match(judge(known, sim(known, 0x9200_0007n), qemu(0x9382_8007n))[0], /the QEMU holds 0x1828000 in 0x1ffc000, expected 0x1c28000/);
  });

  it('asks for the mark to be removed once the wrong side is fixed; a fixed QEMU defect is accepted on another QEMU release', () => {
    assert.match(judge(known, sim(known, 0x93c2_8007n), qemu(0x93c2_8007n))[0], /now holds 0x1c28000 in 0x1ffc000 too: remove this known divergence/);
    const qemuDefect: SystemCase = { ...known, divergences: [{ ...known.divergences![0], wrong: 'qemu', correct: 0n }] };
    assert.equal(judge(qemuDefect, sim(qemuDefect, 0x9600_0007n), qemu(0x9600_0007n), '7.2').length, 1);
    assert.deepEqual(judge(qemuDefect, sim(qemuDefect, 0x9600_0007n), qemu(0x9600_0007n), '9.2'), []);
  });

  it('fails a case whose focus register never changes, or when QEMU never stopped', () => {
    const c: SystemCase = { name: 'c', scenario: '', focus: ['ESR_EL2'] };
    assert.match(judge(c, sim(c, 0n), qemu(0n))[0], /focus register ESR_EL2 never changes/);
    assert.match(judge(c, sim(c, 1n), { ...qemu(1n), timedOut: true })[0], /QEMU reached no stop point/);
  });
});
