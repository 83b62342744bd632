import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dsaSign, dsaVerify, type DsaPrivateKey } from '../../src/crypto/dsa.js';
import { ecdsaPublicKey, ecdsaSign, ecdsaVerify } from '../../src/crypto/ecdsa.js';
import type { EcdsaCurve } from '../../src/crypto/ecdsa.js';
import { lengthMutants } from '../helpers/der-mutations.js';
import { hex, loadVectors } from '../helpers/vectors.js';

/** Issue 13 item 11: a DSA or ECDSA signature verifies from its one DER encoding only (X.690 §10.1). */

const message = new TextEncoder().encode('sample');

test('ECDSA: every length mutation of a valid signature fails to verify', () => {
  const v = loadVectors<{ curves: { curve: EcdsaCurve; private_key: string }[] }>(
    'rfc6979-ecdsa.json',
  );
  for (const c of v.curves) {
    const d = hex(c.private_key);
    const pub = ecdsaPublicKey(c.curve, d);
    for (const h of ['sha256', 'sha384', 'sha512'] as const) {
      const sig = ecdsaSign(c.curve, d, h, message);
      assert.ok(ecdsaVerify(c.curve, pub, h, message, sig));
      const mutants = lengthMutants(sig);
      assert.equal(mutants.length, 12);
      for (const m of mutants)
        assert.equal(
          ecdsaVerify(c.curve, pub, h, message, m.der),
          false,
          `${c.curve} ${h} node ${m.node} ${m.mutation}`,
        );
    }
  }
});

test('DSA: every length mutation of a valid signature fails to verify', () => {
  const v = loadVectors<{
    keys: Record<string, { p: string; q: string; g: string; x: string; y: string }>;
  }>('rfc6979-dsa.json');
  for (const k of Object.values(v.keys)) {
    const big = (s: string): bigint => BigInt('0x' + s);
    const key: DsaPrivateKey = { p: big(k.p), q: big(k.q), g: big(k.g), x: big(k.x), y: big(k.y) };
    const sig = dsaSign(key, 'sha256', message);
    assert.ok(dsaVerify(key, 'sha256', message, sig));
    for (const m of lengthMutants(sig))
      assert.equal(dsaVerify(key, 'sha256', message, m.der), false, `node ${m.node} ${m.mutation}`);
  }
});
