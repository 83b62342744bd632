/**
 * GF(p), p = 2^256 − 2^224 + 2^192 + 2^96 − 1 (P-256, FIPS 186-5 / SP 800-186
 * §3.2.1.3), in Montgomery form (R = 2^264) on twelve 22-bit limbs,
 * little-endian, in an Int32Array (read as doubles by the multiplication), as
 * field25519.ts does for Curve25519: a
 * column of twelve limb products and the reduction terms stay below 2^53, so
 * every value is an exact integer in a double. p ≡ −1 (mod 2^96), so the
 * Montgomery factor −p^-1 mod 2^22 is 1 and a reduction step is the low limb
 * itself; four of p's twelve limbs are zero and are skipped.
 *
 * Every element is kept reduced, in [0, p), with carried limbs.
 *
 * Constant time: no branch and no index depends on a value; the final
 * subtractions and additions of p are masked (fpCmov), and the inversion's
 * exponent p − 2 is a public constant. test/crypto/p256.test.ts counts the
 * multiplications of a scalar multiplication for different scalars.
 */
export type Fp = Int32Array;

export const FP_LIMBS = 12;
const BITS = 22;
const RADIX = 2 ** BITS;
const INV_RADIX = 1 / RADIX;

export const P256_P = 2n ** 256n - 2n ** 224n + 2n ** 192n + 2n ** 96n - 1n;
const R = 2n ** 264n;

export function fp(): Fp {
  return new Int32Array(FP_LIMBS);
}

/** Counts multiplications when enabled, so a test can show the sequence does not depend on the scalar. */
export const fpCounter = { enabled: false, mul: 0 };

function limbsOf(n: bigint): Fp {
  const r = fp();
  for (let i = 0; i < FP_LIMBS; i++) r[i] = Number((n >> BigInt(BITS * i)) & BigInt(RADIX - 1));
  return r;
}

const P_LIMBS = limbsOf(P256_P);
const R2 = limbsOf((R * R) % P256_P);

/** A public constant (curve parameter, table point) in Montgomery form. */
export function fpFromBigInt(n: bigint): Fp {
  return limbsOf((n * R) % P256_P);
}

export const FP_ONE = fpFromBigInt(1n);

const diff = fp();
const MASK = RADIX - 1;

/*
 * Additions work on int32 (carried limbs and their sums are far below 2^31):
 * `v >> 22` is the floor carry, negative ones included, and `v & MASK` the
 * limb, in two's complement.
 */

/** r = r − p when r ≥ p (r below 2p, carried), by a mask. */
function subtractPOnce(r: Fp): void {
  let c = 0;
  for (let i = 0; i < FP_LIMBS; i++) {
    const v = (r[i] as number) - (P_LIMBS[i] as number) + c;
    c = v >> BITS;
    diff[i] = v & MASK;
  }
  fpCmov(r, diff, c + 1);
}

/*
 * fpAdd: a + b − p, then + p again, masked, if that went negative; fpSub:
 * a − b, then + p, masked, if negative. Written out limb by limb (p's limbs
 * as constants, the zero ones left out) as the multiplication is: measured
 * about twice as fast as the loops.
 */
