import { createAead } from '../src/crypto/aead.js';
import { createAesCbc } from '../src/crypto/aes-cbc.js';
import { createHmac } from '../src/crypto/hmac.js';
import { deterministicRandom } from '../src/prng/deterministic.js';
import type { Tls12Suite } from '../src/tls/registry/suites.js';
import {
  ECDHE_RSA_AES128_GCM_SHA256,
  ECDHE_RSA_AES128_SHA256,
  ECDHE_RSA_CHACHA20_POLY1305,
} from '../src/tls/registry/suites.js';
import { Tls12MasterSecret } from '../src/tls/keys/tls12-key-schedule.js';
import { Tls12RecordOpener, Tls12RecordSealer } from '../src/tls/record/tls12-protection.js';
import type { BenchCase, BenchSuite } from './harness.js';

/** The record header's type and version, as the opener takes them. */
const hdr = (h: Uint8Array): [number, number] => [
  h[0] as number,
  ((h[1] as number) << 8) | (h[2] as number),
];

/**
 * TLS 1.2 record protection on 16 KiB records (one seal and one open per
 * call) against the bare primitives doing the same cryptographic work:
 * the AEAD under a kept key, or AES-CBC plus HMAC-SHA256 over the same bytes.
 */
const RECORD = 16384;
const content = new Uint8Array(RECORD).fill(0x61);
const random = deterministicRandom('bench tls12 records');
const clientRandom = random.bytes(32);
const serverRandom = random.bytes(32);

function keys(suite: Tls12Suite) {
  return Tls12MasterSecret.fromPreMaster(
    suite.prfHash,
    random.bytes(48),
    clientRandom,
    serverRandom,
  ).keyBlock(suite, clientRandom, serverRandom).client;
}

function recordCase(
  name: string,
  suite: Tls12Suite,
  encryptThenMac: boolean,
  referenceName: string,
  reference: () => void,
): BenchCase {
  const k = keys(suite);
  const sealer = new Tls12RecordSealer(suite, k, random, { encryptThenMac });
  const opener = new Tls12RecordOpener(suite, k, { encryptThenMac });
  return {
    name,
    bytes: RECORD,
    ours: () => {
      const rec = sealer.seal(23, content);
      opener.open(...hdr(rec.subarray(0, 5)), rec.subarray(5));
    },
    referenceName,
    reference,
    goal: 'ratio ≤ 1.10 (record processing within 10% of the raw cipher)',
  };
}

function rawAead(suite: Tls12Suite): () => void {
  if (suite.cipher.kind !== 'aead') throw new Error('AEAD suites only');
  const aead = createAead(suite.cipher.aead, keys(suite).key);
  const nonce = new Uint8Array(12);
  const aad = new Uint8Array(13);
  return () => {
    const sealed = aead.seal(nonce, content, aad);
    aead.open(nonce, sealed, aad);
  };
}

/** MAC, pad, encrypt; decrypt, MAC — the cryptographic work of a CBC-SHA256 record, nothing else. */
function rawCbc(): () => void {
  const k = keys(ECDHE_RSA_AES128_SHA256);
  const aes = createAesCbc(k.key);
  const mac = createHmac('sha256', k.macKey);
  const header = new Uint8Array(13);
  const padded = new Uint8Array(RECORD + 32 + 16);
  return () => {
    padded.set(content);
    padded.set(mac.clone().update(header).update(content).digest(), RECORD);
    padded.fill(15, RECORD + 32);
    const iv = random.bytes(16);
    const ct = aes.encrypt(iv, padded);
    const pt = aes.decrypt(iv, ct);
    mac.clone().update(header).update(pt.subarray(0, RECORD)).digest();
  };
}

export const suites: BenchSuite[] = [
  {
    name: 'TLS 1.2 records (16 KiB, seal + open)',
    cases: [
      recordCase(
        'AES-128-GCM record',
        ECDHE_RSA_AES128_GCM_SHA256,
        false,
        'raw createAead seal+open',
        rawAead(ECDHE_RSA_AES128_GCM_SHA256),
      ),
      recordCase(
        'ChaCha20-Poly1305 record',
        ECDHE_RSA_CHACHA20_POLY1305,
        false,
        'raw createAead seal+open',
        rawAead(ECDHE_RSA_CHACHA20_POLY1305),
      ),
      recordCase(
        'AES-128-CBC-SHA256 record, MAC-then-encrypt',
        ECDHE_RSA_AES128_SHA256,
        false,
        'raw AES-CBC + HMAC-SHA256',
        rawCbc(),
      ),
      recordCase(
        'AES-128-CBC-SHA256 record, encrypt-then-MAC',
        ECDHE_RSA_AES128_SHA256,
        true,
        'raw AES-CBC + HMAC-SHA256',
        rawCbc(),
      ),
    ],
  },
];
