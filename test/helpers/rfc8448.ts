import { rsaPrivateFromComponents } from '../../src/crypto/rsa-key.js';
import type { RsaPrivateKey } from '../../src/crypto/rsa-key.js';
import { bytesToBigInt } from '../../src/crypto/bigint.js';
import { deterministicRandom } from '../../src/prng/deterministic.js';
import type { Certificate } from '../../src/x509/certificate.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { TrustStore } from '../../src/x509/trust-store.js';
import type { ClientConfig, CertifiedKey, ServerConfig } from '../../src/tls/policy/config.js';
import { HandshakeAssembler } from '../../src/tls/record/handshake-assembler.js';
import { decodeHandshake } from '../../src/tls/codec/handshake.js';
import { NamedGroup } from '../../src/tls/registry/named-group.js';
import { hex, loadVectors } from './vectors.js';

/** vectors/rfc8448-simple-1rtt.json */
export interface SimpleTrace {
  server_rsa_key: Record<
    | 'modulus'
    | 'public_exponent'
    | 'private_exponent'
    | 'prime1'
    | 'prime2'
    | 'exponent1'
    | 'exponent2'
    | 'coefficient',
    string
  >;
  client_random: string;
  server_random: string;
  application_data: string;
  records: Record<
    | 'server_handshake_record'
    | 'client_finished_record'
    | 'new_session_ticket_record'
    | 'client_application_data_record'
    | 'server_application_data_record'
    | 'client_alert_record'
    | 'server_alert_record',
    string
  >;
}

export const trace = loadVectors<SimpleTrace>('rfc8448-simple-1rtt.json');
export const messages = loadVectors<{ simple_1rtt: Record<string, string> }>(
  'rfc8448-messages.json',
).simple_1rtt;
export const keys = loadVectors<{ vectors: Record<string, string> }>('rfc8448-keys.json').vectors;

/** Inside the trace certificate's validity (2016-07-30 to 2026-07-30): the clock is injected, never read. */
export const TRACE_TIME = new Date('2018-01-01T00:00:00Z');

const big = (h: string): bigint => bytesToBigInt(hex(h));

/** A fresh key object each time: the RSA blinding pair is cached per key object (src/crypto/rsa-primitive.ts). */
export function traceRsaKey(): RsaPrivateKey {
  const k = trace.server_rsa_key;
  return rsaPrivateFromComponents(
    big(k.modulus),
    big(k.public_exponent),
    big(k.private_exponent),
    big(k.prime1),
    big(k.prime2),
  );
}

/** The trace's server certificate (self-signed, CN=rsa), taken from its Certificate message. */
export function traceCertificate(): Certificate {
  const frames = new HandshakeAssembler().push(hex(messages.certificate!));
  const m = decodeHandshake(frames[0]!.type, frames[0]!.body, { version: 'tls1.3' });
  if (m.kind !== 'certificate_13') throw new Error('not a Certificate');
  return parseCertificate(m.certificateList[0]!.certData);
}

export function traceIdentity(): CertifiedKey {
  return { chain: [traceCertificate()], key: { kind: 'rsa', key: traceRsaKey() } };
}

let seed = 0;

/**
 * The trace's client (2018) shares x25519 only: our groups without the
 * X25519MLKEM768 default, whose share would need other random bytes.
 */
export const TRACE_ERA_GROUPS = [
  NamedGroup.x25519,
  NamedGroup.secp256r1,
  NamedGroup.secp384r1,
  NamedGroup.ffdhe2048,
  NamedGroup.ffdhe3072,
];

/** A client trusting the trace certificate (CN=rsa, so no host-name check), at TRACE_TIME. */
export function traceClientConfig(extra: Partial<ClientConfig> = {}): ClientConfig {
  return {
    random: deterministicRandom(`rfc8448 client ${seed++}`),
    now: () => TRACE_TIME,
    serverName: 'server',
    verifyHostname: '',
    trustStore: new TrustStore([traceCertificate()]),
    ...extra,
  };
}

/** A server with the trace's RSA key and certificate, at TRACE_TIME. */
export function traceServerConfig(extra: Partial<ServerConfig> = {}): ServerConfig {
  return {
    random: deterministicRandom(`rfc8448 server ${seed++}`),
    now: () => TRACE_TIME,
    certificates: [traceIdentity()],
    ...extra,
  };
}
