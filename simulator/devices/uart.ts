/**
 * A PL011-compatible UART (Arm PrimeCell UART PL011 TRM, DDI 0183, §3.3
 * "Register descriptions"): transmit is immediate (the characters land in
 * `output`), receive is fed by scenario events (`event … do uart input "…"`),
 * and the combined interrupt UARTINTR drives the SPI declared with
 * `device NAME uart at ADDR size SIZE irq INTID` as a level-sensitive line.
 *
 * Registers: UARTDR 0x000 (read pops the receive FIFO), UARTRSR/ECR 0x004,
 * UARTFR 0x018 (TXFE, RXFF, RXFE), UARTIBRD/FBRD/LCR_H/CR/IFLS 0x024-0x034
 * (storage), UARTIMSC 0x038, UARTRIS 0x03C, UARTMIS 0x040, UARTICR 0x044,
 * UARTDMACR 0x048, the peripheral and PrimeCell IDs at 0xFE0-0xFFC.
 *
 * Interrupts (DDI 0183 §3.4): the receive interrupt UARTRXINTR is asserted
 * while the receive FIFO holds a character (the FIFO-disabled behaviour; with
 * FIFOs the trigger level and receive timeout are not modelled, so it behaves
 * as a trigger level of one character); the transmit interrupt UARTTXINTR is
 * set each time a character has been sent (transmission is instantaneous) and
 * cleared by UARTICR.TXIC.
 */
import type { MmioDevice } from '../memory/flat';

const RX = 1 << 4;
const TX = 1 << 5;
/** Depth of the PL011 receive FIFO (DDI 0183 §2.4.3): further input sets the overrun error. */
const RX_FIFO_DEPTH = 32;

interface UartSnapshot {
  output: string;
  rx: string;
  regs: number[];
  txris: number;
  overrun: number;
}

/** The interrupt line a UART drives (a GIC SPI input). */
export type InterruptLine = (high: boolean) => void;

export class Pl011 implements MmioDevice {
  readonly name: string;
  /** SPI the scenario declared (`irq INTID`), if any. */
  readonly irq: number | undefined;
  /** Characters transmitted so far. */
  output = '';
  /** Receive FIFO contents (oldest first). */
  private rx = '';
  private imsc = 0;
  private txris = 0;
  private overrun = 0;
  private ibrd = 0;
  private fbrd = 0;
  private lcrh = 0;
  /** UARTCR: UARTEN, TXE, RXE set (firmware has brought the UART up). */
  private cr = (1 << 0) | (1 << 8) | (1 << 9);
  private ifls = 0x12;
  private dmacr = 0;
  private line: InterruptLine | undefined;
  private lineLevel = false;

  constructor(name: string, irq?: number) {
    this.name = name;
    this.irq = irq;
  }

  /** Connect UARTINTR to an interrupt input. */
  connect(line: InterruptLine): void {
    this.line = line;
    this.lineLevel = false;
    this.drive();
  }

  /** Characters arrive on the receive line (scenario `uart input`). Beyond the FIFO depth they are lost (overrun, UARTRSR.OE). */
  input(text: string): void {
    for (const ch of text) {
      if (this.rx.length >= RX_FIFO_DEPTH) this.overrun = 1;
      else this.rx += ch;
    }
    this.drive();
  }

  /** Characters received and not yet read. */
  pendingInput(): string {
    return this.rx;
  }

  /** Raw interrupt status (UARTRIS). */
  rawStatus(): number {
    return (this.rx.length > 0 ? RX : 0) | (this.txris !== 0 ? TX : 0);
  }

  private drive(): void {
    const high = (this.rawStatus() & this.imsc) !== 0;
    if (this.line !== undefined && high !== this.lineLevel) {
      this.lineLevel = high;
      this.line(high);
    }
  }

  read(offset: number, _size: number, out: { ldLo: number; ldHi: number }): void {
    out.ldHi = 0;
    out.ldLo = this.readReg(offset & ~3);
    this.drive();
  }

  private readReg(offset: number): number {
    switch (offset) {
      case 0x000: {
        if (this.rx.length === 0) return 0;
        const c = this.rx.charCodeAt(0) & 0xff;
        this.rx = this.rx.slice(1);
        return c;
      }
      case 0x004:
        return this.overrun << 3; // UARTRSR.OE
      case 0x018: // UARTFR: TXFE (7), RXFF (6), RXFE (4); never busy, transmit FIFO never full.
        return (1 << 7) | (this.rx.length >= RX_FIFO_DEPTH ? 1 << 6 : 0) | (this.rx.length === 0 ? 1 << 4 : 0);
      case 0x024:
        return this.ibrd;
      case 0x028:
        return this.fbrd;
      case 0x02c:
        return this.lcrh;
      case 0x030:
        return this.cr;
      case 0x034:
        return this.ifls;
      case 0x038:
        return this.imsc;
      case 0x03c:
        return this.rawStatus();
      case 0x040:
        return this.rawStatus() & this.imsc;
      case 0x048:
        return this.dmacr;
      // UARTPeriphID0-3 and UARTPCellID0-3 (DDI 0183 §3.3.14-15).
      case 0xfe0:
        return 0x11;
      case 0xfe4:
        return 0x10;
      case 0xfe8:
        return 0x34;
      case 0xfec:
        return 0x00;
      case 0xff0:
        return 0x0d;
      case 0xff4:
        return 0xf0;
      case 0xff8:
        return 0x05;
      case 0xffc:
        return 0xb1;
      default:
        return 0;
    }
  }

  // eslint-disable-next-line @typescript-eslint/no-unused-vars -- the MMIO contract passes the high word; the PL011's registers are 32-bit
  write(offset: number, _size: number, lo: number, _hi: number): void {
    switch (offset & ~3) {
      case 0x000:
        this.output += String.fromCharCode(lo & 0xff);
        this.txris = 1;
        break;
      case 0x004:
        this.overrun = 0; // UARTECR: any write clears the error bits
        break;
      case 0x024:
        this.ibrd = lo & 0xffff;
        break;
      case 0x028:
        this.fbrd = lo & 0x3f;
        break;
      case 0x02c:
        this.lcrh = lo & 0xff;
        break;
      case 0x030:
        this.cr = lo & 0xff87;
        break;
      case 0x034:
        this.ifls = lo & 0x3f;
        break;
      case 0x038:
        this.imsc = lo & 0x7ff;
        break;
      case 0x044:
        if ((lo & TX) !== 0) this.txris = 0; // UARTICR.TXIC; RXIC cannot clear a non-empty FIFO's condition
        break;
      case 0x048:
        this.dmacr = lo & 7;
        break;
    }
    this.drive();
  }

  snapshot(): unknown {
    const s: UartSnapshot = {
      output: this.output,
      rx: this.rx,
      regs: [this.imsc, this.ibrd, this.fbrd, this.lcrh, this.cr, this.ifls, this.dmacr],
      txris: this.txris,
      overrun: this.overrun,
    };
    return s;
  }

  restore(snap: unknown): void {
    // Older snapshots held only the output text.
    if (typeof snap === 'string') {
      this.output = snap;
      return;
    }
    const s = snap as UartSnapshot;
    this.output = s.output;
    this.rx = s.rx;
    [this.imsc, this.ibrd, this.fbrd, this.lcrh, this.cr, this.ifls, this.dmacr] = s.regs;
    this.txris = s.txris;
    this.overrun = s.overrun;
    // The GIC restores its own input levels; keep ours consistent with it.
    this.lineLevel = (this.rawStatus() & this.imsc) !== 0;
  }
}
