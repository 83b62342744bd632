import { constantTimeEqual } from '../../crypto/ct.js';
import type { PrivateKey } from '../../x509/private-key.js';
import type { PublicKey } from '../../x509/public-key.js';
import { TlsAlert } from '../error/tls-alert.js';
import type { Certificate } from '../../x509/certificate.js';
import type { VerifyResult } from '../../x509/verify.js';
import { bitLength } from '../../crypto/bigint.js';
import type { DhGroup } from '../../crypto/dh.js';
import type { HandshakeIO, HandshakeState, SessionInfo } from '../engine/connection.js';
import { ExtensionType } from '../registry/constants.js';
import type { DecodeOptions, HandshakeMessage } from '../codec/handshake.js';
import { SignatureScheme } from '../registry/signature-scheme.js';
import type { Tls12Suite } from '../registry/suites.js';
import { Transcript } from '../engine/transcript.js';
import type { KeyBlock } from '../keys/tls12-key-schedule.js';
import { Tls12MasterSecret, VERIFY_DATA_LENGTH } from '../keys/tls12-key-schedule.js';
import { Tls12RecordOpener, Tls12RecordSealer } from '../record/tls12-protection.js';
import { ffdheCode } from './dhe.js';

export function decodeAs12(suite: Tls12Suite): DecodeOptions {
  return { version: 'tls1.2', keyExchange: suite.keyExchange };
}

/** RFC 5246 §7.4.1.4 and the RFCs of each: what a TLS 1.2 ServerHello may answer with (only what the client offered). */
export const TLS12_SERVER_HELLO_EXTENSIONS: ReadonlySet<number> = new Set([
  ExtensionType.server_name,
  ExtensionType.ec_point_formats,
  ExtensionType.application_layer_protocol_negotiation,
  ExtensionType.encrypt_then_mac,
  ExtensionType.extended_master_secret,
  ExtensionType.renegotiation_info,
  ExtensionType.record_size_limit,
  ExtensionType.session_ticket,
]);

/**
 * RFC 5246 §7.4.1.4.1: a client that sends no signature_algorithms is taken
 * to support SHA-1 with the signature algorithm of the suite.
 */
export const TLS12_IMPLIED_PEER_SCHEMES: readonly number[] = [
  SignatureScheme.rsa_pkcs1_sha1,
  SignatureScheme.dsa_sha1,
  SignatureScheme.ecdsa_sha1,
];

/**
 * The key type a suite's authentication needs: RSA for *-RSA and RSA key
 * exchange, DSA for DHE-DSS, EC or Ed25519 for ECDHE-ECDSA (RFC 8422 §5.3,
 * §5.10: EdDSA certificates serve the ECDSA suites). RFC 4055 §1.2: an
 * id-RSASSA-PSS key signs only, so it never serves RSA key exchange.
 */
export function keyFitsAuth(key: PrivateKey | PublicKey, suite: Tls12Suite): boolean {
  switch (suite.auth) {
    case 'rsa':
      return key.kind === 'rsa' && (suite.keyExchange !== 'rsa' || !isPssKey(key));
    case 'dss':
      return key.kind === 'dsa';
    case 'ecdsa':
      return key.kind === 'ec' || key.kind === 'ed25519';
  }
}

function isPssKey(key: Extract<PrivateKey | PublicKey, { kind: 'rsa' }>): boolean {
  return ('key' in key ? key.key.pss : key.pss) !== undefined;
}

/** RFC 8422 §5.4, RFC 5246 §7.4.3: the server signs client_random + server_random + the params. */
export function signedParams(
  clientRandom: Uint8Array,
  serverRandom: Uint8Array,
  params: Uint8Array,
): Uint8Array {
  const out = new Uint8Array(64 + params.length);
  out.set(clientRandom, 0);
  out.set(serverRandom, 32);
  out.set(params, 64);
  return out;
}

/**
 * TLS 1.2's handshake_messages: the running hash (Finished, the extended
 * master secret) and the messages themselves, which CertificateVerify signs
 * whole (RFC 5246 §7.4.8), with a hash the signature scheme chooses.
 */
export class Tls12Transcript {
  private readonly hash = new Transcript();
  private readonly messages: Uint8Array[] = [];
  private length = 0;

  constructor(prfHash: 'sha256' | 'sha384', ...raw: Uint8Array[]) {
    this.hash.start(prfHash);
    for (const m of raw) this.add(m);
  }

  add(raw: Uint8Array): void {
    this.hash.add(raw);
    this.messages.push(raw);
    this.length += raw.length;
  }

  current(): Uint8Array {
    return this.hash.current();
  }

  all(): Uint8Array {
    const out = new Uint8Array(this.length);
    let at = 0;
    for (const m of this.messages) {
      out.set(m, at);
      at += m.length;
    }
    return out;
  }
}

/** What both sides agreed on before keys exist. */
export interface Agreed {
  suite: Tls12Suite;
  clientRandom: Uint8Array;
  serverRandom: Uint8Array;
  extendedMasterSecret: boolean;
  /** RFC 7366 §2: both sent encrypt_then_mac and the suite is CBC. */
  encryptThenMac: boolean;
}

