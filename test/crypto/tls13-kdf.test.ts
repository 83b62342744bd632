import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from '../../src/crypto/hash.js';
import { hkdfExtract } from '../../src/crypto/hkdf.js';
import { hmac } from '../../src/crypto/hmac.js';
import { deriveSecret, hkdfExpandLabel } from '../../src/crypto/tls13-kdf.js';
import { ecdhPublicKey, ecdhSharedSecret } from '../../src/crypto/ecdh.js';
import { loadVectors, hex, toHex } from '../helpers/vectors.js';

interface Rfc8448 {
  hash: 'sha256';
  key_length: number;
  iv_length: number;
  vectors: Record<string, string> & { messages: Record<string, string> };
}
const file = loadVectors<Rfc8448>('rfc8448-keys.json');
const v = file.vectors;
const m = v.messages;
const H = file.hash;
const empty = new Uint8Array(0);
const get = (name: string): string => {
  const value = v[name];
  assert.equal(typeof value, 'string', name);
  return value as string;
};
const msg = (name: string): Uint8Array => {
  const value = m[name];
  assert.ok(value !== undefined, name);
  return hex(value);
};

test('RFC 8448 §3: x25519 key pairs and the shared secret', () => {
  assert.equal(
    toHex(ecdhPublicKey('x25519', hex(get('client_private_key')))),
    get('client_public_key'),
  );
  assert.equal(
    toHex(ecdhPublicKey('x25519', hex(get('server_private_key')))),
    get('server_public_key'),
  );
  assert.equal(
    toHex(
      ecdhSharedSecret('x25519', hex(get('client_private_key')), hex(get('server_public_key'))),
    ),
    get('shared_secret'),
  );
  assert.equal(
    toHex(
      ecdhSharedSecret('x25519', hex(get('server_private_key')), hex(get('client_public_key'))),
    ),
    get('shared_secret'),
  );
});

