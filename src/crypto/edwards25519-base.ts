/**
 * Fixed-base multiplication k·B on edwards25519 (RFC 8032 §5.1), mapped to
 * the Montgomery u-coordinate of X25519 (RFC 7748 §4.1: u = (1 + y)/(1 − y)),
 * so X25519(k, 9) costs 64 point additions instead of a 255-step ladder.
 *
 * The scalar is recoded into 64 signed radix-16 digits in [−8, 8]; row i of
 * the table holds 1·16^i·B … 8·16^i·B. Each digit's entry is taken by reading
 * all eight entries of its row and keeping one by an arithmetic mask (cmov),
 * and negated by a masked swap, so neither the memory touched nor the
 * branches depend on the scalar. The extended-coordinate formulas of
 * Hisil–Wong–Carter–Dawson 2008 (a = −1) are complete on edwards25519
 * (d is not a square), so the identity and doublings need no special case.
 */
import { LIMBS, fe, feAdd, feCmov, feCswap, feFromInt, feMul, feSqr, feSub } from './field25519.js';
import type { Fe } from './field25519.js';

const P = 2n ** 255n - 19n;

function feFromBigInt(n: bigint): Fe {
  const r = fe();
  for (let i = 0; i < LIMBS; i++) r[i] = Number((n >> BigInt(22 * i)) & 0x3fffffn);
  return r;
}

function modPow(b: bigint, e: bigint): bigint {
  let r = 1n;
  for (b %= P; e > 0n; e >>= 1n, b = (b * b) % P) if (e & 1n) r = (r * b) % P;
  return r;
}

// RFC 8032 §5.1: d = −121665/121666 and the base point B (x, 4/5).
const D2 = feFromBigInt((2n * ((P - 121665n) * modPow(121666n, P - 2n))) % P);
const BX = 15112221349535400772501151409588531511454012693041857206046113283949847762202n;
const BY = 46316835694926478169428394003475163141307993866256225615783033603165251855960n;

interface Extended {
  x: Fe;
  y: Fe;
  z: Fe;
  t: Fe;
}
/** (Y + X, Y − X, 2d·T, 2Z): what the addition formula reads from its second operand. */
interface Cached {
  ypx: Fe;
  ymx: Fe;
  t2d: Fe;
  z2: Fe;
}

const extended = (): Extended => ({ x: fe(), y: fe(), z: fe(), t: fe() });
const cached = (): Cached => ({ ypx: fe(), ymx: fe(), t2d: fe(), z2: fe() });

const tA = fe();
const tB = fe();
const tC = fe();
const tD = fe();
const tE = fe();
const tF = fe();
const tG = fe();
const tH = fe();

/** r = p + q ("add-2008-hwcd-3"). r may be p. */
function add(r: Extended, p: Extended, q: Cached): void {
  feSub(tA, p.y, p.x);
  feMul(tA, tA, q.ymx);
  feAdd(tB, p.y, p.x);
  feMul(tB, tB, q.ypx);
  feMul(tC, p.t, q.t2d);
  feMul(tD, p.z, q.z2);
  feSub(tE, tB, tA);
  feSub(tF, tD, tC);
  feAdd(tG, tD, tC);
  feAdd(tH, tB, tA);
  feMul(r.x, tE, tF);
  feMul(r.y, tG, tH);
  feMul(r.t, tE, tH);
  feMul(r.z, tF, tG);
}

/** r = 2p ("dbl-2008-hwcd", a = −1). */
function double(r: Extended, p: Extended): void {
  feSqr(tA, p.x);
  feSqr(tB, p.y);
  feSqr(tC, p.z);
  feAdd(tC, tC, tC);
  feAdd(tE, p.x, p.y);
  feSqr(tE, tE);
  feSub(tE, tE, tA);
  feSub(tE, tE, tB);
  feSub(tG, tB, tA);
  feSub(tF, tG, tC);
  feAdd(tH, tA, tB);
  feSub(tH, tD.fill(0), tH);
  feMul(r.x, tE, tF);
  feMul(r.y, tG, tH);
  feMul(r.t, tE, tH);
  feMul(r.z, tF, tG);
}

function toCached(r: Cached, p: Extended): void {
  feAdd(r.ypx, p.y, p.x);
  feSub(r.ymx, p.y, p.x);
  feMul(r.t2d, p.t, D2);
  feAdd(r.z2, p.z, p.z);
}

const ROWS = 64;
const PER_ROW = 8;
/** One cached point as four field elements side by side. */
const ENTRY = 4 * LIMBS;
/**
 * Row i, entry j: (j + 1)·16^i·B as a cached point, in an Int32Array (every
 * carried limb fits) so the masked selection is plain integer work.
 */
