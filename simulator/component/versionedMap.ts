/**
 * A Map that counts its changes (`version`), so that state kept in one — a
 * PE's system registers — can be captured and fingerprinted only when it
 * changed (DESIGN.md "State that is cheap to fork"): a capture or digest taken
 * at the same version is reused.
 */
export class VersionedMap<K, V> extends Map<K, V> {
  /** Moves on every change: a set to a new value, a delete, a clear. */
  version = 0;

  override set(key: K, value: V): this {
    // Writing the value a key already holds changes nothing (the GIC mirrors its views on every update).
    if (super.get(key) !== value || (value === undefined && !super.has(key))) this.version++;
    return super.set(key, value);
  }

  override delete(key: K): boolean {
    this.version++;
    return super.delete(key);
  }

  override clear(): void {
    this.version++;
    super.clear();
  }
}
