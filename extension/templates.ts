/**
 * Starting points for "Armscope: New Scenario": each a complete scenario that
 * parses without a diagnostic and runs with every expectation holding
 * (test/extension/templates.test.ts), so a first run shows what a passing
 * scenario looks like before the user breaks it on purpose. No `vscode`
 * import: the test loads this file as it is.
 */

export interface ScenarioTemplate {
  id: string;
  label: string;
  detail: string;
  /** File name offered for the new scenario. */
  fileName: string;
  text: string;
}

const BARE_EL1 = `// A bare-metal program at EL1 (MMU off): stores a value, reads it back,
// takes an SVC to its own vector table and returns. Change the code, run it
// (Armscope: Run scenario) or debug it (F5).
scenario "Bare EL1"

system {
  pes 1
  memory ram at 0x8000_0000 size 0x10_0000
  cache_model on
  max_steps 1000
}

pe 0 {
  el 1
  entry start
  vbar_el1 = vectors
  sp = 0x8008_0000
}

code at 0x8000_0000 {
start:
    mov   x0, #0x2a
    adr   x1, result
    str   x0, [x1]
    ldr   x2, [x1]
    svc   #1                        // to vectors + 0x200 (current EL, SP_ELx)
done:
    hlt   #0

    .align 11
vectors:
    .skip 0x200
sync_current:
    mrs   x3, esr_el1               // EC 0x15: SVC from AArch64
    eret
}

data at 0x8000_2000 {
result:
    .quad 0
}

expect {
  pe 0 x2 == 0x2a
  pe 0 x3 == 0x5600_0001            // ESR_EL1: EC 0x15 (SVC), IL, imm16 = 1
  mem[result] == 0x2a
  no fault
  halted pe 0
}
`;

const EL2_STAGE2 = `// A hypervisor at EL2 runs a guest at EL1 behind stage-2 translation
// (HCR_EL2.VM). The guest reads a page its stage 2 maps, then one it does not:
// a stage-2 translation fault taken to EL2, whose handler reads ESR_EL2,
// HPFAR_EL2 and FAR_EL2.
scenario "EL2 + stage 2"

system {
  pes 1
  memory hyp at 0x0600_0000 size 0x20_0000
  memory ram at 0x8800_0000 size 0x100_0000
  cache_model on
  max_steps 1000
}

const MAPPED   = 0x8800_1000
const UNMAPPED = 0x8820_0000

// The guest's stage 2: its image and one data page, identity-mapped.
pagetable guest_s2 stage 2 at 0x0610_0000 t0sz 32 sl0 1 pool 0x0611_0000 size 0x1_0000 {
  map 0x8800_0000 size 0x2000 to 0x8800_0000 normal_wb ish rw x
}

pe 0 {
  el 2
  entry hyp_start
  hcr_el2 = 0x8000_0001              // RW | VM: stage 2 for EL1&0
  vtcr_el2 = 0x8000_3560             // T0SZ=32, SL0=1 (level 1), WBWA, Inner Shareable, 4 KB
  vttbr_el2 = 0x0001_0000_0610_0000  // VMID 1
  vbar_el2 = hyp_vectors
  elr_el2 = guest
  spsr_el2 = 0x3c5                   // EL1h, DAIF masked
}

code hypervisor at 0x0600_0000 {
hyp_start:
    eret                             // enter the guest

    .align 11
hyp_vectors:
    .skip 0x400
lower_sync:                          // synchronous exception from a lower EL
    mrs   x3, esr_el2
    mrs   x4, hpfar_el2
    mrs   x5, far_el2
    hlt   #1
}

code guest at 0x8800_0000 {
    ldr   x1, =MAPPED
    ldr   x2, [x1]                   // mapped at stage 2
    ldr   x1, =UNMAPPED
touch:
    ldp   x2, x6, [x1]               // not mapped: stage-2 translation fault (a pair: no ISV syndrome)
    hlt   #0
}

data at MAPPED {
    .quad 0x1234
}

expect {
  fault translation stage 2 level 2 on pe 0 at touch
  pe 0 x3 == 0x9200_0006             // EC 0x24 (Data Abort from a lower EL), DFSC translation level 2
  pe 0 x4 == 0x88_2000               // HPFAR_EL2.FIPA: IPA[47:12]
  pe 0 x5 == UNMAPPED
  halted pe 0
}
`;

