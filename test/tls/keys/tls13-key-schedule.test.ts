import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from '../../../src/crypto/hash.js';
import { ecdhSharedSecret } from '../../../src/crypto/ecdh.js';
import {
  EarlySecret,
  finishedKey,
  finishedVerifyData,
  nextTrafficSecret,
  resumptionPsk,
  trafficKeys,
} from '../../../src/tls/keys/tls13-key-schedule.js';
import { hex, loadVectors, toHex } from '../../helpers/vectors.js';

interface Rfc8448 {
  vectors: Record<string, string> & { messages: Record<string, string> };
}
const v = loadVectors<Rfc8448>('rfc8448-keys.json').vectors;
const get = (name: string): string => {
  const value = v[name];
  assert.equal(typeof value, 'string', name);
  return value as string;
};
const msg = (name: string): Uint8Array => hex(v.messages[name] ?? assert.fail(name));

test('RFC 8448 §3 through the typed key schedule: every secret, key and IV', () => {
  const transcript = createHash('sha256');
  transcript.update(msg('ClientHello')).update(msg('ServerHello'));
  const helloHash = transcript.clone().digest();

  const early = new EarlySecret('sha256');
  assert.equal(toHex(early.secret), get('early_secret'));
  const shared = ecdhSharedSecret(
    'x25519',
    hex(get('server_private_key')),
    hex(get('client_public_key')),
  );
  const hs = early.toHandshake(shared);
  assert.equal(toHex(hs.secret), get('handshake_secret'));
  const cHs = hs.clientTrafficSecret(helloHash);
  const sHs = hs.serverTrafficSecret(helloHash);
  assert.equal(toHex(cHs), get('client_handshake_traffic_secret'));
  assert.equal(toHex(sHs), get('server_handshake_traffic_secret'));
  const sKeys = trafficKeys('sha256', sHs, 16);
  assert.equal(toHex(sKeys.key), get('server_handshake_write_key'));
  assert.equal(toHex(sKeys.iv), get('server_handshake_write_iv'));
  const cKeys = trafficKeys('sha256', cHs, 16);
  assert.equal(toHex(cKeys.key), get('client_handshake_write_key'));
  assert.equal(toHex(cKeys.iv), get('client_handshake_write_iv'));

  transcript
    .update(msg('EncryptedExtensions'))
    .update(msg('Certificate'))
    .update(msg('CertificateVerify'));
  assert.equal(toHex(finishedKey('sha256', sHs)), get('server_finished_key'));
  assert.equal(
    toHex(finishedVerifyData('sha256', sHs, transcript.clone().digest())),
    get('server_finished_verify_data'),
  );
  transcript.update(msg('ServerFinished'));
  const sfHash = transcript.clone().digest();

  const master = hs.toMaster();
  assert.equal(toHex(master.secret), get('master_secret'));
  const cAp = master.clientTrafficSecret(sfHash);
  const sAp = master.serverTrafficSecret(sfHash);
  assert.equal(toHex(cAp), get('client_application_traffic_secret'));
  assert.equal(toHex(sAp), get('server_application_traffic_secret'));
  assert.equal(toHex(master.exporterSecret(sfHash)), get('exporter_master_secret'));
  assert.equal(toHex(trafficKeys('sha256', sAp, 16).key), get('server_application_write_key'));
  assert.equal(toHex(trafficKeys('sha256', cAp, 16).iv), get('client_application_write_iv'));

  assert.equal(
    toHex(finishedVerifyData('sha256', cHs, sfHash)),
    get('client_finished_verify_data'),
  );
  transcript.update(msg('ClientFinished'));
  const res = master.resumptionSecret(transcript.clone().digest());
  assert.equal(toHex(res), get('resumption_master_secret'));
  assert.equal(
    toHex(resumptionPsk('sha256', res, hex(get('ticket_nonce')))),
    get('resumption_psk'),
  );
});

test('KeyUpdate: the next traffic secret differs and is deterministic (RFC 8446 §7.2)', () => {
  const s = hex(get('client_application_traffic_secret'));
  const n1 = nextTrafficSecret('sha256', s);
  assert.equal(n1.length, 32);
  assert.notEqual(toHex(n1), toHex(s));
  assert.equal(toHex(nextTrafficSecret('sha256', s)), toHex(n1));
});