export function fpAdd(r: Fp, a: Fp, b: Fp): void {
  let c = 0;
  let v = 0;
  v = (a[0] as number) + (b[0] as number) - 4194303 + c;
  c = v >> 22;
  const s0 = v & MASK;
  v = (a[1] as number) + (b[1] as number) - 4194303 + c;
  c = v >> 22;
  const s1 = v & MASK;
  v = (a[2] as number) + (b[2] as number) - 4194303 + c;
  c = v >> 22;
  const s2 = v & MASK;
  v = (a[3] as number) + (b[3] as number) - 4194303 + c;
  c = v >> 22;
  const s3 = v & MASK;
  v = (a[4] as number) + (b[4] as number) - 255 + c;
  c = v >> 22;
  const s4 = v & MASK;
  v = (a[5] as number) + (b[5] as number) + c;
  c = v >> 22;
  const s5 = v & MASK;
  v = (a[6] as number) + (b[6] as number) + c;
  c = v >> 22;
  const s6 = v & MASK;
  v = (a[7] as number) + (b[7] as number) + c;
  c = v >> 22;
  const s7 = v & MASK;
  v = (a[8] as number) + (b[8] as number) - 65536 + c;
  c = v >> 22;
  const s8 = v & MASK;
  v = (a[9] as number) + (b[9] as number) + c;
  c = v >> 22;
  const s9 = v & MASK;
  v = (a[10] as number) + (b[10] as number) - 4194288 + c;
  c = v >> 22;
  const s10 = v & MASK;
  v = (a[11] as number) + (b[11] as number) - 16383 + c;
  c = v >> 22;
  const s11 = v & MASK;
  const m = c;
  c = 0;
  v = s0 + (4194303 & m) + c;
  c = v >> 22;
  r[0] = v & MASK;
  v = s1 + (4194303 & m) + c;
  c = v >> 22;
  r[1] = v & MASK;
  v = s2 + (4194303 & m) + c;
  c = v >> 22;
  r[2] = v & MASK;
  v = s3 + (4194303 & m) + c;
  c = v >> 22;
  r[3] = v & MASK;
  v = s4 + (255 & m) + c;
  c = v >> 22;
  r[4] = v & MASK;
  v = s5 + c;
  c = v >> 22;
  r[5] = v & MASK;
  v = s6 + c;
  c = v >> 22;
  r[6] = v & MASK;
  v = s7 + c;
  c = v >> 22;
  r[7] = v & MASK;
  v = s8 + (65536 & m) + c;
  c = v >> 22;
  r[8] = v & MASK;
  v = s9 + c;
  c = v >> 22;
  r[9] = v & MASK;
  v = s10 + (4194288 & m) + c;
  c = v >> 22;
  r[10] = v & MASK;
  v = s11 + (16383 & m) + c;
  c = v >> 22;
  r[11] = v & MASK;
}

export function fpSub(r: Fp, a: Fp, b: Fp): void {
  let c = 0;
  let v = 0;
  v = (a[0] as number) - (b[0] as number) + c;
  c = v >> 22;
  const s0 = v & MASK;
  v = (a[1] as number) - (b[1] as number) + c;
  c = v >> 22;
  const s1 = v & MASK;
  v = (a[2] as number) - (b[2] as number) + c;
  c = v >> 22;
  const s2 = v & MASK;
  v = (a[3] as number) - (b[3] as number) + c;
  c = v >> 22;
  const s3 = v & MASK;
  v = (a[4] as number) - (b[4] as number) + c;
  c = v >> 22;
  const s4 = v & MASK;
  v = (a[5] as number) - (b[5] as number) + c;
  c = v >> 22;
  const s5 = v & MASK;
  v = (a[6] as number) - (b[6] as number) + c;
  c = v >> 22;
  const s6 = v & MASK;
  v = (a[7] as number) - (b[7] as number) + c;
  c = v >> 22;
  const s7 = v & MASK;
  v = (a[8] as number) - (b[8] as number) + c;
  c = v >> 22;
  const s8 = v & MASK;
  v = (a[9] as number) - (b[9] as number) + c;
  c = v >> 22;
  const s9 = v & MASK;
  v = (a[10] as number) - (b[10] as number) + c;
  c = v >> 22;
  const s10 = v & MASK;
  v = (a[11] as number) - (b[11] as number) + c;
  c = v >> 22;
  const s11 = v & MASK;
  const m = c;
  c = 0;
  v = s0 + (4194303 & m) + c;
  c = v >> 22;
  r[0] = v & MASK;
  v = s1 + (4194303 & m) + c;
  c = v >> 22;
  r[1] = v & MASK;
  v = s2 + (4194303 & m) + c;
  c = v >> 22;
  r[2] = v & MASK;
  v = s3 + (4194303 & m) + c;
  c = v >> 22;
  r[3] = v & MASK;
  v = s4 + (255 & m) + c;
  c = v >> 22;
  r[4] = v & MASK;
  v = s5 + c;
  c = v >> 22;
  r[5] = v & MASK;
  v = s6 + c;
  c = v >> 22;
  r[6] = v & MASK;
  v = s7 + c;
  c = v >> 22;
  r[7] = v & MASK;
  v = s8 + (65536 & m) + c;
  c = v >> 22;
  r[8] = v & MASK;
  v = s9 + c;
  c = v >> 22;
  r[9] = v & MASK;
  v = s10 + (4194288 & m) + c;
  c = v >> 22;
  r[10] = v & MASK;
  v = s11 + (16383 & m) + c;
  c = v >> 22;
  r[11] = v & MASK;
}

