import * as assert from 'node:assert/strict';
import * as fc from 'fast-check';
import type { SecureInterruptController } from '../../simulator/firmware/interrupts';
import { parseScenario } from '../../simulator';
import { describeCpuInterface, describeInterrupts } from '../../simulator/gic/view';
import { idle, machine } from './helpers';

describe('GIC as the firmware sees it (SecureInterruptController)', () => {
  function sel2() {
    // A PE in S-EL2 (SCR_EL3.EEL2=1 at reset for a Secure PE with EL2), firmware-initialised GIC.
    const m = idle({ pes: 2, el: 2, security: 'secure' });
    m.gic.initialiseForFirmware();
    return m;
  }

  it('the machine exposes the GIC as a SecureInterruptController', () => {
    const m = sel2();
    const ic: SecureInterruptController = m.gic;
    assert.equal(typeof ic.acknowledge, 'function');
  });

  it('configure + setEnabled + raise: highestPending reports INTID, priority and group; acknowledge/endOfInterrupt/deactivate complete it', () => {
    const m = sel2();
    const ic: SecureInterruptController = m.gic;
    ic.configure(33, { group: '1s', priority: 0x40, targetPe: 1 });
    ic.setEnabled(33, true);
    assert.equal(ic.isEnabled(33), true);
    m.gic.raise(33);
    assert.equal(ic.highestPending(0), undefined, 'routed to PE 1');
    assert.deepEqual(ic.highestPending(1), { intid: 33, priority: 0x40, group: '1s' });
    assert.equal(m.pes[1].irqLine, true, 'Secure Group 1 at S-EL2 → IRQ');
    assert.equal(ic.acknowledge(1, '1ns'), 1023, 'wrong group: spurious');
    assert.equal(ic.acknowledge(1, '1s'), 33);
    assert.equal(m.gic.isActive(33), true);
    assert.equal(m.gic.runningPriority(1), 0x40);
    m.gic.eoiModeS[1] = 1; // split priority drop and deactivation, as Hafnium does
    ic.endOfInterrupt(1, 33);
    assert.equal(m.gic.runningPriority(1), 0xff);
    assert.equal(m.gic.isActive(33), true, 'EOImode=1: EOI only dropped the priority');
    ic.deactivate(1, 33);
    assert.equal(m.gic.isActive(33), false);
  });

  it('SGIs and PPIs are configured per redistributor: `pe` selects it; configure without targetPe reaches every PE', () => {
    const m = sel2();
    const ic: SecureInterruptController = m.gic;
    ic.configure(8, { group: '1ns', priority: 0x90 });
    assert.deepEqual([m.gic.groupOf(8, 0), m.gic.groupOf(8, 1)], ['1ns', '1ns']);
    ic.setEnabled(8, true, 1);
    assert.deepEqual([ic.isEnabled(8, 0), ic.isEnabled(8, 1)], [false, true]);
  });

  it('setPriorityMask returns the previous mask and masks lower priorities (managed exit masking Non-secure interrupts)', () => {
    const m = sel2();
    m.gic.configure(40, { group: '1ns', priority: 0xa0, targetPe: 0 });
    m.gic.setEnabled(40, true);
    m.gic.raise(40);
    assert.equal(m.pes[0].fiqLine, true, 'Non-secure Group 1 at S-EL2 → FIQ');
    assert.equal(m.gic.setPriorityMask(0, 0x80), 0xf8);
    assert.equal(m.pes[0].fiqLine, false);
    assert.equal(m.pes[0].readSysreg('ICC_PMR_EL1'), 0x80n, 'the PE view shows the new mask');
    m.gic.setPriorityMask(0, 0xf8);
    assert.equal(m.pes[0].fiqLine, true);
  });

  it('onSignal tells listeners what each PE is signalled; onPending when an interrupt becomes pending', () => {
    const m = sel2();
    const seen: string[] = [];
    m.gic.onSignal((pe, s) => seen.push(`${pe}:${s ? s.intid : '-'}`));
    const pend: string[] = [];
    m.gic.onPending((intid, pe) => pend.push(`${intid}@${pe ?? 'spi'}`));
    m.gic.configure(50, { group: '1s', priority: 0x40, targetPe: 0 });
    m.gic.setEnabled(50, true);
    m.gic.raise(50);
    m.gic.acknowledge(0, '1s');
    m.gic.raise(5, 1);
    assert.deepEqual(pend, ['50@spi', '5@1']);
    assert.deepEqual(seen, ['0:50', '0:-']);
  });
});

