import { test } from 'node:test';
import assert from 'node:assert/strict';
import { bitLength } from '../../src/crypto/bigint.js';
import { hash, type HashAlgorithm } from '../../src/crypto/hash.js';
import {
  rsaPrivateFromComponents,
  type RsaPrivateKey,
  type RsaPublicKey,
} from '../../src/crypto/rsa-key.js';
import {
  PSS_SALT_ANY,
  rsaPssSign,
  rsaPssVerify,
  rsaPssVerifyDigest,
} from '../../src/crypto/rsa-pss.js';
import { deterministicRandom, scriptedRandom } from '../../src/prng/deterministic.js';
import { hex, loadVectors, toHex } from '../helpers/vectors.js';

interface PssVect {
  hash: HashAlgorithm;
  saltLength: number;
  examples: {
    example: number;
    bits: number;
    key: {
      n: string;
      e: string;
      d: string;
      p: string;
      q: string;
      dp: string;
      dq: string;
      qinv: string;
    };
    signatures: { name: string; message: string; salt: string; signature: string }[];
  }[];
}

interface SigVerPss {
  hash: HashAlgorithm;
  saltLength: number;
  keys: {
    n: string;
    p: string;
    q: string;
    records: {
      e: string;
      d: string;
      msg: string;
      s: string;
      saltVal: string;
      result: 'P' | 'F';
      reason?: string;
    }[];
  }[];
}

const big = (h: string): bigint => BigInt('0x' + h);
const filler = deterministicRandom('rsa-pss vectors: blinding');

/**
 * A Random that hands out the vector's salt and then exactly one blinding
 * draw. rsaPssSignDigest draws the salt first (RFC 8017 §9.1.1 step 4); the
 * private operation then draws r by randomInRange(2, n − 1), one read of
 * ⌈bitLength(n − 3) / 8⌉ bytes, kept when below n − 3, which a zero first
 * octet guarantees. The blinding is cached per key object, so every signing
 * below gets a fresh key and must use up the script exactly.
 */
function saltThenBlinding(n: bigint, salt: Uint8Array): ReturnType<typeof scriptedRandom> {
  const blinding = filler.bytes(Math.ceil(bitLength(n - 3n) / 8));
  blinding[0] = 0;
  return scriptedRandom(salt, blinding);
}

function signWithSalt(
  makeKey: () => RsaPrivateKey,
  hashAlg: HashAlgorithm,
  message: Uint8Array,
  salt: Uint8Array,
): Uint8Array {
  const key = makeKey();
  const random = saltThenBlinding(key.n, salt);
  const signature = rsaPssSign(key, hashAlg, message, random, salt.length);
  assert.equal(random.remaining(), 0, 'the salt and one blinding draw are used up');
  return signature;
}

function flipBit(bytes: Uint8Array, index: number, bit: number): Uint8Array {
  const out = Uint8Array.from(bytes);
  out[index] = (out[index] as number) ^ (1 << bit);
  return out;
}

const pss = loadVectors<PssVect>('pkcs1v21-pss-vect.json');

test('pss-vect.txt: the transcription has all 10 keys with 6 signatures each, salts of 20 bytes', () => {
  assert.equal(pss.hash, 'sha1');
  assert.equal(pss.examples.length, 10);
  for (const ex of pss.examples) {
    assert.equal(bitLength(big(ex.key.n)), ex.bits, `example ${ex.example} modulus size`);
    assert.equal(ex.signatures.length, 6);
    for (const sig of ex.signatures) assert.equal(hex(sig.salt).length, pss.saltLength, sig.name);
  }
});

