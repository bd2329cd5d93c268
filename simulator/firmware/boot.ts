/**
 * Booting the built-in firmware (TF-A's SPMD boot order, Hafnium's boot):
 * the partitions' boot-time translation tables are built into the initial
 * image (as the SPMC leaves them after boot, cleaned to the PoC), SCR_EL3 of
 * the Normal world is recorded, and on each PE that runs a Normal world the
 * partitions' vCPUs for that PE run first, each until FFA_MSG_WAIT, then the
 * Normal world starts. The interrupt controller gets the manifest and
 * platform interrupts.
 */
import type { Firmware } from './firmware';
import { captureCurrent } from './context';
import { GIC_HIGHEST_SEC_PRIORITY, SECURE_INTERRUPT_PRIORITY, type SecureInterruptController } from './interrupts';
import { bootUserSpmc } from './monitor';
import { SCR_FIQ, SCR_NS } from './registers';
import { mapPages, newStage1Tree, newStage2Tree, stage1El0PageBits, stage2PageBits, TablePoolExhausted, type DescriptorWriter, type TableTreeState } from './tables';

export function bootFirmware(fw: Firmware): void {
  const boot: DescriptorWriter = (pa, lo, hi) => {
    fw.host.physical.writeU32(pa, lo);
    fw.host.physical.writeU32(pa + 4, hi);
  };
  if (fw.cfg.spmc === 'builtin' && fw.cfg.tables) {
    let shared: TableTreeState | undefined;
    fw.cfg.partitions.forEach((p, i) => {
      const ps = fw.st.partitions[i];
      try {
        if (p.el === 1) {
          ps.s2 = newStage2Tree(fw.st.pool, fw.cfg.vtcr);
          for (const r of p.memory) mapPages(ps.s2, fw.st.pool, r.base, r.base, r.size, stage2PageBits({ read: true, write: true, exec: true }), boot);
          for (const r of p.devices) mapPages(ps.s2, fw.st.pool, r.base, r.base, r.size, stage2PageBits({ read: true, write: true, exec: false }, true), boot);
        } else if (fw.cfg.el0Tables === 'shared') {
          shared ??= newStage1Tree(fw.st.pool, 32);
          ps.s1 = shared;
        } else {
          ps.s1 = newStage1Tree(fw.st.pool, 32);
          for (const r of p.memory) mapPages(ps.s1, fw.st.pool, r.base, r.base, r.size, stage1El0PageBits({ write: true, exec: true }), boot);
          for (const r of p.devices) mapPages(ps.s1, fw.st.pool, r.base, r.base, r.size, stage1El0PageBits({ write: true, exec: false }, true), boot);
        }
        if (p.rxtx) ps.rxtx = { ...p.rxtx, rxFull: false };
      } catch (e) {
        if (!(e instanceof TablePoolExhausted)) throw e;
        ps.vcpus.forEach((v) => (v.state = 'aborted'));
      }
    });
    // The SPMC's own EL2&0 table (el0_tables shared): every partition's memory, reachable from EL0 (the isolation hole).
    if (shared) for (const p of fw.cfg.partitions) for (const r of p.memory) mapPages(shared, fw.st.pool, r.base, r.base, r.size, stage1El0PageBits({ write: true, exec: true }), boot);
  }
  for (const pe of fw.host.pes) {
    const scr = pe.readSysreg('SCR_EL3');
    // SCR_EL3.FIQ in the Normal world: Secure Group 1 (an FIQ there) goes to the SPMD for the SPMC, and Group 0 to the
    // SPMD's spmd_group0_interrupt_handler_nwd (TF-A registers both for NON_SECURE with EL3_EXCEPTION_HANDLING=0).
    const routeFiq = fw.gic && (fw.cfg.partitions.some((p) => p.interrupts.length > 0) || fw.cfg.el3Interrupts.length > 0);
    fw.scrNwd[pe.id] = scr | SCR_NS | (routeFiq ? SCR_FIQ : 0n);
  }
  if (fw.cfg.spmc !== 'builtin') {
    if (fw.cfg.monitor === 'builtin' && fw.cfg.spmcEntry !== undefined) bootUserSpmc(fw);
    return;
  }
  for (const pe of fw.host.pes) {
    const nonsecure = (pe.readSysreg('SCR_EL3') & SCR_NS) !== 0n;
    const runsNwd = nonsecure && pe.state !== 'halted';
    if (!runsNwd && !(pe.id === 0 && pe.state === 'halted' && pe.stopReason === 'no entry point')) continue;
    const fst = fw.st.pes[pe.id];
    fw.cfg.partitions.forEach((p, i) => {
      const vcpu = p.vcpus === 1 ? (pe.id === 0 ? 0 : -1) : pe.id < p.vcpus ? pe.id : -1;
      if (vcpu >= 0 && fw.st.partitions[i].vcpus[vcpu].state === 'off') fst.boot.push([i, vcpu]);
    });
    if (fst.boot.length === 0) continue;
    fst.nwdCtx = runsNwd ? captureCurrent(pe, 2) : undefined;
    pe.state = 'running';
    pe.stopReason = undefined;
    fw.bootNext(pe);
  }
}

/**
 * Attach the interrupt controller and leave it as TF-A and Hafnium configure it at boot: the partitions'
 * manifest interrupts and the platform's Group 0 interrupts.
 */
export function connectInterruptController(fw: Firmware, gic: SecureInterruptController): void {
  fw.gic = gic;
  gic.initialiseForFirmware?.();
  // The partitions' manifest interrupts: Secure Group 1, enabled, routed to PE 0 (Hafnium plat_interrupts_configure_interrupt).
  for (const p of fw.cfg.partitions)
    for (const intid of p.interrupts) {
      gic.configure(intid, { group: '1s', priority: SECURE_INTERRUPT_PRIORITY, targetPe: 0 });
      gic.setEnabled(intid, true, 0);
    }
  // The platform's Group 0 interrupts (TF-A gicv3_distif_init / gicv3_rdistif_init with PLAT_ARM_G0_IRQ_PROPS):
  // Group 0, GIC_HIGHEST_SEC_PRIORITY, enabled; an SPI routed to the boot PE, a PPI/SGI on every PE.
  for (const intid of fw.cfg.el3Interrupts) {
    const banked = intid <= 31;
    gic.configure(intid, { group: '0', priority: GIC_HIGHEST_SEC_PRIORITY, ...(banked ? {} : { targetPe: 0 }) });
    if (banked) fw.host.pes.forEach((_, pe) => gic.setEnabled(intid, true, pe));
    else gic.setEnabled(intid, true, 0);
  }
}