/** r = a when bit is 1, unchanged when 0, by an arithmetic mask (limbs are below 2^22). */
export function fpCmov(r: Fp, a: Fp, bit: number): void {
  const mask = -bit;
  for (let i = 0; i < FP_LIMBS; i++)
    r[i] = (r[i] as number) ^ (mask & ((r[i] as number) ^ (a[i] as number)));
}

/*
 * fpMul and fpSqr are written out limb by limb (product, then the twelve
 * reduction steps, a carry pass and one masked subtraction of p) so V8 keeps
 * the limbs in registers.
 */
export function fpMul(r: Fp, a: Fp, b: Fp): void {
  if (fpCounter.enabled) fpCounter.mul++;
  const a0 = a[0] as number;
  const a1 = a[1] as number;
  const a2 = a[2] as number;
  const a3 = a[3] as number;
  const a4 = a[4] as number;
  const a5 = a[5] as number;
  const a6 = a[6] as number;
  const a7 = a[7] as number;
  const a8 = a[8] as number;
  const a9 = a[9] as number;
  const a10 = a[10] as number;
  const a11 = a[11] as number;
  const b0 = b[0] as number;
  const b1 = b[1] as number;
  const b2 = b[2] as number;
  const b3 = b[3] as number;
  const b4 = b[4] as number;
  const b5 = b[5] as number;
  const b6 = b[6] as number;
  const b7 = b[7] as number;
  const b8 = b[8] as number;
  const b9 = b[9] as number;
  const b10 = b[10] as number;
  const b11 = b[11] as number;
  let t0 = a0 * b0;
  let t1 = a0 * b1 + a1 * b0;
  let t2 = a0 * b2 + a1 * b1 + a2 * b0;
  let t3 = a0 * b3 + a1 * b2 + a2 * b1 + a3 * b0;
  let t4 = a0 * b4 + a1 * b3 + a2 * b2 + a3 * b1 + a4 * b0;
  let t5 = a0 * b5 + a1 * b4 + a2 * b3 + a3 * b2 + a4 * b1 + a5 * b0;
  let t6 = a0 * b6 + a1 * b5 + a2 * b4 + a3 * b3 + a4 * b2 + a5 * b1 + a6 * b0;
  let t7 = a0 * b7 + a1 * b6 + a2 * b5 + a3 * b4 + a4 * b3 + a5 * b2 + a6 * b1 + a7 * b0;
  let t8 = a0 * b8 + a1 * b7 + a2 * b6 + a3 * b5 + a4 * b4 + a5 * b3 + a6 * b2 + a7 * b1 + a8 * b0;
  let t9 =
    a0 * b9 +
    a1 * b8 +
    a2 * b7 +
    a3 * b6 +
    a4 * b5 +
    a5 * b4 +
    a6 * b3 +
    a7 * b2 +
    a8 * b1 +
    a9 * b0;
  let t10 =
    a0 * b10 +
    a1 * b9 +
    a2 * b8 +
    a3 * b7 +
    a4 * b6 +
    a5 * b5 +
    a6 * b4 +
    a7 * b3 +
    a8 * b2 +
    a9 * b1 +
    a10 * b0;
  let t11 =
    a0 * b11 +
    a1 * b10 +
    a2 * b9 +
    a3 * b8 +
    a4 * b7 +
    a5 * b6 +
    a6 * b5 +
    a7 * b4 +
    a8 * b3 +
    a9 * b2 +
    a10 * b1 +
    a11 * b0;
  let t12 =
    a1 * b11 +
    a2 * b10 +
    a3 * b9 +
    a4 * b8 +
    a5 * b7 +
    a6 * b6 +
    a7 * b5 +
    a8 * b4 +
    a9 * b3 +
    a10 * b2 +
    a11 * b1;
  let t13 =
    a2 * b11 +
    a3 * b10 +
    a4 * b9 +
    a5 * b8 +
    a6 * b7 +
    a7 * b6 +
    a8 * b5 +
    a9 * b4 +
    a10 * b3 +
    a11 * b2;
  let t14 =
    a3 * b11 + a4 * b10 + a5 * b9 + a6 * b8 + a7 * b7 + a8 * b6 + a9 * b5 + a10 * b4 + a11 * b3;
  let t15 = a4 * b11 + a5 * b10 + a6 * b9 + a7 * b8 + a8 * b7 + a9 * b6 + a10 * b5 + a11 * b4;
  let t16 = a5 * b11 + a6 * b10 + a7 * b9 + a8 * b8 + a9 * b7 + a10 * b6 + a11 * b5;
  let t17 = a6 * b11 + a7 * b10 + a8 * b9 + a9 * b8 + a10 * b7 + a11 * b6;
  let t18 = a7 * b11 + a8 * b10 + a9 * b9 + a10 * b8 + a11 * b7;
  let t19 = a8 * b11 + a9 * b10 + a10 * b9 + a11 * b8;
  let t20 = a9 * b11 + a10 * b10 + a11 * b9;
  let t21 = a10 * b11 + a11 * b10;
  let t22 = a11 * b11;
  let t23 = 0;
  let q = 0;
  // Montgomery reduction, one limb at a time: −p^-1 ≡ 1 (mod 2^22), so q is the low limb itself.
  q = t0 - Math.floor(t0 * INV_RADIX) * RADIX;
  t1 += (t0 + q * 4194303) * INV_RADIX;
  t1 += q * 4194303;
  t2 += q * 4194303;
  t3 += q * 4194303;
  t4 += q * 255;
  t8 += q * 65536;
  t10 += q * 4194288;
  t11 += q * 16383;
  q = t1 - Math.floor(t1 * INV_RADIX) * RADIX;
  t2 += (t1 + q * 4194303) * INV_RADIX;
  t2 += q * 4194303;
  t3 += q * 4194303;
  t4 += q * 4194303;
  t5 += q * 255;
  t9 += q * 65536;
  t11 += q * 4194288;
  t12 += q * 16383;
  q = t2 - Math.floor(t2 * INV_RADIX) * RADIX;
  t3 += (t2 + q * 4194303) * INV_RADIX;
  t3 += q * 4194303;
  t4 += q * 4194303;
  t5 += q * 4194303;
  t6 += q * 255;
  t10 += q * 65536;
  t12 += q * 4194288;
  t13 += q * 16383;
  q = t3 - Math.floor(t3 * INV_RADIX) * RADIX;
  t4 += (t3 + q * 4194303) * INV_RADIX;
  t4 += q * 4194303;
  t5 += q * 4194303;
  t6 += q * 4194303;
  t7 += q * 255;
  t11 += q * 65536;
  t13 += q * 4194288;
  t14 += q * 16383;
  q = t4 - Math.floor(t4 * INV_RADIX) * RADIX;
  t5 += (t4 + q * 4194303) * INV_RADIX;
  t5 += q * 4194303;
  t6 += q * 4194303;
  t7 += q * 4194303;
  t8 += q * 255;
  t12 += q * 65536;
  t14 += q * 4194288;
  t15 += q * 16383;
  q = t5 - Math.floor(t5 * INV_RADIX) * RADIX;
  t6 += (t5 + q * 4194303) * INV_RADIX;
  t6 += q * 4194303;
  t7 += q * 4194303;
  t8 += q * 4194303;
  t9 += q * 255;
  t13 += q * 65536;
  t15 += q * 4194288;
  t16 += q * 16383;
  q = t6 - Math.floor(t6 * INV_RADIX) * RADIX;
  t7 += (t6 + q * 4194303) * INV_RADIX;
  t7 += q * 4194303;
  t8 += q * 4194303;
  t9 += q * 4194303;
  t10 += q * 255;
  t14 += q * 65536;
  t16 += q * 4194288;
  t17 += q * 16383;
  q = t7 - Math.floor(t7 * INV_RADIX) * RADIX;
  t8 += (t7 + q * 4194303) * INV_RADIX;
  t8 += q * 4194303;
  t9 += q * 4194303;
  t10 += q * 4194303;
  t11 += q * 255;
  t15 += q * 65536;
  t17 += q * 4194288;
  t18 += q * 16383;
  q = t8 - Math.floor(t8 * INV_RADIX) * RADIX;
  t9 += (t8 + q * 4194303) * INV_RADIX;
  t9 += q * 4194303;
  t10 += q * 4194303;
  t11 += q * 4194303;
  t12 += q * 255;
  t16 += q * 65536;
  t18 += q * 4194288;
  t19 += q * 16383;
  q = t9 - Math.floor(t9 * INV_RADIX) * RADIX;
  t10 += (t9 + q * 4194303) * INV_RADIX;
  t10 += q * 4194303;
  t11 += q * 4194303;
  t12 += q * 4194303;
  t13 += q * 255;
  t17 += q * 65536;
  t19 += q * 4194288;
  t20 += q * 16383;
  q = t10 - Math.floor(t10 * INV_RADIX) * RADIX;
  t11 += (t10 + q * 4194303) * INV_RADIX;
  t11 += q * 4194303;
  t12 += q * 4194303;
  t13 += q * 4194303;
  t14 += q * 255;
  t18 += q * 65536;
  t20 += q * 4194288;
  t21 += q * 16383;
  q = t11 - Math.floor(t11 * INV_RADIX) * RADIX;
  t12 += (t11 + q * 4194303) * INV_RADIX;
  t12 += q * 4194303;
  t13 += q * 4194303;
  t14 += q * 4194303;
  t15 += q * 255;
  t19 += q * 65536;
  t21 += q * 4194288;
  t22 += q * 16383;
  let c = Math.floor(t12 * INV_RADIX);
  t12 -= c * RADIX;
  t13 += c;
  c = Math.floor(t13 * INV_RADIX);
  t13 -= c * RADIX;
  t14 += c;
  c = Math.floor(t14 * INV_RADIX);
  t14 -= c * RADIX;
  t15 += c;
  c = Math.floor(t15 * INV_RADIX);
  t15 -= c * RADIX;
  t16 += c;
  c = Math.floor(t16 * INV_RADIX);
  t16 -= c * RADIX;
  t17 += c;
  c = Math.floor(t17 * INV_RADIX);
  t17 -= c * RADIX;
  t18 += c;
  c = Math.floor(t18 * INV_RADIX);
  t18 -= c * RADIX;
  t19 += c;
  c = Math.floor(t19 * INV_RADIX);
  t19 -= c * RADIX;
  t20 += c;
  c = Math.floor(t20 * INV_RADIX);
  t20 -= c * RADIX;
  t21 += c;
  c = Math.floor(t21 * INV_RADIX);
  t21 -= c * RADIX;
  t22 += c;
  c = Math.floor(t22 * INV_RADIX);
  t22 -= c * RADIX;
  t23 += c;
  c = Math.floor(t23 * INV_RADIX);
  t23 -= c * RADIX;
  r[0] = t12;
  r[1] = t13;
  r[2] = t14;
  r[3] = t15;
  r[4] = t16;
  r[5] = t17;
  r[6] = t18;
  r[7] = t19;
  r[8] = t20;
  r[9] = t21;
  r[10] = t22;
  r[11] = t23;
  subtractPOnce(r);
}

