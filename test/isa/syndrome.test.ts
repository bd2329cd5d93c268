/**
 * The instruction syndrome of Data Aborts (Arm ARM D24.2 ESR_EL2, "ISS encoding for an exception from
 * a Data Abort", ISV): a hypervisor emulating MMIO reads SAS/SSE/SRT/SF/AR from ESR_EL2, so every
 * single-register load/store without writeback must report them for a stage-2 fault taken to EL2,
 * and every other access must report ISV=0.
 */
import * as assert from 'node:assert/strict';
import { parseScenario } from '../../simulator';
import { Machine } from '../../simulator/engine/machine';
import { applyPageTables } from '../../simulator/mmu/pagetable/block';
import { assembleText } from '../../simulator/isa/index';
import { MmuFault, toSyncException } from '../../simulator/mmu/faults';
import { AccessType } from '../../simulator/mmu/types';
import { withInstructionSyndrome } from '../../simulator/pe/step';

/**
 * A guest at EL1 (stage 1 off, so VA = IPA) under a stage 2 that maps its code page and a read-only page;
 * the hypervisor's lower-EL synchronous handler logs ESR_EL2 (32 bits) at LOG and skips the instruction.
 */
const SCENARIO = (guest: string[]) => `
system {
  pes 1
  memory ram at 0x8000_0000 size 0x100_0000
  cache_model off
  max_steps 10000
}
const MMIO = 0x8080_0100      // no stage-2 mapping: a level-2 Translation fault
const NEAR = 0x8000_2000      // no stage-2 mapping, within LDR (literal) range: a level-3 Translation fault
const RO   = 0x8040_0000      // read-only at stage 2: a level-3 Permission fault on writes
pagetable guest_s2 stage 2 at 0x8010_0000 t0sz 32 sl0 1 pool 0x8011_0000 size 0x1_0000 {
  map 0x8000_0000 size 0x1000 to 0x8000_0000 normal_wb ish rw x
  map RO size 0x1000 to RO normal_wb ish ro
}
pe 0 {
  el 2
  entry hyp
  hcr_el2 = 0x8000_0001              // RW | VM
  vtcr_el2 = 0x8005_3560             // T0SZ=32, SL0=1, WB Inner Shareable walks, 4K, PS=48 bits
  vttbr_el2 = 0x8010_0000
  vbar_el2 = 0x8000_0800
  elr_el2 = guest
  spsr_el2 = 0x3c5                   // EL1h, DAIF masked
  x20 = 0x8020_0000                  // the ESR log
}
code at 0x8000_0000 {
hyp:
    eret
guest:
    ldr   x1, =MMIO
    mov   x7, #8
    ldr   x16, =RO
${guest.map((l) => `    ${l}`).join('\n')}
    hlt   #0
}
code at 0x8000_0c00 {                // VBAR_EL2 + 0x400: synchronous exception from a lower EL
    mrs   x21, esr_el2
    str   w21, [x20], #4
    mrs   x22, elr_el2
    add   x22, x22, #4
    msr   elr_el2, x22
    eret
}
`;

/** ESR_EL2 of each guest instruction, in order (each faults once). */
function syndromes(guest: string[]): number[] {
  const model = parseScenario(SCENARIO(guest), 'syndrome.armscope');
  assert.deepEqual(
    model.diagnostics.filter((d) => d.severity === 'error').map((d) => d.message),
    [],
  );
  applyPageTables(model);
  const m = Machine.create(model);
  m.run();
  assert.equal(m.faults.length, guest.length, m.faults.map((f) => f.reason).join('\n'));
  return guest.map((_, i) => m.physical.readU32(0x8020_0000 + 4 * i) >>> 0);
}

