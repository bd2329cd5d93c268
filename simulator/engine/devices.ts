/**
 * Memory-mapped devices the flat memory system dispatches to. Only what
 * scenarios use to print: a PL011-compatible UART (Arm PrimeCell UART PL011
 * TRM, DDI 0183, §3.3 "Register descriptions"). Other device models (the GIC,
 * timers) belong to their own layers; a declared device without a model here
 * is plain memory.
 */
import type { MmioDevice } from '../memory/flat';
import type { DeviceDecl } from '../scenario/model';

/** UARTDR (data) at 0x000, UARTFR (flags) at 0x018: TXFE=1, RXFE=1, never busy or full. */
export class Pl011 implements MmioDevice {
  readonly name: string;
  /** Characters transmitted so far. */
  output = '';

  constructor(name: string) {
    this.name = name;
  }

  read(offset: number, _size: number, out: { ldLo: number; ldHi: number }): void {
    out.ldHi = 0;
    switch (offset) {
      case 0x018: // UARTFR: TXFE (bit 7) and RXFE (bit 4) set: transmit FIFO empty, nothing received.
        out.ldLo = (1 << 7) | (1 << 4);
        return;
      case 0x030: // UARTCR: UARTEN, TXE, RXE
        out.ldLo = (1 << 0) | (1 << 8) | (1 << 9);
        return;
      default:
        out.ldLo = 0;
    }
  }

  write(offset: number, _size: number, lo: number, _hi: number): void {
    if (offset === 0x000) this.output += String.fromCharCode(lo & 0xff);
  }

  snapshot(): unknown {
    return this.output;
  }

  restore(s: unknown): void {
    this.output = s as string;
  }
}

export function createDevice(decl: DeviceDecl): MmioDevice | undefined {
  switch (decl.model.toLowerCase()) {
    case 'uart':
    case 'pl011':
      return new Pl011(decl.name);
    default:
      return undefined;
  }
}