let table: Int32Array | undefined;

/** Built once on first use (252 doublings and 448 additions). */
function baseTable(): Int32Array {
  if (table !== undefined) return table;
  const t = new Int32Array(ROWS * PER_ROW * ENTRY);
  const rowBase: Extended = {
    x: feFromBigInt(BX),
    y: feFromBigInt(BY),
    z: feFromInt(1),
    t: feFromBigInt((BX * BY) % P),
  };
  const sum = extended();
  const first = cached();
  const entry = cached();
  for (let i = 0; i < ROWS; i++) {
    toCached(first, rowBase);
    storeCached(t, i * PER_ROW, first);
    copyExtended(sum, rowBase);
    for (let j = 1; j < PER_ROW; j++) {
      add(sum, sum, first);
      toCached(entry, sum);
      storeCached(t, i * PER_ROW + j, entry);
    }
    for (let k = 0; k < 4; k++) double(rowBase, rowBase);
  }
  table = t;
  return t;
}

function storeCached(t: Int32Array, index: number, c: Cached): void {
  const at = index * ENTRY;
  t.set(c.ypx, at);
  t.set(c.ymx, at + LIMBS);
  t.set(c.t2d, at + 2 * LIMBS);
  t.set(c.z2, at + 3 * LIMBS);
}

function copyExtended(r: Extended, p: Extended): void {
  r.x.set(p.x);
  r.y.set(p.y);
  r.z.set(p.z);
  r.t.set(p.t);
}

/** The 64 signed radix-16 digits of a scalar below 2^255, each in [−8, 8] (carries by arithmetic, no branch). */
function signedDigits(k: Uint8Array): Int8Array {
  const e = new Int8Array(64);
  for (let i = 0; i < 32; i++) {
    e[2 * i] = (k[i] as number) & 15;
    e[2 * i + 1] = (k[i] as number) >> 4;
  }
  let carry = 0;
  for (let i = 0; i < 63; i++) {
    const v = (e[i] as number) + carry;
    carry = (v + 8) >> 4;
    e[i] = v - (carry << 4);
  }
  e[63] = (e[63] as number) + carry;
  return e;
}

const selected = cached();
const scan = new Int32Array(ENTRY);
const negT = fe();

/** selected = digit·16^row·B, reading every entry of the row and keeping one by a mask. */
function select(t: Int32Array, row: number, digit: number): void {
  const negative = (digit >> 31) & 1;
  const magnitude = digit - ((-negative & digit) << 1);
  // The identity (Y + X, Y − X, 2dT, 2Z) = (1, 1, 0, 2) when the digit is 0.
  scan.fill(0);
  scan[0] = 1;
  scan[LIMBS] = 1;
  scan[3 * LIMBS] = 2;
  for (let j = 0; j < PER_ROW; j++) {
    const mask = -((((magnitude ^ (j + 1)) - 1) >>> 31) & 1);
    const at = (row * PER_ROW + j) * ENTRY;
    for (let l = 0; l < ENTRY; l++)
      scan[l] = (scan[l] as number) ^ (mask & ((scan[l] as number) ^ (t[at + l] as number)));
  }
  for (let l = 0; l < LIMBS; l++) {
    selected.ypx[l] = scan[l] as number;
    selected.ymx[l] = scan[LIMBS + l] as number;
    selected.t2d[l] = scan[2 * LIMBS + l] as number;
    selected.z2[l] = scan[3 * LIMBS + l] as number;
  }
  // −(x, y) = (−x, y): swap Y + X with Y − X and negate T.
  feCswap(selected.ypx, selected.ymx, negative);
  feSub(negT, negT.fill(0), selected.t2d);
  feCmov(selected.t2d, negT, negative);
}

const acc = extended();

/** k·B for a clamped scalar k (below 2^255), as the Montgomery u = x/z with x = Z + Y, z = Z − Y. */
export function edwardsBaseMultiplyU(k: Uint8Array): { x: Fe; z: Fe } {
  const t = baseTable();
  const digits = signedDigits(k);
  acc.x.fill(0);
  acc.y.set(feFromInt(1));
  acc.z.set(acc.y);
  acc.t.fill(0);
  for (let i = 0; i < ROWS; i++) {
    select(t, i, digits[i] as number);
    add(acc, acc, selected);
  }
  const x = fe();
  const z = fe();
  feAdd(x, acc.z, acc.y);
  feSub(z, acc.z, acc.y);
  return { x, z };
}
