/**
 * X25519 (RFC 7748 §5) on the limb arithmetic of field25519.ts: the
 * Montgomery ladder for a peer's u-coordinate, and the fixed-base
 * multiplication of edwards25519-base.ts for our own public key.
 *
 * Constant time: the ladder runs 255 identical steps; the scalar bit only
 * enters feCswap's arithmetic mask, and the byte it is read from depends on
 * the step number alone. The result's inversion is a fixed exponentiation.
 * Checked by review of every branch here and in field25519.ts (none depends
 * on data) and by test/crypto/x25519.test.ts, which counts field
 * multiplications for different scalars and points and finds them equal.
 */
import { edwardsBaseMultiplyU } from './edwards25519-base.js';
import {
  fe,
  feAdd,
  feCswap,
  feFromInt,
  feInvert,
  feMul,
  feMul121665,
  fePack,
  feSqr,
  feSub,
  feUnpack,
} from './field25519.js';
import type { Fe } from './field25519.js';

/** RFC 7748 §5 decodeScalar25519: clear bits 0–2 and 255, set bit 254. */
export function clampScalar(scalar: Uint8Array): Uint8Array {
  const k = Uint8Array.from(scalar);
  k[0] = (k[0] as number) & 248;
  k[31] = ((k[31] as number) & 127) | 64;
  return k;
}

const x1 = fe();
const x2 = fe();
const z2 = fe();
const x3 = fe();
const z3 = fe();
const a = fe();
const aa = fe();
const b = fe();
const bb = fe();
const e = fe();
const c = fe();
const d = fe();
const da = fe();
const cb = fe();
const ONE = feFromInt(1);

/** X25519(k, u) of RFC 7748 §5: 32 bytes, possibly all zero (the caller refuses that, §6.1). */
export function x25519(scalar: Uint8Array, u: Uint8Array): Uint8Array {
  const k = clampScalar(scalar);
  feUnpack(x1, u);
  x2.set(ONE);
  z2.fill(0);
  x3.set(x1);
  z3.set(ONE);
  let swap = 0;
  for (let t = 254; t >= 0; t--) {
    const bit = ((k[t >> 3] as number) >> (t & 7)) & 1;
    swap ^= bit;
    feCswap(x2, x3, swap);
    feCswap(z2, z3, swap);
    swap = bit;
    ladderStep();
  }
  feCswap(x2, x3, swap);
  feCswap(z2, z3, swap);
  return affineU(x2, z2);
}

/** One differential addition and doubling (RFC 7748 §5, the loop body). */
function ladderStep(): void {
  feAdd(a, x2, z2);
  feSqr(aa, a);
  feSub(b, x2, z2);
  feSqr(bb, b);
  feSub(e, aa, bb);
  feAdd(c, x3, z3);
  feSub(d, x3, z3);
  feMul(da, d, a);
  feMul(cb, c, b);
  feAdd(x3, da, cb);
  feSqr(x3, x3);
  feSub(z3, da, cb);
  feSqr(z3, z3);
  feMul(z3, z3, x1);
  feMul(x2, aa, bb);
  feMul121665(z2, e);
  feAdd(z2, z2, aa);
  feMul(z2, z2, e);
}

function affineU(x: Fe, z: Fe): Uint8Array {
  const inv = fe();
  feInvert(inv, z);
  feMul(inv, inv, x);
  const out = new Uint8Array(32);
  fePack(out, inv);
  return out;
}

/** X25519(k, 9), the public key (RFC 7748 §6.1), by the fixed-base table. */
export function x25519Base(scalar: Uint8Array): Uint8Array {
  const { x, z } = edwardsBaseMultiplyU(clampScalar(scalar));
  return affineU(x, z);
}

/** X25519(k, 9) by the ladder, kept for tests and the benchmark as the reference for x25519Base. */
export function x25519BaseByLadder(scalar: Uint8Array): Uint8Array {
  const nine = new Uint8Array(32);
  nine[0] = 9;
  return x25519(scalar, nine);
}