test('RFC 8448 §3: the whole key schedule from the shared secret and the messages', () => {
  const transcript = createHash(H);
  transcript.update(msg('ClientHello')).update(msg('ServerHello'));
  const helloHash = transcript.clone().digest();
  assert.equal(toHex(helloHash), get('transcript_hash_client_hello_server_hello'));

  const emptyHash = createHash(H).digest();
  const early = hkdfExtract(H, empty, new Uint8Array(32));
  assert.equal(toHex(early), get('early_secret'));
  const derivedHs = deriveSecret(H, early, 'derived', emptyHash);
  assert.equal(toHex(derivedHs), get('derived_for_handshake'));
  const shared = ecdhSharedSecret(
    'x25519',
    hex(get('client_private_key')),
    hex(get('server_public_key')),
  );
  const handshake = hkdfExtract(H, derivedHs, shared);
  assert.equal(toHex(handshake), get('handshake_secret'));

  const cHs = deriveSecret(H, handshake, 'c hs traffic', helloHash);
  const sHs = deriveSecret(H, handshake, 's hs traffic', helloHash);
  assert.equal(toHex(cHs), get('client_handshake_traffic_secret'));
  assert.equal(toHex(sHs), get('server_handshake_traffic_secret'));
  const keyLen = file.key_length;
  const ivLen = file.iv_length;
  assert.equal(
    toHex(hkdfExpandLabel(H, sHs, 'key', empty, keyLen)),
    get('server_handshake_write_key'),
  );
  assert.equal(
    toHex(hkdfExpandLabel(H, sHs, 'iv', empty, ivLen)),
    get('server_handshake_write_iv'),
  );
  assert.equal(
    toHex(hkdfExpandLabel(H, cHs, 'key', empty, keyLen)),
    get('client_handshake_write_key'),
  );
  assert.equal(
    toHex(hkdfExpandLabel(H, cHs, 'iv', empty, ivLen)),
    get('client_handshake_write_iv'),
  );

  const derivedMs = deriveSecret(H, handshake, 'derived', emptyHash);
  assert.equal(toHex(derivedMs), get('derived_for_master'));
  const master = hkdfExtract(H, derivedMs, new Uint8Array(32));
  assert.equal(toHex(master), get('master_secret'));

  // RFC 8446 §4.4.4: finished_key = HKDF-Expand-Label(BaseKey, "finished", "", Hash.length).
  transcript
    .update(msg('EncryptedExtensions'))
    .update(msg('Certificate'))
    .update(msg('CertificateVerify'));
  const throughCv = transcript.clone().digest();
  const sFinishedKey = hkdfExpandLabel(H, sHs, 'finished', empty, 32);
  assert.equal(toHex(sFinishedKey), get('server_finished_key'));
  const sVerify = hmac(H, sFinishedKey, throughCv);
  assert.equal(toHex(sVerify), get('server_finished_verify_data'));
  assert.equal(toHex(msg('ServerFinished').subarray(4)), toHex(sVerify));

  transcript.update(msg('ServerFinished'));
  const throughSf = transcript.clone().digest();
  assert.equal(toHex(throughSf), get('transcript_hash_through_server_finished'));
  const cAp = deriveSecret(H, master, 'c ap traffic', throughSf);
  const sAp = deriveSecret(H, master, 's ap traffic', throughSf);
  assert.equal(toHex(cAp), get('client_application_traffic_secret'));
  assert.equal(toHex(sAp), get('server_application_traffic_secret'));
  assert.equal(
    toHex(deriveSecret(H, master, 'exp master', throughSf)),
    get('exporter_master_secret'),
  );
  assert.equal(
    toHex(hkdfExpandLabel(H, sAp, 'key', empty, keyLen)),
    get('server_application_write_key'),
  );
  assert.equal(
    toHex(hkdfExpandLabel(H, sAp, 'iv', empty, ivLen)),
    get('server_application_write_iv'),
  );
  assert.equal(
    toHex(hkdfExpandLabel(H, cAp, 'key', empty, keyLen)),
    get('client_application_write_key'),
  );
  assert.equal(
    toHex(hkdfExpandLabel(H, cAp, 'iv', empty, ivLen)),
    get('client_application_write_iv'),
  );

  const cFinishedKey = hkdfExpandLabel(H, cHs, 'finished', empty, 32);
  assert.equal(toHex(cFinishedKey), get('client_finished_key'));
  const cVerify = hmac(H, cFinishedKey, throughSf);
  assert.equal(toHex(cVerify), get('client_finished_verify_data'));
  assert.equal(toHex(msg('ClientFinished').subarray(4)), toHex(cVerify));

  transcript.update(msg('ClientFinished'));
  const throughCf = transcript.digest();
  assert.equal(toHex(throughCf), get('transcript_hash_through_client_finished'));
  const resumption = deriveSecret(H, master, 'res master', throughCf);
  assert.equal(toHex(resumption), get('resumption_master_secret'));
  // RFC 8446 §4.6.1: PSK = HKDF-Expand-Label(resumption_master_secret, "resumption", ticket_nonce, Hash.length).
  assert.equal(
    toHex(hkdfExpandLabel(H, resumption, 'resumption', hex(get('ticket_nonce')), 32)),
    get('resumption_psk'),
  );
});

test('a different label or context changes the output (expected failures)', () => {
  const sHs = hex(get('server_handshake_traffic_secret'));
  assert.notEqual(
    toHex(hkdfExpandLabel(H, sHs, 'key ', empty, 16)),
    get('server_handshake_write_key'),
  );
  assert.notEqual(
    toHex(hkdfExpandLabel(H, sHs, 'key', Uint8Array.of(0), 16)),
    get('server_handshake_write_key'),
  );
  const handshake = hex(get('handshake_secret'));
  const wrongHash = hex(get('transcript_hash_through_server_finished'));
  assert.notEqual(
    toHex(deriveSecret(H, handshake, 'c hs traffic', wrongHash)),
    get('client_handshake_traffic_secret'),
  );
});