describe('isa: Data Abort instruction syndrome (ESR_ELx.ISV)', () => {
  it('single-register loads and stores report SAS, SSE, SRT, SF and AR for a stage-2 fault taken to EL2', () => {
    const cases: [string, number][] = [
      ['ldr x2, [x1]', 0x93c2_8006], // ISV, SAS=3, SRT=2, SF; Translation level 2
      ['ldrb w3, [x1, #1]', 0x9303_0006], // SAS=0, SRT=3, 32-bit
      ['ldrsh x4, [x1]', 0x9364_8006], // SAS=1, SSE, SRT=4, SF
      ['ldrsb w5, [x1]', 0x9325_0006], // SSE into a W register: SF=0
      ['str w6, [x1, x7]', 0x9386_0046], // register offset; WnR
      ['stur xzr, [x1, #-8]', 0x93df_8046], // SRT=31 (XZR) is reported too
      ['ldr x8, NEAR', 0x93c8_8007], // LDR (literal); Translation level 3
      ['ldrsw x13, [x1, w7, uxtw #2]', 0x93ad_8006], // SAS=2, SSE, SF
      ['ldtr x12, [x1]', 0x93cc_8006], // unprivileged
      ['ldar x9, [x1]', 0x93c9_c006], // AR=1
      ['stlrb w10, [x1]', 0x930a_4046], // AR=1, WnR
      ['ldapr w11, [x1]', 0x938b_4006], // FEAT_LRCPC: AR=1
      ['str x15, [x16]', 0x93cf_804f], // stage-2 Permission fault level 3 on a write
    ];
    const got = syndromes(cases.map(([i]) => i));
    assert.deepEqual(
      got.map((v, i) => `${cases[i][0]}: 0x${v.toString(16)}`),
      cases.map(([i, v]) => `${i}: 0x${v.toString(16)}`),
    );
  });

  it('writeback forms, pairs, exclusives and atomics report ISV=0 (ISS[23:14] RES0)', () => {
    const cases: [string, number][] = [
      ['ldr x13, [x1, #8]!', 0x9200_0006],
      ['ldr x13, [x1], #8', 0x9200_0006],
      ['str x13, [x1, #-16]!', 0x9200_0046],
      ['ldp x13, x14, [x1]', 0x9200_0006],
      ['stp x13, x14, [x1, #16]', 0x9200_0046],
      ['ldxr x13, [x1]', 0x9200_0006],
      ['stxr w15, x13, [x1]', 0x9200_0046],
      ['ldadd x13, x14, [x1]', 0x9200_0006], // the read faults first: WnR=0
      ['swp x13, x14, [x1]', 0x9200_0006],
      ['cas x13, x14, [x1]', 0x9200_0006],
      ['stadd x13, [x16]', 0x9200_004f], // the read succeeds, the write takes the Permission fault: WnR=1
    ];
    const got = syndromes(cases.map(([i]) => i));
    assert.deepEqual(
      got.map((v, i) => `${cases[i][0]}: 0x${v.toString(16)}`),
      cases.map(([i, v]) => `${i}: 0x${v.toString(16)}`),
    );
  });

  it('an instruction the parser reuses from an earlier parse at another line keeps its syndrome and flow', () => {
    const text = SCENARIO(['ldr x2, [x1]']);
    const first = parseScenario(text, 'a.armscope');
    const moved = parseScenario(`// a line above moves every instruction\n${text}`, 'b.armscope');
    const at = (m: typeof first) => [...m.program.instrs.values()].find((i) => i.text === 'ldr x2, [x1]')!;
    assert.equal(at(moved).line, at(first).line! + 1);
    assert.equal(at(moved).iss, 0x01c2_8000);
    assert.equal(at(moved).flow, 'plain');
  });

  it('stage-1 faults and stage-2 faults on a stage-1 table walk (S1PTW) report ISV=0', () => {
    const ldr = assembleText('ldr x2, [x1]').instr!;
    assert.equal(ldr.iss, 0x01c2_8000);
    const stage1 = toSyncException(new MmuFault('translation', 1, 3, false, undefined, 's1'), 1, 1, 0x1000, AccessType.Read);
    withInstructionSyndrome(stage1, ldr);
    assert.equal(stage1.iss, 0x07);
    const s1ptw = toSyncException(new MmuFault('translation', 2, 3, true, 0x8000, 'walk'), 1, 1, 0x1000, AccessType.Read);
    withInstructionSyndrome(s1ptw, ldr);
    assert.equal(s1ptw.iss, 0x87);
    const stage2 = toSyncException(new MmuFault('translation', 2, 3, false, 0x1000, 's2'), 1, 1, 0x1000, AccessType.Read);
    withInstructionSyndrome(stage2, ldr);
    assert.equal(stage2.iss, 0x01c2_8007);
    // Instructions that are not loads or stores of one register carry no syndrome at all.
    for (const t of ['ldp x0, x1, [x2]', 'ldr x0, [x1], #8', 'ldxr x0, [x1]', 'ldadd x0, x1, [x2]', 'dc civac, x0', 'prfm pldl1keep, [x0]']) assert.equal(assembleText(t).instr!.iss, 0, t);
  });
});
