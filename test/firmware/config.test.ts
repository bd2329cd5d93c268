import * as assert from 'node:assert/strict';
import { parseFirmwareConfig, parseUuid } from '../../simulator/firmware/config';
import { parseScenario } from '../../simulator';

function diags(text: string, rule?: string): string[] {
  const m = parseScenario(text, 'c.armscope');
  return m.diagnostics.filter((d) => d.severity === 'error' && (rule === undefined || d.rule === rule)).map((d) => `${d.range.start.line}:${d.range.start.col} ${d.message}`);
}

const base = 'system { pes 1 }\npe 0 { el 1; security nonsecure; entry main }\ncode at 0x8000_0000 {\nmain:\n    hlt #0\n}\n';

describe('firmware: scenario blocks', () => {
  it('a complete configuration parses with no diagnostics and the values the blocks give', () => {
    const text = `${base}firmware { monitor builtin; spmc builtin; ffa_version 1.2; nwd_id 0x0001 }
spmc { tables 0x0610_0000 size 0x10_0000; memory_attributes normal_wb osh; barrier dsb osh; vtcr_el2 0x8005_2560; vhe on; direct_resp_interrupted error; el0_tables shared }
partition a { id 0x8001; uuid 486178e0-e7f8-11e3-bc5e-0002a5d5c51b; el 0; vcpus 2; entry main; memory 0x0e00_0000 size 0x1000; device 0x1c0a_0000 size 0x1000; rxtx 0x0e00_0000 0x0e00_1000 pages 1; interrupts 40, 41; ns_interrupts managed_exit; managed_exit_virq on; notifications on; messages receive; stack 0x0e00_0ff0 }
`;
    const m = parseScenario(text, 'c.armscope');
    assert.deepEqual(m.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message), []);
    const cfg = parseFirmwareConfig(m)!;
    assert.equal(cfg.ffaVersion, 0x1_0002);
    assert.equal(cfg.nwdId, 1);
    assert.equal(cfg.memoryAttributes.label, 'Normal-WB OSH');
    assert.deepEqual(cfg.barrier, { kind: 'dsb', domain: 'osh' });
    assert.equal(cfg.vtcr, 0x8005_2560n);
    assert.equal(cfg.vhe, true);
    assert.equal(cfg.directRespInterrupted, 'error');
    assert.equal(cfg.el0Tables, 'shared');
    const p = cfg.partitions[0];
    assert.deepEqual([p.id, p.el, p.vcpus, p.entry, p.stack], [0x8001, 0, 2, 0x8000_0000, 0x0e00_0ff0]);
    assert.deepEqual(p.uuid, [0x486178e0, 0xe7f811e3, 0xbc5e0002, 0xa5d5c51b]);
    assert.deepEqual(p.interrupts, [40, 41]);
    assert.deepEqual(p.devices, [{ base: 0x1c0a_0000, size: 0x1000 }]);
    assert.deepEqual([p.nsInterrupts, p.managedExitVirq, p.notifications, p.receive, p.send], ['managed_exit', true, true, true, false]);
  });

  it('reports each mistake on its word', () => {
    const text = `${base}spmc { colour blue; memory_attributes normal_wb xsh }
partition a { id 0x0005; entry main; memory 0x0e00_0001 size 0x1000; interrupts 5; el 0 }
partition b { entry nowhere }
`;
    const d = diags(text);
    assert.ok(d.some((x) => x.startsWith('6:7 spmc: unknown setting \'colour\'')), d.join('\n'));
    assert.ok(d.some((x) => /^6:\d+ unknown attribute 'xsh'/.test(x)));
    assert.ok(d.some((x) => /^7:17 a secure partition ID has bit 15 set/.test(x)));
    assert.ok(d.some((x) => /memory: address and size must be non-zero multiples of 4 KB/.test(x)));
    assert.ok(d.some((x) => /a device interrupt is a PPI \(16–31\) or SPI/.test(x)));
    assert.ok(d.some((x) => /^8:\d+ entry point: .*nowhere/.test(x)), d.join('\n'));
    assert.ok(d.some((x) => /missing 'id 0x8001…'/.test(x)));
    const noTables = diags(`${base}partition c { id 0x8003; entry main; memory 0x0e00_0000 size 0x1000 }\n`, 'firmware');
    assert.ok(noTables.some((x) => /needs memory for the partitions' translation tables/.test(x)), noTables.join('\n'));
  });

  it('S-EL0 partitions need vhe on; duplicate IDs are reported', () => {
    const text = `${base}spmc { tables 0x0610_0000 size 0x1000 }
partition a { id 0x8001; entry main; memory 0x0e00_0000 size 0x1000; el 0 }
partition b { id 0x8001; entry main; memory 0x0e10_0000 size 0x1000 }
`;
    const d = diags(text, 'firmware');
    assert.ok(d.some((x) => /an S-EL0 partition needs the SPMC to run with VHE/.test(x)));
    assert.ok(d.some((x) => /FF-A ID 0x8001 is already used by partition a/.test(x)));
  });

  it('ffa_descriptor: unknown fields and permissions are errors; the bytes land in the image', () => {
    const bad = diags(`${base}ffa_descriptor d at 0x8800_0000 {\n  receiver 0x8001 rwx\n  colour 3\n}\n`, 'ffa-descriptor');
    assert.deepEqual(bad.length, 2);
    const m = parseScenario(`${base}ffa_descriptor d at 0x8800_0000 {\n  sender 1\n  receiver 0x8001 rw nx\n  pages 0x8810_0000 2\n}\n`, 'd.armscope');
    const chunk = m.program.chunks.find((c) => c.address === 0x8800_0000);
    assert.ok(chunk);
    assert.equal(chunk.bytes.length, 96);
    assert.equal(chunk.bytes[0], 1);
    assert.equal(chunk.bytes[50], 0b0110);
  });

  it('UUIDs parse as four 32-bit words; malformed ones are rejected', () => {
    assert.deepEqual(parseUuid('00000000-0000-0000-0000-000000000001'), [0, 0, 0, 1]);
    assert.equal(parseUuid('1234'), undefined);
    assert.equal(parseUuid('zz6178e0-e7f8-11e3-bc5e-0002a5d5c51b'), undefined);
  });
});