describe('GIC checkpoints', () => {
  it('goToStep restores the GIC (pending, active, priorities, CPU interface) and replays to the same state', () => {
    const text = `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  max_steps 3000
}
gic {
  enable group1ns
  interrupt 40 group 1ns priority 0x80 enabled
}
pe 0 {
  el 1
  security nonsecure
  entry start
  vbar_el1 = 0x8000_0800
  icc_pmr_el1 = 0xff
  icc_igrpen1_el1 = 1
}
code at 0x8000_0000 {
start:
    msr   daifclr, #2
1:  cmp   x5, #5
    b.lt  1b
    hlt   #0
}
code at 0x8000_0a80 {
    mrs   x0, icc_iar1_el1
    add   x5, x5, #1
    msr   icc_eoir1_el1, x0
    eret
}
event every when step 100 do irq 40
`;
    const straight = machine(text, { checkpointInterval: 50 });
    straight.run(230);
    const want = straight.stateHash();
    const wantActive = straight.gic.isActive(40);
    straight.run();
    assert.equal(straight.pes[0].getX(5), 5n);
    const back = straight.goToStep(230);
    assert.equal(back, 230);
    assert.equal(straight.stateHash(), want);
    assert.equal(straight.gic.isActive(40), wantActive);
  });
});

describe('gic block', () => {
  const parse = (body: string, system = '  pes 2') => parseScenario(`system {\n${system}\n}\ngic {\n${body}\n}\n`, 't.armscope');
  const errors = (body: string, system?: string) => parse(body, system).diagnostics.filter((d) => d.severity === 'error').map((d) => `${d.range.start.line}: ${d.message} [${d.rule}]`);

  it('accepts the documented settings', () => {
    assert.deepEqual(errors('  distributor at 0x0800_0000\n  redistributors at 0x080a_0000\n  enable group0 group1s group1ns\n  interrupt 33 group 1s priority 0x40 target pe 1 level enabled\n  interrupt 27 group 1ns priority 0xa0 pe 0-1 enabled\n  interrupt 34 target any edge pending'), []);
  });

  it('reports bad settings at their line with rule ids', () => {
    assert.deepEqual(errors('  interrupt 2000'), ['4: INTID 2000 is out of range (0-1019: SGIs 0-15, PPIs 16-31, SPIs 32-1019) [out-of-range]']);
    assert.deepEqual(errors('  interrupt 40 group 2'), ["4: expected 0, 1s or 1ns after 'group' [gic]"]);
    assert.deepEqual(errors('  interrupt 40 target pe 5'), ["4: expected a PE number 0-1 or 'any' after 'target' [out-of-range]"]);
    assert.deepEqual(errors('  interrupt 27 target pe 1'), ["4: INTID 27 is a PPI: it is banked per PE, use 'pe N' or 'pe N-M' instead of 'target' [gic]"]);
    assert.deepEqual(errors('  distributor at 0x0800_1000'), ['4: the distributor frame must be 64 KB aligned, got 0x800_1000 [gic-misaligned]']);
    assert.deepEqual(errors('  enable group2'), ["4: unknown group 'group2' (expected group0, group1s or group1ns) [gic]"]);
    assert.deepEqual(errors('  colour blue'), ["4: unknown gic setting 'colour' (expected distributor, redistributors, enable or interrupt) [gic]"]);
  });

  it('an explicit placement that overlaps declared memory is an error', () => {
    const e = errors('  distributor at 0x8000_0000', '  pes 1\n  memory ram at 0x8000_0000 size 0x10_0000');
    assert.equal(e.length, 1);
    assert.match(e[0], /GIC distributor frame at 0x8000_0000 .* overlaps 'ram' at 0x8000_0000 \[gic-overlap\]/);
  });

  it('property: any interrupt line with valid attributes parses without errors and configures the GIC as written', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 32, max: 1019 }),
        fc.constantFrom('0', '1s', '1ns'),
        fc.integer({ min: 0, max: 255 }),
        fc.integer({ min: 0, max: 1 }),
        fc.boolean(),
        (intid, group, prio, target, edge) => {
          const text = `  enable group0 group1s group1ns\n  interrupt ${intid} group ${group} priority ${prio} target pe ${target} ${edge ? 'edge' : 'level'} enabled`;
          assert.deepEqual(errors(text), []);
          const m = idle({ pes: 2, extra: `gic {\n${text}\n}` });
          assert.equal(m.gic.groupOf(intid), group);
          assert.equal(m.gic.priorityOf(intid), prio & 0xf8);
          assert.equal(m.gic.spiTarget(intid), target);
          assert.equal(m.gic.edge[m.gic.index(intid)], edge ? 1 : 0);
          assert.equal(m.gic.isEnabled(intid), true);
        },
      ),
      { numRuns: 40 },
    );
  });

  it('property: arbitrary words in a gic block never throw and every problem is reported on a body line', () => {
    const word = fc.constantFrom('interrupt', 'group', 'priority', 'target', 'pe', 'any', 'enable', 'group0', 'level', 'edge', '33', '0x40', '1s', '2000', '0-1', 'distributor', 'at', 'x');
    fc.assert(
      fc.property(fc.array(fc.array(word, { minLength: 1, maxLength: 6 }), { maxLength: 5 }), (lines) => {
        const body = lines.map((l) => `  ${l.join(' ')}`).join('\n');
        const m = parse(body);
        for (const d of m.diagnostics.filter((x) => x.rule.startsWith('gic') || x.rule === 'out-of-range')) {
          assert.ok(d.range.start.line >= 3 && d.range.start.line <= 3 + lines.length, `${d.message} at line ${d.range.start.line}`);
        }
      }),
      { numRuns: 200 },
    );
  });
});

