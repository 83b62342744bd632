import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac, createHash } from 'node:crypto';
import { CryptoError } from '../../../src/crypto/errors.js';
import { Tls12MasterSecret } from '../../../src/tls/keys/tls12-key-schedule.js';
import {
  ALL_TLS12_SUITES,
  ECDHE_RSA_AES128_GCM_SHA256,
  ECDHE_RSA_AES256_GCM_SHA384,
} from '../../../src/tls/registry/suites.js';
import { deterministicRandom } from '../../../src/prng/deterministic.js';

/** RFC 5246 §5 P_hash, written again on node:crypto's HMAC as an independent reference. */
function pHash(
  hash: string,
  secret: Uint8Array,
  label: string,
  seed: Uint8Array,
  length: number,
): Buffer {
  const ls = Buffer.concat([Buffer.from(label, 'ascii'), seed]);
  let a: Buffer = ls;
  const out: Buffer[] = [];
  let have = 0;
  while (have < length) {
    a = createHmac(hash, secret).update(a).digest();
    const block = createHmac(hash, secret)
      .update(Buffer.concat([a, ls]))
      .digest();
    out.push(block);
    have += block.length;
  }
  return Buffer.concat(out).subarray(0, length);
}

const rnd = deterministicRandom('tls12 key schedule');
const clientRandom = rnd.bytes(32);
const serverRandom = rnd.bytes(32);
const pms = rnd.bytes(48);

test('master secret (RFC 5246 §8.1) matches an independent PRF', () => {
  for (const h of ['sha256', 'sha384'] as const) {
    const ms = Tls12MasterSecret.fromPreMaster(h, pms, clientRandom, serverRandom);
    assert.deepEqual(
      Buffer.from(ms.secret),
      pHash(h, pms, 'master secret', Buffer.concat([clientRandom, serverRandom]), 48),
    );
    assert.equal(ms.extended, false);
  }
});

test('extended master secret (RFC 7627 §4) uses the session hash and its own label', () => {
  const sessionHash = createHash('sha256').update('ClientHello..ClientKeyExchange').digest();
  const ems = Tls12MasterSecret.extendedFromPreMaster('sha256', pms, sessionHash);
  assert.deepEqual(
    Buffer.from(ems.secret),
    pHash('sha256', pms, 'extended master secret', sessionHash, 48),
  );
  assert.equal(ems.extended, true);
  assert.notDeepEqual(
    ems.secret,
    Tls12MasterSecret.fromPreMaster('sha256', pms, clientRandom, serverRandom).secret,
  );
});

test('key block (RFC 5246 §6.3) is split in the RFC order for every suite', () => {
  for (const suite of ALL_TLS12_SUITES) {
    const ms = Tls12MasterSecret.fromPreMaster(suite.prfHash, pms, clientRandom, serverRandom);
    const kb = ms.keyBlock(suite, clientRandom, serverRandom);
    const c = suite.cipher;
    const mac = c.kind === 'cbc' ? c.macLength : 0;
    const iv = c.kind === 'aead' ? c.fixedIvLength : 0;
    const ref = pHash(
      suite.prfHash,
      ms.secret,
      'key expansion',
      Buffer.concat([serverRandom, clientRandom]),
      2 * (mac + c.keyLength + iv),
    );
    let at = 0;
    const next = (n: number): Buffer => ref.subarray(at, (at += n));
    assert.deepEqual(Buffer.from(kb.client.macKey), next(mac), suite.name);
    assert.deepEqual(Buffer.from(kb.server.macKey), next(mac), suite.name);
    assert.deepEqual(Buffer.from(kb.client.key), next(c.keyLength), suite.name);
    assert.deepEqual(Buffer.from(kb.server.key), next(c.keyLength), suite.name);
    assert.deepEqual(Buffer.from(kb.client.iv), next(iv), suite.name);
    assert.deepEqual(Buffer.from(kb.server.iv), next(iv), suite.name);
    assert.equal(at, ref.length);
  }
});

test('Finished verify_data (RFC 5246 §7.4.9) is 12 bytes under the sender label', () => {
  const ms = Tls12MasterSecret.fromPreMaster('sha384', pms, clientRandom, serverRandom);
  const hh = createHash('sha384').update('handshake messages').digest();
  assert.deepEqual(
    Buffer.from(ms.verifyData('client', hh)),
    pHash('sha384', ms.secret, 'client finished', hh, 12),
  );
  assert.deepEqual(
    Buffer.from(ms.verifyData('server', hh)),
    pHash('sha384', ms.secret, 'server finished', hh, 12),
  );
});

test('resumed secrets keep their kind; mismatched inputs are refused', () => {
  const ms = Tls12MasterSecret.fromPreMaster('sha256', pms, clientRandom, serverRandom);
  const back = Tls12MasterSecret.resumed('sha256', ms.secret, true);
  assert.equal(back.extended, true);
  assert.deepEqual(
    back.keyBlock(ECDHE_RSA_AES128_GCM_SHA256, clientRandom, serverRandom),
    ms.keyBlock(ECDHE_RSA_AES128_GCM_SHA256, clientRandom, serverRandom),
  );
  const refused = (e: unknown): boolean =>
    e instanceof CryptoError && e.code === 'invalid_parameter';
  assert.throws(
    () => ms.keyBlock(ECDHE_RSA_AES256_GCM_SHA384, clientRandom, serverRandom),
    refused,
  );
  assert.throws(() => Tls12MasterSecret.resumed('sha256', new Uint8Array(47), false), refused);
  assert.throws(
    () => Tls12MasterSecret.fromPreMaster('sha256', pms, clientRandom.subarray(1), serverRandom),
    refused,
  );
  assert.throws(
    () => ms.keyBlock(ECDHE_RSA_AES128_GCM_SHA256, clientRandom, new Uint8Array(31)),
    refused,
  );
});