const SPMC_TWO_PARTITIONS = `// The built-in EL3 monitor and SPMC (Hafnium-like, S-EL2) with two S-EL1
// partitions. The Normal world sends each a direct request; each answers with
// its payload plus its own increment (FF-A v1.1 §15: the payload is x3-x7).
scenario "SPMC + two partitions"

system {
  pes 1
  memory spmc_mem at 0x0600_0000 size 0x20_0000 secure
  memory sp1_mem at 0x0e10_0000 size 0x10_0000 secure
  memory sp2_mem at 0x0e20_0000 size 0x10_0000 secure
  memory ram at 0x8800_0000 size 0x100_0000
  max_steps 5000
}

const FFA_MSG_WAIT             = 0x8400006B
const FFA_MSG_SEND_DIRECT_REQ  = 0x8400006F
const FFA_MSG_SEND_DIRECT_RESP = 0x84000070

firmware { monitor builtin; spmc builtin }

spmc {
  tables 0x0610_0000 size 0x10_0000
}

partition sp1 {
  id 0x8001
  el 1
  entry sp1_entry
  memory 0x0e10_0000 size 0x10_0000
}

partition sp2 {
  id 0x8002
  el 1
  entry sp2_entry
  memory 0x0e20_0000 size 0x10_0000
}

pe 0 {
  el 1
  security nonsecure
  entry driver
}

// ---- Normal world (NS-EL1)
code nwd at 0x8800_0000 {
driver:
    ldr   x0, =FFA_MSG_SEND_DIRECT_REQ
    ldr   x1, =0x00008001            // sender 0x0000 → sp1
    mov   x2, #0
    mov   x3, #10                    // payload
    smc   #0                         // → FFA_MSG_SEND_DIRECT_RESP from sp1
    mov   x19, x3
    ldr   x0, =FFA_MSG_SEND_DIRECT_REQ
    ldr   x1, =0x00008002            // sender 0x0000 → sp2
    mov   x2, #0
    mov   x3, #20
    smc   #0                         // → FFA_MSG_SEND_DIRECT_RESP from sp2
    mov   x20, x3
    hlt   #0
}

// ---- sp1 (S-EL1): answers payload + 1
code sp1_image at 0x0e10_0000 {
sp1_entry:
    ldr   x0, =FFA_MSG_WAIT          // initialised: wait for a message
sp1_loop:
    smc   #0
    add   x3, x3, #1
    ldr   x0, =FFA_MSG_SEND_DIRECT_RESP
    ldr   x1, =0x80010000            // sp1 → 0x0000
    mov   x2, #0
    b     sp1_loop
}

// ---- sp2 (S-EL1): answers payload + 2
code sp2_image at 0x0e20_0000 {
sp2_entry:
    ldr   x0, =FFA_MSG_WAIT
sp2_loop:
    smc   #0
    add   x3, x3, #2
    ldr   x0, =FFA_MSG_SEND_DIRECT_RESP
    ldr   x1, =0x80020000            // sp2 → 0x0000
    mov   x2, #0
    b     sp2_loop
}

expect {
  pe 0 x19 == 11
  pe 0 x20 == 22
  pe 0 x0 == FFA_MSG_SEND_DIRECT_RESP
  no fault
  halted pe 0
}
`;

export const SCENARIO_TEMPLATES: readonly ScenarioTemplate[] = [
  { id: 'bare-el1', label: 'Bare EL1', detail: 'One PE at EL1, MMU off, its own vector table', fileName: 'bare-el1.armscope', text: BARE_EL1 },
  { id: 'el2-stage2', label: 'EL2 + stage 2', detail: 'A hypervisor at EL2, a guest at EL1 behind stage-2 tables, a stage-2 fault', fileName: 'el2-stage2.armscope', text: EL2_STAGE2 },
  {
    id: 'spmc-two-partitions',
    label: 'SPMC + two partitions',
    detail: 'Built-in EL3 monitor and SPMC, two S-EL1 partitions answering FF-A direct requests',
    fileName: 'spmc-two-partitions.armscope',
    text: SPMC_TWO_PARTITIONS,
  },
];
