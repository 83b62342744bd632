import {
  ClientCertificateType,
  ExtensionType,
  ProtocolVersion,
  PskKeyExchangeMode,
} from '../../src/tls/registry/constants.js';
import { CipherSuite } from '../../src/tls/registry/cipher-suite.js';
import { NamedGroup } from '../../src/tls/registry/named-group.js';
import { SignatureScheme } from '../../src/tls/registry/signature-scheme.js';
import type { Extension } from '../../src/tls/codec/extensions.js';
import type { HandshakeMessage, DecodeOptions } from '../../src/tls/codec/handshake.js';

const bytes = (n: number, fill: number): Uint8Array => new Uint8Array(n).fill(fill);
const ascii = (s: string): Uint8Array => new TextEncoder().encode(s);

/** One of every extension form, for a ClientHello (pre_shared_key last). */
export const clientHelloExtensions: Extension[] = [
  { kind: 'server_name', type: 0, serverNames: [{ nameType: 0, name: ascii('mx.example.org') }] },
  {
    kind: 'supported_groups',
    type: 10,
    groups: [NamedGroup.x25519, NamedGroup.secp256r1, NamedGroup.ffdhe2048],
  },
  {
    kind: 'signature_algorithms',
    type: 13,
    schemes: [SignatureScheme.ed25519, SignatureScheme.dsa_sha256],
  },
  { kind: 'signature_algorithms_cert', type: 50, schemes: [SignatureScheme.rsa_pkcs1_sha1] },
  {
    kind: 'key_share_client_hello',
    type: 51,
    shares: [
      { group: NamedGroup.x25519, keyExchange: bytes(32, 7) },
      { group: NamedGroup.secp256r1, keyExchange: bytes(65, 4) },
    ],
  },
  {
    kind: 'supported_versions_client_hello',
    type: 43,
    versions: [ProtocolVersion.tls1_3, ProtocolVersion.tls1_2],
  },
  { kind: 'psk_key_exchange_modes', type: 45, modes: [PskKeyExchangeMode.psk_dhe_ke] },
  { kind: 'early_data', type: 42 },
  { kind: 'cookie', type: 44, cookie: bytes(20, 9) },
  {
    kind: 'application_layer_protocol_negotiation',
    type: 16,
    protocols: [ascii('smtp'), ascii('h2')],
  },
  { kind: 'extended_master_secret', type: 23 },
  { kind: 'encrypt_then_mac', type: 22 },
  { kind: 'renegotiation_info', type: 0xff01, renegotiatedConnection: new Uint8Array(0) },
  { kind: 'session_ticket', type: 35, ticket: bytes(40, 3) },
  { kind: 'ec_point_formats', type: 11, formats: [0] },
  { kind: 'certificate_authorities', type: 47, authorities: [bytes(12, 0x30)] },
  { kind: 'status_request', type: 5, data: Uint8Array.from([1, 0, 0, 0, 0]) },
  { kind: 'record_size_limit', type: 28, limit: 0x4001 },
  { kind: 'unknown', type: 0x1a1a, data: new Uint8Array(0) },
  { kind: 'unknown', type: ExtensionType.padding, data: bytes(10, 0) },
  {
    kind: 'pre_shared_key_client_hello',
    type: 41,
    identities: [
      { identity: bytes(16, 5), obfuscatedTicketAge: 0x01020304 },
      { identity: bytes(3, 6), obfuscatedTicketAge: 0 },
    ],
    binders: [bytes(32, 1), bytes(48, 2)],
  },
];

export interface Sample {
  name: string;
  message: HandshakeMessage;
  options: DecodeOptions;
}

const random = Uint8Array.from({ length: 32 }, (_, i) => i);
const v13: DecodeOptions = { version: 'tls1.3' };
const v12 = (keyExchange?: 'ecdhe' | 'dhe' | 'rsa'): DecodeOptions =>
  keyExchange === undefined ? { version: 'tls1.2' } : { version: 'tls1.2', keyExchange };