export function fpSqr(r: Fp, a: Fp): void {
  if (fpCounter.enabled) fpCounter.mul++;
  const a0 = a[0] as number;
  const a1 = a[1] as number;
  const a2 = a[2] as number;
  const a3 = a[3] as number;
  const a4 = a[4] as number;
  const a5 = a[5] as number;
  const a6 = a[6] as number;
  const a7 = a[7] as number;
  const a8 = a[8] as number;
  const a9 = a[9] as number;
  const a10 = a[10] as number;
  const a11 = a[11] as number;
  const d1 = 2 * a1;
  const d2 = 2 * a2;
  const d3 = 2 * a3;
  const d4 = 2 * a4;
  const d5 = 2 * a5;
  const d6 = 2 * a6;
  const d7 = 2 * a7;
  const d8 = 2 * a8;
  const d9 = 2 * a9;
  const d10 = 2 * a10;
  const d11 = 2 * a11;
  let t0 = a0 * a0;
  let t1 = a0 * d1;
  let t2 = a0 * d2 + a1 * a1;
  let t3 = a0 * d3 + a1 * d2;
  let t4 = a0 * d4 + a1 * d3 + a2 * a2;
  let t5 = a0 * d5 + a1 * d4 + a2 * d3;
  let t6 = a0 * d6 + a1 * d5 + a2 * d4 + a3 * a3;
  let t7 = a0 * d7 + a1 * d6 + a2 * d5 + a3 * d4;
  let t8 = a0 * d8 + a1 * d7 + a2 * d6 + a3 * d5 + a4 * a4;
  let t9 = a0 * d9 + a1 * d8 + a2 * d7 + a3 * d6 + a4 * d5;
  let t10 = a0 * d10 + a1 * d9 + a2 * d8 + a3 * d7 + a4 * d6 + a5 * a5;
  let t11 = a0 * d11 + a1 * d10 + a2 * d9 + a3 * d8 + a4 * d7 + a5 * d6;
  let t12 = a1 * d11 + a2 * d10 + a3 * d9 + a4 * d8 + a5 * d7 + a6 * a6;
  let t13 = a2 * d11 + a3 * d10 + a4 * d9 + a5 * d8 + a6 * d7;
  let t14 = a3 * d11 + a4 * d10 + a5 * d9 + a6 * d8 + a7 * a7;
  let t15 = a4 * d11 + a5 * d10 + a6 * d9 + a7 * d8;
  let t16 = a5 * d11 + a6 * d10 + a7 * d9 + a8 * a8;
  let t17 = a6 * d11 + a7 * d10 + a8 * d9;
  let t18 = a7 * d11 + a8 * d10 + a9 * a9;
  let t19 = a8 * d11 + a9 * d10;
  let t20 = a9 * d11 + a10 * a10;
  let t21 = a10 * d11;
  let t22 = a11 * a11;
  let t23 = 0;
  let q = 0;
  // Montgomery reduction, one limb at a time: −p^-1 ≡ 1 (mod 2^22), so q is the low limb itself.
  q = t0 - Math.floor(t0 * INV_RADIX) * RADIX;
  t1 += (t0 + q * 4194303) * INV_RADIX;
  t1 += q * 4194303;
  t2 += q * 4194303;
  t3 += q * 4194303;
  t4 += q * 255;
  t8 += q * 65536;
  t10 += q * 4194288;
  t11 += q * 16383;
  q = t1 - Math.floor(t1 * INV_RADIX) * RADIX;
  t2 += (t1 + q * 4194303) * INV_RADIX;
  t2 += q * 4194303;
  t3 += q * 4194303;
  t4 += q * 4194303;
  t5 += q * 255;
  t9 += q * 65536;
  t11 += q * 4194288;
  t12 += q * 16383;
  q = t2 - Math.floor(t2 * INV_RADIX) * RADIX;
  t3 += (t2 + q * 4194303) * INV_RADIX;
  t3 += q * 4194303;
  t4 += q * 4194303;
  t5 += q * 4194303;
  t6 += q * 255;
  t10 += q * 65536;
  t12 += q * 4194288;
  t13 += q * 16383;
  q = t3 - Math.floor(t3 * INV_RADIX) * RADIX;
  t4 += (t3 + q * 4194303) * INV_RADIX;
  t4 += q * 4194303;
  t5 += q * 4194303;
  t6 += q * 4194303;
  t7 += q * 255;
  t11 += q * 65536;
  t13 += q * 4194288;
  t14 += q * 16383;
  q = t4 - Math.floor(t4 * INV_RADIX) * RADIX;
  t5 += (t4 + q * 4194303) * INV_RADIX;
  t5 += q * 4194303;
  t6 += q * 4194303;
  t7 += q * 4194303;
  t8 += q * 255;
  t12 += q * 65536;
  t14 += q * 4194288;
  t15 += q * 16383;
  q = t5 - Math.floor(t5 * INV_RADIX) * RADIX;
  t6 += (t5 + q * 4194303) * INV_RADIX;
  t6 += q * 4194303;
  t7 += q * 4194303;
  t8 += q * 4194303;
  t9 += q * 255;
  t13 += q * 65536;
  t15 += q * 4194288;
  t16 += q * 16383;
  q = t6 - Math.floor(t6 * INV_RADIX) * RADIX;
  t7 += (t6 + q * 4194303) * INV_RADIX;
  t7 += q * 4194303;
  t8 += q * 4194303;
  t9 += q * 4194303;
  t10 += q * 255;
  t14 += q * 65536;
  t16 += q * 4194288;
  t17 += q * 16383;
  q = t7 - Math.floor(t7 * INV_RADIX) * RADIX;
  t8 += (t7 + q * 4194303) * INV_RADIX;
  t8 += q * 4194303;
  t9 += q * 4194303;
  t10 += q * 4194303;
  t11 += q * 255;
  t15 += q * 65536;
  t17 += q * 4194288;
  t18 += q * 16383;
  q = t8 - Math.floor(t8 * INV_RADIX) * RADIX;
  t9 += (t8 + q * 4194303) * INV_RADIX;
  t9 += q * 4194303;
  t10 += q * 4194303;
  t11 += q * 4194303;
  t12 += q * 255;
  t16 += q * 65536;
  t18 += q * 4194288;
  t19 += q * 16383;
  q = t9 - Math.floor(t9 * INV_RADIX) * RADIX;
  t10 += (t9 + q * 4194303) * INV_RADIX;
  t10 += q * 4194303;
  t11 += q * 4194303;
  t12 += q * 4194303;
  t13 += q * 255;
  t17 += q * 65536;
  t19 += q * 4194288;
  t20 += q * 16383;
  q = t10 - Math.floor(t10 * INV_RADIX) * RADIX;
  t11 += (t10 + q * 4194303) * INV_RADIX;
  t11 += q * 4194303;
  t12 += q * 4194303;
  t13 += q * 4194303;
  t14 += q * 255;
  t18 += q * 65536;
  t20 += q * 4194288;
  t21 += q * 16383;
  q = t11 - Math.floor(t11 * INV_RADIX) * RADIX;
  t12 += (t11 + q * 4194303) * INV_RADIX;
  t12 += q * 4194303;
  t13 += q * 4194303;
  t14 += q * 4194303;
  t15 += q * 255;
  t19 += q * 65536;
  t21 += q * 4194288;
  t22 += q * 16383;
  let c = Math.floor(t12 * INV_RADIX);
  t12 -= c * RADIX;
  t13 += c;
  c = Math.floor(t13 * INV_RADIX);
  t13 -= c * RADIX;
  t14 += c;
  c = Math.floor(t14 * INV_RADIX);
  t14 -= c * RADIX;
  t15 += c;
  c = Math.floor(t15 * INV_RADIX);
  t15 -= c * RADIX;
  t16 += c;
  c = Math.floor(t16 * INV_RADIX);
  t16 -= c * RADIX;
  t17 += c;
  c = Math.floor(t17 * INV_RADIX);
  t17 -= c * RADIX;
  t18 += c;
  c = Math.floor(t18 * INV_RADIX);
  t18 -= c * RADIX;
  t19 += c;
  c = Math.floor(t19 * INV_RADIX);
  t19 -= c * RADIX;
  t20 += c;
  c = Math.floor(t20 * INV_RADIX);
  t20 -= c * RADIX;
  t21 += c;
  c = Math.floor(t21 * INV_RADIX);
  t21 -= c * RADIX;
  t22 += c;
  c = Math.floor(t22 * INV_RADIX);
  t22 -= c * RADIX;
  t23 += c;
  c = Math.floor(t23 * INV_RADIX);
  t23 -= c * RADIX;
  r[0] = t12;
  r[1] = t13;
  r[2] = t14;
  r[3] = t15;
  r[4] = t16;
  r[5] = t17;
  r[6] = t18;
  r[7] = t19;
  r[8] = t20;
  r[9] = t21;
  r[10] = t22;
  r[11] = t23;
  subtractPOnce(r);
}

