/**
 * FF-A notifications (FF-A v1.1 §10 "Notifications"; Hafnium api.c
 * api_ffa_notification_*): bitmap create/destroy for the Normal world,
 * bind/unbind by the receiver, set by the bound sender, get and info-get.
 * A receiver partition gets the Notification Pending Interrupt (virtual INTID 5).
 */
import { FfaError } from '../arch/index';
import type { Pe } from '../pe/pe';
import { FFA_SUCCESS, ffaError, ffaSuccess } from './ffa';
import type { Firmware } from './firmware';
import { HF_VIRTUAL_INTID } from './interrupts';
import { h64, type EndpointRef, type NotificationState } from './state';

export function notificationsOf(fw: Firmware, id: number): NotificationState | undefined {
  if (id === fw.cfg.nwdId) return fw.st.nwd.notifications;
  const pi = fw.partitionIndex(id);
  if (pi < 0) return undefined;
  return fw.cfg.partitions[pi].notifications ? fw.st.partitions[pi].notifications : undefined;
}

/** FFA_NOTIFICATION_* (FF-A v1.1 §10 "Notifications"; Hafnium api.c). */
export function notification(fw: Firmware, pe: Pe, caller: EndpointRef, callerId: number, name: string, a: bigint[]): bigint[] {
  const w = (i: number): number => Number(a[i] & 0xffffffffn);
  const bitmap = (BigInt(w(4)) << 32n) | BigInt(w(3));
  const base = name.replace(/_(32|64)$/, '');
  switch (base) {
    case 'FFA_NOTIFICATION_BITMAP_CREATE': {
      if (caller.kind !== 'nwd') return ffaError(FfaError.NOT_SUPPORTED);
      if (w(1) !== fw.cfg.nwdId) return ffaError(FfaError.INVALID_PARAMETERS);
      if (fw.st.nwd.notifications.created) return ffaError(FfaError.DENIED);
      fw.st.nwd.notifications.created = true;
      return ffaSuccess();
    }
    case 'FFA_NOTIFICATION_BITMAP_DESTROY': {
      if (caller.kind !== 'nwd') return ffaError(FfaError.NOT_SUPPORTED);
      const n = fw.st.nwd.notifications;
      if (!n.created) return ffaError(FfaError.DENIED);
      if (n.bindings.length > 0 || n.pendingSp !== '0') return ffaError(FfaError.DENIED);
      n.created = false;
      return ffaSuccess();
    }
    case 'FFA_NOTIFICATION_BIND':
    case 'FFA_NOTIFICATION_UNBIND': {
      const sender = w(1) >>> 16;
      const receiver = w(1) & 0xffff;
      if (receiver !== callerId) return ffaError(FfaError.INVALID_PARAMETERS);
      if (sender === receiver || (sender !== fw.cfg.nwdId && fw.partitionIndex(sender) < 0)) return ffaError(FfaError.INVALID_PARAMETERS);
      const n = notificationsOf(fw, receiver);
      if (!n) return ffaError(FfaError.NOT_SUPPORTED);
      if (caller.kind === 'nwd' && !n.created) return ffaError(FfaError.DENIED);
      if (bitmap === 0n) return ffaError(FfaError.INVALID_PARAMETERS);
      const bits: number[] = [];
      for (let b = 0; b < 64; b++) if ((bitmap >> BigInt(b)) & 1n) bits.push(b);
      const bound = new Map(n.bindings);
      if (base === 'FFA_NOTIFICATION_BIND') {
        if (bits.some((b) => bound.has(b) && bound.get(b) !== sender)) return ffaError(FfaError.DENIED);
        for (const b of bits) bound.set(b, sender);
      } else {
        if (bits.some((b) => bound.get(b) !== sender)) return ffaError(FfaError.DENIED);
        for (const b of bits) bound.delete(b);
      }
      n.bindings = [...bound];
      return ffaSuccess();
    }
    case 'FFA_NOTIFICATION_SET': {
      const sender = w(1) >>> 16;
      const receiver = w(1) & 0xffff;
      if (sender !== callerId) return ffaError(FfaError.INVALID_PARAMETERS);
      const n = notificationsOf(fw, receiver);
      if (!n) return ffaError(FfaError.INVALID_PARAMETERS);
      if (bitmap === 0n) return ffaError(FfaError.INVALID_PARAMETERS);
      const bound = new Map(n.bindings);
      for (let b = 0; b < 64; b++) if (((bitmap >> BigInt(b)) & 1n) !== 0n && bound.get(b) !== sender) return ffaError(FfaError.DENIED);
      if (caller.kind === 'sp') n.pendingSp = h64(BigInt(n.pendingSp) | bitmap);
      else n.pendingVm = h64(BigInt(n.pendingVm) | bitmap);
      const pi = fw.partitionIndex(receiver);
      if (pi >= 0) {
        // The receiver SP gets the Notification Pending Interrupt (virtual INTID 5) on its vCPU 0.
        const v = fw.st.partitions[pi].vcpus[0];
        if (!v.pendingVirq.includes(HF_VIRTUAL_INTID.NOTIFICATION_PENDING)) v.pendingVirq.push(HF_VIRTUAL_INTID.NOTIFICATION_PENDING);
      }
      return ffaSuccess();
    }
    case 'FFA_NOTIFICATION_GET': {
      const receiver = w(1) & 0xffff;
      if (receiver !== callerId) return ffaError(FfaError.INVALID_PARAMETERS);
      const n = notificationsOf(fw, receiver);
      if (!n) return ffaError(FfaError.NOT_SUPPORTED);
      const flags = w(2);
      const take = (bit: number, key: 'pendingSp' | 'pendingVm' | 'pendingSpm'): bigint => {
        if ((flags & bit) === 0) return 0n;
        const v = BigInt(n[key]);
        n[key] = '0';
        return v;
      };
      const sp = take(1, 'pendingSp');
      const vm = take(2, 'pendingVm');
      const spm = take(4, 'pendingSpm');
      const pi = fw.partitionIndex(receiver);
      if (pi >= 0) {
        const v = fw.st.partitions[pi].vcpus[0];
        v.pendingVirq = v.pendingVirq.filter((x) => x !== HF_VIRTUAL_INTID.NOTIFICATION_PENDING);
      }
      const lo = (x: bigint): bigint => x & 0xffffffffn;
      const hi = (x: bigint): bigint => x >> 32n;
      return [FFA_SUCCESS, 0n, lo(sp), hi(sp), lo(vm), hi(vm), lo(spm), hi(spm)];
    }
    case 'FFA_NOTIFICATION_INFO_GET': {
      if (caller.kind !== 'nwd') return ffaError(FfaError.NOT_SUPPORTED);
      const ids: number[] = [];
      fw.cfg.partitions.forEach((p, pi) => {
        const n = fw.st.partitions[pi].notifications;
        if (p.notifications && (n.pendingSp !== '0' || n.pendingVm !== '0')) ids.push(p.id);
      });
      if (ids.length === 0) return ffaError(FfaError.NO_DATA);
      // w2: [11:7] number of ID lists − 1 … here one ID per list; x3… packed 16-bit IDs.
      const regs = [FFA_SUCCESS, 0n, BigInt(((ids.length - 1) << 7) >>> 0), 0n, 0n, 0n, 0n, 0n];
      ids.slice(0, 20).forEach((id, i) => {
        const r = 3 + Math.floor(i / 4);
        regs[r] |= BigInt(id) << BigInt((i % 4) * 16);
      });
      return regs;
    }
  }
  return ffaError(FfaError.NOT_SUPPORTED);
}
