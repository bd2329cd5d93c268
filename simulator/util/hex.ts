/**
 * Number formatting and parsing shared by every front end.
 * User-visible hex is `0x…`, grouped with `_` every four digits when longer
 * than four digits (e.g. `0x8800_0000`), so long addresses stay readable.
 */

/** Format a non-negative value as `0x…` with `_` grouping. `minDigits` pads with zeros. */
export function hex(value: bigint | number, minDigits = 1): string {
  let digits: string;
  if (typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER) digits = Math.trunc(value).toString(16);
  else {
    let v = typeof value === 'number' ? BigInt(Math.trunc(value)) : value;
    if (v < 0n) v = BigInt.asUintN(64, v);
    digits = v.toString(16);
  }
  if (digits.length < minDigits) digits = digits.padStart(minDigits, '0');
  return digits.length > 4 ? '0x' + grouped(digits) : '0x' + digits;
}

/** Digits with `_` every four from the right (`1_2345`). */
function grouped(digits: string): string {
  const head = digits.length % 4 || 4;
  let out = digits.slice(0, head);
  for (let i = head; i < digits.length; i += 4) out += '_' + digits.slice(i, i + 4);
  return out;
}

/** Format as `0b…` with `minDigits` digits (no grouping; used for small fields). */
export function bin(value: bigint | number, minDigits = 1): string {
  const v = typeof value === 'number' ? BigInt(value) : value;
  return '0b' + v.toString(2).padStart(minDigits, '0');
}

/** Format a non-negative value as `0b…`, grouped with `_` every four digits when longer than four (`0b1_0000`). */
export function binary(value: bigint | number): string {
  let v = typeof value === 'number' ? BigInt(Math.trunc(value)) : value;
  if (v < 0n) v = BigInt.asUintN(64, v);
  const digits = v.toString(2);
  return digits.length <= 4 ? '0b' + digits : '0b' + grouped(digits);
}

/**
 * Parse an integer literal as written in scenarios and on the command line:
 * decimal, `0x…`, `0b…`, `0o…`, optional leading `-`, `_` separators allowed.
 * Returns undefined when the text is not a number.
 */
export function parseInteger(text: string): bigint | undefined {
  let t = text.trim();
  let neg = false;
  if (t.startsWith('-')) {
    neg = true;
    t = t.slice(1);
  } else if (t.startsWith('+')) t = t.slice(1);
  if (t.length === 0 || t.startsWith('_') || t.endsWith('_') || t.includes('__')) return undefined;
  const clean = t.replace(/_/g, '');
  let v: bigint;
  if (/^0[xX][0-9a-fA-F]+$/.test(clean)) v = BigInt(clean);
  else if (/^0[bB][01]+$/.test(clean)) v = BigInt(clean);
  else if (/^0[oO][0-7]+$/.test(clean)) v = BigInt(clean);
  else if (/^[0-9]+$/.test(clean)) v = BigInt(clean);
  else return undefined;
  return neg ? -v : v;
}

/** Mask a bigint to `width` bits (two's complement for negatives). */
export function u64(v: bigint): bigint {
  return BigInt.asUintN(64, v);
}

/** Extract bits [msb:lsb] of a value. */
export function bits(v: bigint, msb: number, lsb: number): bigint {
  return (v >> BigInt(lsb)) & ((1n << BigInt(msb - lsb + 1)) - 1n);
}

/** A power-of-two size in words: `4KB`, `2MB`, `1GB` (`12B` below a kilobyte). */
export function sizeText(bytes: number): string {
  const units: [number, string][] = [[2 ** 40, 'TB'], [2 ** 30, 'GB'], [2 ** 20, 'MB'], [2 ** 10, 'KB']];
  for (const [u, n] of units) if (bytes >= u) return `${bytes / u}${n}`;
  return `${bytes}B`;
}