/** What a full TLS 1.2 handshake settled, as either side saw it. */
export interface FullHandshake12 {
  agreed: Agreed;
  ecGroup?: number;
  dhGroup?: DhGroup;
  peerCertificates?: Certificate[];
  peerSignatureScheme?: number;
  localSignatureScheme?: number;
  localCertificate?: Certificate;
  verification?: VerifyResult;
  alpnProtocol?: string;
  serverName?: string;
}

/** The SessionInfo of a full TLS 1.2 handshake; a DHE group is named if RFC 7919 has it, and sized always. */
export function fullSessionInfo12(h: FullHandshake12): SessionInfo {
  const group = h.ecGroup ?? (h.dhGroup !== undefined ? ffdheCode(h.dhGroup) : undefined);
  return {
    protocol: 'TLSv1.2',
    cipher: h.agreed.suite,
    peerCertificates: h.peerCertificates ?? [],
    resumed: false,
    helloRetry: false,
    extendedMasterSecret: h.agreed.extendedMasterSecret,
    encryptThenMac: h.agreed.encryptThenMac,
    ...(group !== undefined ? { group } : {}),
    ...(h.dhGroup !== undefined ? { dhBits: bitLength(h.dhGroup.p) } : {}),
    ...(h.peerSignatureScheme !== undefined ? { peerSignatureScheme: h.peerSignatureScheme } : {}),
    ...(h.localSignatureScheme !== undefined
      ? { localSignatureScheme: h.localSignatureScheme }
      : {}),
    ...(h.localCertificate !== undefined ? { localCertificate: h.localCertificate } : {}),
    ...(h.verification !== undefined ? { verification: h.verification } : {}),
    ...(h.alpnProtocol !== undefined ? { alpnProtocol: h.alpnProtocol } : {}),
    ...(h.serverName !== undefined ? { serverName: h.serverName } : {}),
  };
}

/** RFC 5246 §8.1 or, when both sent extended_master_secret, RFC 7627 §4 with the hash through ClientKeyExchange. */
export function masterSecretFor(
  agreed: Agreed,
  preMaster: Uint8Array,
  transcript: Tls12Transcript,
): Tls12MasterSecret {
  const { suite } = agreed;
  return agreed.extendedMasterSecret
    ? Tls12MasterSecret.extendedFromPreMaster(suite.prfHash, preMaster, transcript.current())
    : Tls12MasterSecret.fromPreMaster(
        suite.prfHash,
        preMaster,
        agreed.clientRandom,
        agreed.serverRandom,
      );
}

export interface Keys12 {
  master: Tls12MasterSecret;
  block: KeyBlock;
}

export function deriveKeys(agreed: Agreed, master: Tls12MasterSecret): Keys12 {
  return { master, block: master.keyBlock(agreed.suite, agreed.clientRandom, agreed.serverRandom) };
}

/** Sends ChangeCipherSpec and writes under our keys from the next record on (RFC 5246 §7.1). */
export function changeWriteKeys(
  io: HandshakeIO,
  role: 'client' | 'server',
  agreed: Agreed,
  keys: Keys12,
): void {
  io.sendChangeCipherSpec();
  io.setWriter(
    new Tls12RecordSealer(agreed.suite, keys.block[role], io.random, {
      encryptThenMac: agreed.encryptThenMac,
    }),
  );
}

/** On the peer's ChangeCipherSpec: read under the peer's keys. */
export function changeReadKeys(
  io: HandshakeIO,
  role: 'client' | 'server',
  agreed: Agreed,
  keys: Keys12,
): void {
  const peer = role === 'client' ? 'server' : 'client';
  io.setReader(
    new Tls12RecordOpener(agreed.suite, keys.block[peer], {
      encryptThenMac: agreed.encryptThenMac,
    }),
  );
}

/** RFC 5246 §7.4.9: the peer's verify_data, compared in constant time; a mismatch is decrypt_error. */
export function checkFinished(
  keys: Keys12,
  sender: 'client' | 'server',
  transcript: Tls12Transcript,
  verifyData: Uint8Array,
): Uint8Array {
  const expected = keys.master.verifyData(sender, transcript.current());
  if (verifyData.length !== VERIFY_DATA_LENGTH)
    throw new TlsAlert('decode_error', `Finished of ${verifyData.length} bytes`);
  if (!constantTimeEqual(expected, verifyData))
    throw new TlsAlert('decrypt_error', `${sender} Finished does not verify`);
  return expected;
}

/**
 * The base of every TLS 1.2 state: decoding by the agreed suite, and a
 * ChangeCipherSpec refused unless the state waits for one (RFC 5246 §7.1;
 * CVE-2014-0224). `handshake` is what the states of one handshake share.
 */
export abstract class Tls12State<H extends { agreed: Agreed }> implements HandshakeState {
  abstract readonly name: string;
  readonly decodeAs: DecodeOptions;
  constructor(protected readonly handshake: H) {
    this.decodeAs = decodeAs12(handshake.agreed.suite);
  }
  abstract handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState;
  handleChangeCipherSpec(_io: HandshakeIO): HandshakeState {
    throw TlsAlert.because('unexpected_message', `change_cipher_spec received while ${this.name}`);
  }
}
