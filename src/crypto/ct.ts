/**
 * Constant-time helpers: the running time depends on lengths only, never on
 * the bytes compared or selected (DESIGN.md "Secrets meet data in constant
 * time"). JavaScript promises nothing about timing; these avoid data-dependent
 * branches and early exits, which is what is in our hands.
 */

/** True when `a` and `b` hold the same bytes. Different lengths are false (the length may leak). */
export function constantTimeEqual(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) diff |= (a[i] as number) ^ (b[i] as number);
  return diff === 0;
}

/** 0xff when `x` is zero, else 0x00, for a byte `x`. */
export function ctIsZeroByte(x: number): number {
  return (((x & 0xff) - 1) >>> 8) & 0xff;
}

/** `a` when `mask` is 0xff, `b` when it is 0x00. */
export function ctSelectByte(mask: number, a: number, b: number): number {
  return ((a & mask) | (b & ~mask)) & 0xff;
}

/** True when every byte of `a` is zero, reading all of it. */
export function constantTimeIsZero(a: Uint8Array): boolean {
  let acc = 0;
  for (let i = 0; i < a.length; i++) acc |= a[i] as number;
  return acc === 0;
}