describe('irq events on SPIs', () => {
  it('warn when the event names a PE the SPI is not routed to (rule irq-routing); no warning when the gic block routes it there', () => {
    const base = 'system {\n  pes 2\n}\n';
    const warn = parseScenario(`${base}event when step 1 do irq 40 pe 1\n`, 't.armscope').diagnostics.filter((d) => d.rule === 'irq-routing');
    assert.equal(warn.length, 1);
    assert.equal(warn[0].severity, 'warning');
    assert.match(warn[0].message, /SPI 40 is routed by GICD_IROUTER, not by the event: it goes to PE 0 \(the GICD_IROUTER reset value; add 'interrupt 40 target pe 1' to the gic block\), not PE 1/);
    const ok = parseScenario(`${base}gic {\n  interrupt 40 target pe 1\n}\nevent when step 1 do irq 40 pe 1\nevent when step 2 do irq 5 pe 1\n`, 't.armscope');
    assert.deepEqual(ok.diagnostics.filter((d) => d.rule === 'irq-routing'), []);
  });
});

describe('GIC views', () => {
  it('describeInterrupts lists enabled, pending or active interrupts with group, priority, target and trigger; describeCpuInterface says what a PE is signalled', () => {
    const m = idle({ pes: 2, pe: '  icc_pmr_el1 = 0xff\n  icc_igrpen1_el1 = 1', extra: 'gic {\n  enable group1ns\n  interrupt 33 group 1ns priority 0xa0 target pe 1 enabled\n  interrupt 27 group 1ns priority 0x80 pe 0 enabled\n}' });
    m.gic.raise(33);
    const rows = describeInterrupts(m.gic);
    assert.deepEqual(
      rows.map((r) => [r.intid, r.kind, r.pe, r.group, r.priority, r.enabled, r.pending, r.active, r.trigger]),
      [
        [27, 'PPI', 0, 'Non-secure Group 1', 0x80, true, false, false, 'level'],
        [33, 'SPI', 1, 'Non-secure Group 1', 0xa0, true, true, false, 'level'],
      ],
    );
    assert.deepEqual(describeInterrupts(m.gic, 1).map((r) => r.intid), [33], 'SGIs/PPIs of PE 1 only, plus SPIs');
    assert.equal(describeCpuInterface(m.gic, 1), 'PE 1: INTID 33 (Non-secure Group 1, priority 0xa0); running priority 0xff');
    assert.equal(describeCpuInterface(m.gic, 0), 'PE 0: nothing signalled; running priority 0xff');
  });
});