/** One message of every kind, TLS 1.3 and 1.2. */
export const samples: Sample[] = [
  {
    name: 'ClientHello (every extension)',
    options: v13,
    message: {
      kind: 'client_hello',
      legacyVersion: 0x0303,
      random,
      legacySessionId: bytes(32, 0xaa),
      cipherSuites: [
        CipherSuite.TLS_AES_128_GCM_SHA256,
        CipherSuite.TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256,
        CipherSuite.TLS_EMPTY_RENEGOTIATION_INFO_SCSV,
      ],
      legacyCompressionMethods: [0],
      extensions: clientHelloExtensions,
      extensionsPresent: true,
    },
  },
  {
    name: 'ClientHello (TLS 1.2, no extensions)',
    options: v12(),
    message: {
      kind: 'client_hello',
      legacyVersion: 0x0303,
      random,
      legacySessionId: new Uint8Array(0),
      cipherSuites: [CipherSuite.TLS_RSA_WITH_AES_128_CBC_SHA],
      legacyCompressionMethods: [1, 0],
      extensions: [],
      extensionsPresent: false,
    },
  },
  {
    name: 'ClientHello (empty extensions block)',
    options: v12(),
    message: {
      kind: 'client_hello',
      legacyVersion: 0x0303,
      random,
      legacySessionId: new Uint8Array(0),
      cipherSuites: [CipherSuite.TLS_FALLBACK_SCSV],
      legacyCompressionMethods: [0],
      extensions: [],
      extensionsPresent: true,
    },
  },
  {
    name: 'ServerHello (TLS 1.3)',
    options: v13,
    message: {
      kind: 'server_hello',
      legacyVersion: 0x0303,
      random,
      legacySessionIdEcho: bytes(32, 1),
      cipherSuite: CipherSuite.TLS_CHACHA20_POLY1305_SHA256,
      legacyCompressionMethod: 0,
      extensionsPresent: true,
      extensions: [
        {
          kind: 'supported_versions_server_hello',
          type: 43,
          selectedVersion: ProtocolVersion.tls1_3,
        },
        {
          kind: 'key_share_server_hello',
          type: 51,
          share: { group: NamedGroup.x25519, keyExchange: bytes(32, 8) },
        },
        { kind: 'pre_shared_key_server_hello', type: 41, selectedIdentity: 1 },
      ],
    },
  },
  {
    name: 'ServerHello (TLS 1.2)',
    options: v12(),
    message: {
      kind: 'server_hello',
      legacyVersion: 0x0303,
      random,
      legacySessionIdEcho: bytes(32, 2),
      cipherSuite: CipherSuite.TLS_DHE_DSS_WITH_AES_128_GCM_SHA256,
      legacyCompressionMethod: 0,
      extensionsPresent: true,
      extensions: [
        { kind: 'renegotiation_info', type: 0xff01, renegotiatedConnection: new Uint8Array(0) },
        { kind: 'extended_master_secret', type: 23 },
        { kind: 'encrypt_then_mac', type: 22 },
        { kind: 'ec_point_formats', type: 11, formats: [0, 1, 2] },
        { kind: 'session_ticket', type: 35, ticket: new Uint8Array(0) },
        { kind: 'server_name', type: 0, serverNames: null },
        { kind: 'status_request', type: 5, data: new Uint8Array(0) },
        { kind: 'application_layer_protocol_negotiation', type: 16, protocols: [ascii('smtp')] },
      ],
    },
  },
  {
    name: 'ServerHello (TLS 1.2, no extensions)',
    options: v12(),
    message: {
      kind: 'server_hello',
      legacyVersion: 0x0303,
      random,
      legacySessionIdEcho: new Uint8Array(0),
      cipherSuite: CipherSuite.TLS_RSA_WITH_AES_256_GCM_SHA384,
      legacyCompressionMethod: 0,
      extensions: [],
      extensionsPresent: false,
    },
  },
  {
    name: 'HelloRetryRequest',
    options: v13,
    message: {
      kind: 'hello_retry_request',
      legacyVersion: 0x0303,
      legacySessionIdEcho: bytes(32, 3),
      cipherSuite: CipherSuite.TLS_AES_256_GCM_SHA384,
      legacyCompressionMethod: 0,
      extensions: [
        { kind: 'key_share_hello_retry_request', type: 51, selectedGroup: NamedGroup.secp384r1 },
        { kind: 'cookie', type: 44, cookie: bytes(100, 0xcc) },
        {
          kind: 'supported_versions_server_hello',
          type: 43,
          selectedVersion: ProtocolVersion.tls1_3,
        },
      ],
    },
  },
  {
    name: 'EncryptedExtensions',
    options: v13,
    message: {
      kind: 'encrypted_extensions',
      extensions: [
        { kind: 'server_name', type: 0, serverNames: null },
        { kind: 'early_data', type: 42 },
        { kind: 'application_layer_protocol_negotiation', type: 16, protocols: [ascii('smtp')] },
        { kind: 'supported_groups', type: 10, groups: [NamedGroup.x448] },
        { kind: 'record_size_limit', type: 28, limit: 64 },
      ],
    },
  },
  {
    name: 'EncryptedExtensions (empty)',
    options: v13,
    message: { kind: 'encrypted_extensions', extensions: [] },
  },
  {
    name: 'CertificateRequest (TLS 1.3)',
    options: v13,
    message: {
      kind: 'certificate_request_13',
      certificateRequestContext: bytes(4, 9),
      extensions: [
        {
          kind: 'signature_algorithms',
          type: 13,
          schemes: [SignatureScheme.rsa_pss_rsae_sha256, SignatureScheme.ecdsa_secp256r1_sha256],
        },
        {
          kind: 'certificate_authorities',
          type: 47,
          authorities: [bytes(20, 0x31), bytes(5, 0x32)],
        },
        {
          kind: 'signature_algorithms_cert',
          type: 50,
          schemes: [SignatureScheme.rsa_pkcs1_sha256],
        },
        { kind: 'unknown', type: ExtensionType.oid_filters, data: Uint8Array.from([0, 0]) },
      ],
    },
  },
  {
    name: 'Certificate (TLS 1.3)',
    options: v13,
    message: {
      kind: 'certificate_13',
      certificateRequestContext: new Uint8Array(0),
      certificateList: [
        {
          certData: bytes(300, 0x30),
          extensions: [
            { kind: 'status_request', type: 5, data: Uint8Array.from([1, 0, 0, 2, 0xab, 0xcd]) },
          ],
        },
        { certData: bytes(200, 0x31), extensions: [] },
      ],
    },
  },
  {
    name: 'Certificate (TLS 1.3, empty)',
    options: v13,
    message: {
      kind: 'certificate_13',
      certificateRequestContext: bytes(2, 1),
      certificateList: [],
    },
  },
  {
    name: 'CertificateVerify',
    options: v13,
    message: {
      kind: 'certificate_verify',
      algorithm: SignatureScheme.ed25519,
      signature: bytes(64, 0x5a),
    },
  },
  { name: 'Finished', options: v13, message: { kind: 'finished', verifyData: bytes(48, 0xf1) } },
  {
    name: 'NewSessionTicket (TLS 1.3)',
    options: v13,
    message: {
      kind: 'new_session_ticket_13',
      ticketLifetime: 604800,
      ticketAgeAdd: 0xffffffff,
      ticketNonce: bytes(8, 1),
      ticket: bytes(120, 0x77),
      extensions: [{ kind: 'early_data_new_session_ticket', type: 42, maxEarlyDataSize: 0 }],
    },
  },
  { name: 'KeyUpdate', options: v13, message: { kind: 'key_update', requestUpdate: 1 } },
  { name: 'EndOfEarlyData', options: v13, message: { kind: 'end_of_early_data' } },
  {
    name: 'CertificateRequest (TLS 1.2)',
    options: v12(),
    message: {
      kind: 'certificate_request_12',
      certificateTypes: [
        ClientCertificateType.rsa_sign,
        ClientCertificateType.dss_sign,
        ClientCertificateType.ecdsa_sign,
      ],
      supportedSignatureAlgorithms: [SignatureScheme.rsa_pkcs1_sha256, SignatureScheme.dsa_sha1],
      certificateAuthorities: [bytes(30, 0x30)],
    },
  },
  {
    name: 'CertificateRequest (TLS 1.2, no CAs)',
    options: v12(),
    message: {
      kind: 'certificate_request_12',
      certificateTypes: [ClientCertificateType.rsa_sign],
      supportedSignatureAlgorithms: [SignatureScheme.rsa_pkcs1_sha256],
      certificateAuthorities: [],
    },
  },
  {
    name: 'Certificate (TLS 1.2)',
    options: v12(),
    message: { kind: 'certificate_12', certificateList: [bytes(500, 0x30), bytes(10, 0x30)] },
  },
  {
    name: 'Certificate (TLS 1.2, empty)',
    options: v12(),
    message: { kind: 'certificate_12', certificateList: [] },
  },
  {
    name: 'NewSessionTicket (TLS 1.2)',
    options: v12(),
    message: { kind: 'new_session_ticket_12', ticketLifetimeHint: 7200, ticket: bytes(160, 0x42) },
  },
  {
    name: 'NewSessionTicket (TLS 1.2, empty ticket)',
    options: v12(),
    message: { kind: 'new_session_ticket_12', ticketLifetimeHint: 0, ticket: new Uint8Array(0) },
  },
  {
    name: 'ServerKeyExchange (ECDHE)',
    options: v12('ecdhe'),
    message: {
      kind: 'server_key_exchange_ecdhe',
      namedCurve: NamedGroup.secp256r1,
      publicPoint: bytes(65, 4),
      params: Uint8Array.from([3, 0, 0x17, 65, ...bytes(65, 4)]),
      signed: { algorithm: SignatureScheme.ecdsa_secp256r1_sha256, signature: bytes(71, 0x30) },
    },
  },
  {
    name: 'ServerKeyExchange (DHE)',
    options: v12('dhe'),
    message: {
      kind: 'server_key_exchange_dhe',
      dhP: bytes(256, 0xff),
      dhG: Uint8Array.from([2]),
      dhYs: bytes(256, 0x11),
      params: Uint8Array.from([1, 0, ...bytes(256, 0xff), 0, 1, 2, 1, 0, ...bytes(256, 0x11)]),
      signed: { algorithm: SignatureScheme.dsa_sha256, signature: bytes(46, 0x30) },
    },
  },
  { name: 'ServerHelloDone', options: v12(), message: { kind: 'server_hello_done' } },
  {
    name: 'ClientKeyExchange (ECDHE)',
    options: v12('ecdhe'),
    message: { kind: 'client_key_exchange_ecdhe', publicPoint: bytes(32, 9) },
  },
  {
    name: 'ClientKeyExchange (DHE)',
    options: v12('dhe'),
    message: { kind: 'client_key_exchange_dhe', dhYc: bytes(256, 0x22) },
  },
  {
    name: 'ClientKeyExchange (RSA)',
    options: v12('rsa'),
    message: { kind: 'client_key_exchange_rsa', encryptedPreMasterSecret: bytes(256, 0x33) },
  },
  { name: 'HelloRequest', options: v12(), message: { kind: 'hello_request' } },
];
