/**
 * Direct data pages: what lets a PE's load or store skip the translation and
 * the memory system when it touches the page its previous load (or store)
 * touched, as a softmmu TLB holding the host page does.
 *
 * A PE keeps, for the page of its last load and of its last store, the page's
 * PA, attributes and 32-bit words (pe.ts `loadAt`/`storeAt`) when both sides
 * vouched for it:
 * - the MMU (`Mmu.repeats`): translating any VA of that page for that access
 *   again gives the same PA and attributes without a fault and without
 *   reporting anything, as long as the PE's system registers, EL and
 *   PSTATE.PAN are unchanged (the micro-TLB holds the page);
 * - the memory system (`MemorySystem.directWords`): an access of that kind to
 *   the page is a plain read or write of those words that nobody observes (no
 *   hook subscriber, no watched range, no device; for writes, a page private to
 *   the live state, not shared with a checkpoint).
 *
 * `directGeneration` changes whenever either promise may have stopped
 * holding: a micro-TLB fill or flush (TLBI, a new regime), a page object
 * replaced or frozen (checkpoints, restores, copy-on-write copies), a hook
 * subscribed or unsubscribed, a range watched. A PE's page is used only while
 * the generation, its system-register generation, EL and PSTATE.PAN are those
 * it was kept with; every such access has the same effects, trace and counts
 * as the full path.
 */

/** The generation all kept direct pages were kept in (one counter for every machine: the events are rare). */
export const direct = { generation: 0 };

/** Some direct page may be wrong now (see the file comment for when to call this). */
export function invalidateDirectPages(): void {
  direct.generation++;
}
