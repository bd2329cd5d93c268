import * as assert from 'node:assert/strict';
import { decodeDescriptor, decodeFunctionId, decodeValue, formatDecoded, formatDescriptor, formatFunctionId, formatInline, formatMarkdown } from '../../simulator/arch';

describe('arch: text formatter', () => {
  it('formats ESR_EL2 as an aligned table with ISS children indented', () => {
    const text = formatDecoded(decodeValue('ESR_EL2', 0x9600_0047n)!);
    const lines = text.split('\n');
    assert.equal(lines[0], 'ESR_EL2 = 0x9600_0047 — Exception Syndrome Register (EL2): why an exception was taken to EL2');
    assert.match(lines[1], /^ {2}bits +field +value +meaning$/);
    const ec = lines.find((l) => l.includes(' EC '))!;
    assert.match(ec, /^ {2}\[31:26\] +EC +0x25 +Data Abort taken without a change in Exception level$/);
    const dfsc = lines.find((l) => /\] +DFSC /.test(l))!;
    assert.match(dfsc, /^ {4}\[5:0\] +DFSC +0x7 +Translation fault, level 3$/);
    // columns align: "field" column starts at the same offset on every row
    const col = lines[1].indexOf('field');
    for (const l of lines.slice(2)) assert.notEqual(l[col], ' ', l);
    // zero RES0 fields are hidden by default, shown on request
    assert.ok(!text.includes('RES0'));
    assert.ok(formatDecoded(decodeValue('ESR_EL2', 0x9600_0047n)!, { showReserved: true }).includes('RES0'));
  });

  it('flags RES1 violations', () => {
    const text = formatDecoded(decodeValue('VTCR_EL2', 0x0005_3590n)!);
    assert.match(text, /\[31\] +RES1 +0b0 +!! RES1 bits clear: should be 1/);
  });

  it('formats descriptors and inline summaries', () => {
    const text = formatDescriptor(decodeDescriptor(0x0060_0000_8800_0747n, { stage: 1, level: 3 }));
    assert.ok(text.startsWith('Stage 1 level 3 descriptor 0x60_0000_8800_0747: Page 4KB → 0x8800_0000'));
    assert.match(text, /\[4:2\] +AttrIndx +0b001 +Attr1/);
    const inline = formatInline(decodeValue('SPSR_EL2', 0x3c9n)!.fields);
    assert.match(inline, /M\[3:0\]=0b1001 \(EL2h\)/);
  });
});

describe('arch: markdown and FID formatting', () => {
  it('formats a Markdown table and a function ID', () => {
    const md = formatMarkdown(decodeValue('HCR_EL2', (1n << 31n) | 1n)!, { provenance: 'from line 3' });
    const lines = md.split('\n');
    assert.equal(lines[0], '**HCR_EL2** = `0x8000_0001` — from line 3');
    assert.equal(lines[2], 'Hypervisor Configuration Register: virtualization controls and traps to EL2');
    assert.equal(lines[4], '| bits | field | value | meaning |');
    assert.ok(lines.includes('| 31 | RW | `0b1` | EL1 is AArch64 |'));
    assert.ok(lines.includes('| 0 | VM | `0b1` | Stage 2 enabled |'));
    // HCR_EL2 has many fields: the zero single-bit ones are named on one line; zero multi-bit fields are encodings and stay rows.
    assert.match(lines[lines.length - 1], /^0: .*\bE2H\b/);
    assert.ok(lines.includes('| 11:10 | BSU | `0b00` | No effect |'));
    assert.doesNotMatch(lines[lines.length - 1], /\bBSU\b/);
    const vtcr = formatMarkdown(decodeValue('VTCR_EL2', 0x8005_3560n)!);
    assert.match(vtcr, /\| 15:14 \| TG0 \| `0b00` \| 4KB granule \|/);
    // ESR: ISS sub-fields are indented; a RES1 violation is flagged.
    const esr = formatMarkdown(decodeValue('ESR_EL2', 0x9200_004fn)!);
    assert.match(esr, /\| 5:0 \| ↳ DFSC \| `0xf` \|/);
    assert.match(formatMarkdown(decodeValue('CPTR_EL2', 0x22ffn)!), /\| 12 \| ⚠ TSM \| `0b0` \|[^\n]*\n[\s\S]*⚠ 2 reserved field\(s\) hold the wrong value\./);
    assert.equal(formatFunctionId(decodeFunctionId(0x8400_0073)), '0x8400_0073 FFA_MEM_SHARE_32: Fast SMC32, OEN 4 (Standard Secure Service Calls), function 0x73');
  });
});
