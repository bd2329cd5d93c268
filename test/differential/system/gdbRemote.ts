/**
 * A small client of the GDB Remote Serial Protocol ("RSP", GDB manual appendix E)
 * over a child process's stdin/stdout: QEMU started with `-gdb stdio` speaks it
 * there, so no TCP port is needed (several test runs can share a machine).
 *
 * Only what the system differential suite needs: one request at a time, ack
 * mode (`+`/`-`), `}` escapes and `*` run-length encoding in replies, and a hang
 * guard on `continue` that interrupts the target (Ctrl-C, 0x03) after a number
 * of seconds instead of waiting forever. Every buffer is bounded.
 */
import type { ChildProcessWithoutNullStreams } from 'node:child_process';

/** Largest reply we accept (QEMU's PacketSize is 0x1000; qXfer chunks are smaller). */
const MAX_PACKET = 1 << 20;

export class GdbProtocolError extends Error {}

interface Pending {
  resolve(reply: string): void;
  reject(err: Error): void;
}

/** Decode a reply body: `}` escapes (next byte XOR 0x20) and `c*n` run-length encoding (repeat count n-29). */
export function decodeReply(body: string): string {
  let out = '';
  for (let i = 0; i < body.length; i++) {
    const ch = body[i];
    if (ch === '}' && i + 1 < body.length) {
      out += String.fromCharCode(body.charCodeAt(++i) ^ 0x20);
    } else if (ch === '*' && i + 1 < body.length && out.length > 0) {
      const n = body.charCodeAt(++i) - 29;
      out += out[out.length - 1].repeat(n);
    } else out += ch;
  }
  return out;
}

export function checksum(s: string): string {
  let c = 0;
  for (let i = 0; i < s.length; i++) c = (c + s.charCodeAt(i)) & 0xff;
  return c.toString(16).padStart(2, '0');
}

/** Little-endian hex (a `p` reply) → unsigned value. */
export function leHexToBigInt(hex: string): bigint {
  let v = 0n;
  for (let i = hex.length - 2; i >= 0; i -= 2) v = (v << 8n) | BigInt(parseInt(hex.slice(i, i + 2), 16));
  return v;
}

export class GdbRemote {
  private buf = '';
  private pending: Pending | undefined;
  private lastSent = '';
  private closedWith: Error | undefined;

  constructor(private readonly child: ChildProcessWithoutNullStreams) {
    child.stdout.on('data', (d: Buffer) => this.onData(d.toString('latin1')));
    child.on('exit', (code, signal) => this.fail(new GdbProtocolError(`QEMU exited (${signal ?? `code ${code}`})`)));
    child.on('error', (err) => this.fail(err));
    child.stdin.on('error', (err) => this.fail(err));
  }

  private fail(err: Error): void {
    this.closedWith ??= err;
    const p = this.pending;
    this.pending = undefined;
    p?.reject(err);
  }

  private onData(text: string): void {
    this.buf += text;
    if (this.buf.length > MAX_PACKET) return this.fail(new GdbProtocolError(`reply larger than ${MAX_PACKET} bytes`));
    for (;;) {
      // Acks between packets; a `-` asks for the last packet again.
      while (this.buf.length > 0 && (this.buf[0] === '+' || this.buf[0] === '-')) {
        if (this.buf[0] === '-') this.child.stdin.write(this.lastSent);
        this.buf = this.buf.slice(1);
      }
      const start = this.buf.indexOf('$');
      if (start < 0) return;
      const hash = this.buf.indexOf('#', start);
      if (hash < 0 || this.buf.length < hash + 3) return;
      const body = this.buf.slice(start + 1, hash);
      const sum = this.buf.slice(hash + 1, hash + 3);
      this.buf = this.buf.slice(hash + 3);
      if (checksum(body) !== sum.toLowerCase()) {
        this.child.stdin.write('-');
        continue;
      }
      this.child.stdin.write('+');
      const p = this.pending;
      this.pending = undefined;
      if (p) p.resolve(decodeReply(body));
      // A packet nobody waits for (none is expected from QEMU in all-stop mode) is dropped.
    }
  }

  /** Send one packet and wait for its reply. */
  request(packet: string): Promise<string> {
    if (this.closedWith) return Promise.reject(this.closedWith);
    if (this.pending) return Promise.reject(new GdbProtocolError('one request at a time'));
    return new Promise<string>((resolve, reject) => {
      this.pending = { resolve, reject };
      this.lastSent = `$${packet}#${checksum(packet)}`;
      this.child.stdin.write(this.lastSent);
    });
  }

  /** A request whose reply must be `OK`. */
  async command(packet: string): Promise<void> {
    const reply = await this.request(packet);
    if (reply !== 'OK') throw new GdbProtocolError(`'${packet}' answered '${reply}'`);
  }

  /** Read a whole qXfer object (e.g. `features`, `target.xml`). */
  async readXfer(object: string, annex: string): Promise<string> {
    let text = '';
    for (let offset = 0; text.length < MAX_PACKET; ) {
      const reply = await this.request(`qXfer:${object}:read:${annex}:${offset.toString(16)},fff`);
      if (reply[0] !== 'm' && reply[0] !== 'l') throw new GdbProtocolError(`qXfer ${annex}: '${reply}'`);
      text += reply.slice(1);
      offset += reply.length - 1;
      if (reply[0] === 'l') return text;
    }
    throw new GdbProtocolError(`qXfer ${annex} larger than ${MAX_PACKET} bytes`);
  }

  async readRegister(regnum: number): Promise<bigint> {
    const reply = await this.request(`p${regnum.toString(16)}`);
    if (!/^[0-9a-f]+$/i.test(reply)) throw new GdbProtocolError(`register ${regnum}: '${reply}'`);
    return leHexToBigInt(reply);
  }

  async writeMemory(address: number, bytes: Uint8Array): Promise<void> {
    const hex = Buffer.from(bytes).toString('hex');
    await this.command(`M${address.toString(16)},${bytes.length.toString(16)}:${hex}`);
  }

  /** Run a monitor (HMP) command, e.g. `system_reset`. */
  async monitor(cmd: string): Promise<void> {
    const reply = await this.request(`qRcmd,${Buffer.from(cmd, 'latin1').toString('hex')}`);
    if (reply !== 'OK' && !/^O/.test(reply)) throw new GdbProtocolError(`monitor ${cmd}: '${reply}'`);
  }

  /**
   * Continue until the target stops (a breakpoint: `T05…`). After `hangGuardSeconds`
   * the target is interrupted (it then stops with SIGINT, `T02…`): `timedOut` says so.
   */
  async continueUntilStop(hangGuardSeconds: number): Promise<{ reply: string; timedOut: boolean }> {
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      this.child.stdin.write('\x03');
    }, hangGuardSeconds * 1000);
    try {
      const reply = await this.request('c');
      return { reply, timedOut };
    } finally {
      clearTimeout(timer);
    }
  }

  /** Ask QEMU to quit and wait for the process to end. */
  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    const exited = new Promise<void>((resolve) => this.child.once('exit', () => resolve()));
    this.closedWith ??= new GdbProtocolError('closed');
    this.child.stdin.write(`$k#${checksum('k')}`);
    const kill = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await exited;
    clearTimeout(kill);
  }
}