const x2 = fp();
const x3 = fp();
const x6 = fp();
const x15 = fp();
const x30 = fp();
const x32 = fp();
const acc = fp();

/** r = a^(2^n) · m. */
function sqrNMul(r: Fp, a: Fp, n: number, m: Fp): void {
  r.set(a);
  for (let i = 0; i < n; i++) fpSqr(r, r);
  fpMul(r, r, m);
}

/**
 * r = a^(p − 2) = a^-1 (0 for 0), Fermat, by a fixed addition chain of 255
 * squarings and 12 multiplications: p − 2 in binary is 32 ones, 31 zeros, a
 * one, 96 zeros, 94 ones, a zero and a one; xk below is a^(2^k − 1).
 */
export function fpInvert(r: Fp, a: Fp): void {
  sqrNMul(x2, a, 1, a);
  sqrNMul(x3, x2, 1, a);
  sqrNMul(x6, x3, 3, x3);
  sqrNMul(acc, x6, 6, x6);
  sqrNMul(x15, acc, 3, x3);
  sqrNMul(x30, x15, 15, x15);
  sqrNMul(x32, x30, 2, x2);
  sqrNMul(acc, x32, 32, a);
  sqrNMul(acc, acc, 128, x32);
  sqrNMul(acc, acc, 32, x32);
  sqrNMul(acc, acc, 30, x30);
  sqrNMul(r, acc, 2, a);
}