for (const ex of pss.examples) {
  const k = ex.key;
  const makeKey = (): RsaPrivateKey =>
    rsaPrivateFromComponents(big(k.n), big(k.e), big(k.d), big(k.p), big(k.q));
  const pub: RsaPublicKey = { n: big(k.n), e: big(k.e) };

  test(`pss-vect.txt example ${ex.example} (${ex.bits}-bit): the derived CRT values match dP, dQ, qInv of the file`, () => {
    const key = makeKey();
    assert.equal(key.dp, big(k.dp));
    assert.equal(key.dq, big(k.dq));
    assert.equal(key.qinv, big(k.qinv));
  });

  test(`pss-vect.txt example ${ex.example} (${ex.bits}-bit): signing with the vector's salt gives its signature; verify accepts it`, () => {
    for (const sig of ex.signatures) {
      const message = hex(sig.message);
      const signature = hex(sig.signature);
      assert.equal(
        toHex(signWithSalt(makeKey, pss.hash, message, hex(sig.salt))),
        sig.signature,
        `sign ${sig.name}`,
      );
      assert.equal(rsaPssVerify(pub, pss.hash, message, signature), true, `verify ${sig.name}`);
      assert.equal(
        rsaPssVerify(pub, pss.hash, message, signature, pss.saltLength),
        true,
        `verify ${sig.name}, sLen given`,
      );
      assert.equal(
        rsaPssVerify(pub, pss.hash, message, signature, PSS_SALT_ANY),
        true,
        `verify ${sig.name}, any sLen`,
      );
      assert.equal(
        rsaPssVerifyDigest(pub, pss.hash, hash(pss.hash, message), signature),
        true,
        `verify digest ${sig.name}`,
      );
    }
  });

  test(`pss-vect.txt example ${ex.example} (${ex.bits}-bit): altered signatures, messages and salt lengths do not verify`, () => {
    for (const [i, sig] of ex.signatures.entries()) {
      const message = hex(sig.message);
      const signature = hex(sig.signature);
      const mid = signature.length >> 1;
      assert.equal(
        rsaPssVerify(pub, pss.hash, message, flipBit(signature, mid, i)),
        false,
        `${sig.name}: bit ${i} of octet ${mid} flipped`,
      );
      assert.equal(
        rsaPssVerify(pub, pss.hash, message, flipBit(signature, signature.length - 1, 0)),
        false,
        `${sig.name}: last bit flipped`,
      );
      assert.equal(
        rsaPssVerify(pub, pss.hash, flipBit(message, message.length - 1, i), signature),
        false,
        `${sig.name}: message bit flipped`,
      );
      for (const wrong of [0, pss.saltLength - 1, pss.saltLength + 1, 32]) {
        assert.equal(
          rsaPssVerify(pub, pss.hash, message, signature, wrong),
          false,
          `${sig.name}: salt length ${wrong}`,
        );
      }
      assert.equal(
        rsaPssVerify(pub, pss.hash, message, signature.subarray(0, -1)),
        false,
        `${sig.name}: last octet dropped`,
      );
      assert.equal(
        rsaPssVerify(pub, pss.hash, message, signature.subarray(1)),
        false,
        `${sig.name}: first octet dropped`,
      );
      assert.equal(
        rsaPssVerify(pub, 'sha256', message, signature, pss.saltLength),
        false,
        `${sig.name}: wrong hash`,
      );
    }
  });
}

const cavp = loadVectors<SigVerPss>('nist-cavp-rsa-sigverpss.json');

test('NIST CAVP SigVerPSS (2048-bit, SHA-256, 32-byte salt): every record verifies as marked', () => {
  let passes = 0;
  let fails = 0;
  for (const [ki, key] of cavp.keys.entries()) {
    for (const [ri, rec] of key.records.entries()) {
      const where = `key ${ki + 1} record ${ri + 1} ${rec.result}${rec.reason === undefined ? '' : ` (${rec.reason})`}`;
      const pub = { n: big(key.n), e: big(rec.e) };
      const expected = rec.result === 'P';
      assert.equal(
        rsaPssVerify(pub, cavp.hash, hex(rec.msg), hex(rec.s), cavp.saltLength),
        expected,
        where,
      );
      assert.equal(
        rsaPssVerify(pub, cavp.hash, hex(rec.msg), hex(rec.s), PSS_SALT_ANY),
        expected,
        `${where}, any sLen`,
      );
      if (expected) passes++;
      else fails++;
    }
  }
  assert.equal(passes, 3);
  assert.equal(fails, 15);
});

test('NIST CAVP SigVerPSS: P records re-sign to the same bytes with SaltVal; F records under the same key do not', () => {
  for (const [ki, key] of cavp.keys.entries()) {
    const good = key.records.filter((r) => r.result === 'P');
    assert.equal(good.length, 1, `key ${ki + 1} has one P record`);
    const p = good[0] as (typeof good)[number];
    const makeKey = (): RsaPrivateKey =>
      rsaPrivateFromComponents(big(key.n), big(p.e), big(p.d), big(key.p), big(key.q));
    for (const [ri, rec] of key.records.entries()) {
      const where = `key ${ki + 1} record ${ri + 1} ${rec.result}${rec.reason === undefined ? '' : ` (${rec.reason})`}`;
      assert.equal(rec.d, p.d, `${where}: d is the key's`);
      assert.equal(hex(rec.saltVal).length, cavp.saltLength, `${where}: salt length`);
      if (rec.e !== p.e) {
        // The "public key e changed" records: signed under the key, checked against another e.
        assert.match(rec.reason ?? '', /e changed/, where);
        continue;
      }
      const mine = toHex(signWithSalt(makeKey, cavp.hash, hex(rec.msg), hex(rec.saltVal)));
      assert.equal(mine === rec.s, rec.result === 'P', where);
    }
  }
});
