/**
 * The allocated sections of a little-endian ELF64 file (System V gABI, "Sections"):
 * name → address and contents. Enough to take GNU ld's output apart without
 * objcopy (one process less per case).
 */

export interface ElfSection {
  address: number;
  bytes: Uint8Array;
}

const SHT_NOBITS = 8;
const SHF_ALLOC = 2n;

export function readSections(file: Buffer): Map<string, ElfSection> {
  if (file.readUInt32BE(0) !== 0x7f454c46 || file[4] !== 2 || file[5] !== 1) throw new Error('not a little-endian ELF64 file');
  const shoff = Number(file.readBigUInt64LE(0x28));
  const shentsize = file.readUInt16LE(0x3a);
  const shnum = file.readUInt16LE(0x3c);
  const shstrndx = file.readUInt16LE(0x3e);
  const header = (i: number) => {
    const o = shoff + i * shentsize;
    return {
      name: file.readUInt32LE(o),
      type: file.readUInt32LE(o + 4),
      flags: file.readBigUInt64LE(o + 8),
      addr: Number(file.readBigUInt64LE(o + 16)),
      offset: Number(file.readBigUInt64LE(o + 24)),
      size: Number(file.readBigUInt64LE(o + 32)),
    };
  };
  const strtab = header(shstrndx);
  const nameAt = (off: number) => {
    const start = strtab.offset + off;
    return file.toString('latin1', start, file.indexOf(0, start));
  };
  const out = new Map<string, ElfSection>();
  for (let i = 1; i < shnum; i++) {
    const h = header(i);
    if ((h.flags & SHF_ALLOC) === 0n) continue;
    const bytes = h.type === SHT_NOBITS ? new Uint8Array(h.size) : new Uint8Array(file.subarray(h.offset, h.offset + h.size));
    out.set(nameAt(h.name), { address: h.addr, bytes });
  }
  return out;
}