const ONE_PLAIN = limbsOf(1n);
const outT = fp();

/** 32 big-endian bytes of a (leaving Montgomery form). */
export function fpToBytes(a: Fp): Uint8Array {
  fpMul(outT, a, ONE_PLAIN);
  const out = new Uint8Array(32);
  let acc = 0;
  let accBits = 0;
  let limb = 0;
  for (let i = 31; i >= 0; i--) {
    if (accBits < 8) {
      acc += (outT[limb++] ?? 0) * 2 ** accBits;
      accBits += BITS;
    }
    out[i] = acc % 256;
    acc = Math.floor(acc / 256);
    accBits -= 8;
  }
  return out;
}

/** 32 big-endian bytes below p into Montgomery form (the caller checks the range: public values only). */
export function fpFromBytes(r: Fp, bytes: Uint8Array): void {
  let acc = 0;
  let accBits = 0;
  let limb = 0;
  r.fill(0);
  for (let i = 31; i >= 0; i--) {
    acc += (bytes[i] as number) * 2 ** accBits;
    accBits += 8;
    if (accBits >= BITS) {
      r[limb++] = acc % RADIX;
      acc = Math.floor(acc / RADIX);
      accBits -= BITS;
    }
  }
  r[limb] = acc;
  fpMul(r, r, R2);
}
