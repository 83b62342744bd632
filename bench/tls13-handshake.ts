/**
 * Full TLS 1.3 handshakes per second, client and server in one process over
 * an in-memory pair (no sockets). Two lines per key type: against node:tls
 * over an in-memory Duplex pair (the same handshake by OpenSSL), and against
 * the public-key operations that one such handshake cannot avoid, measured
 * with the same primitives; that ratio is the handshake's cost over its
 * public-key work (DESIGN.md performance model; the goal is ≤ 1.15).
 */
import * as nodeTls from 'node:tls';
import { ecdhGenerate, ecdhSharedSecret } from '../src/crypto/ecdh.js';
import { createSystemRandom } from '../src/prng/system.js';
import type { ClientConfig, ServerConfig } from '../src/tls/policy/config.js';
import type { TlsConnection } from '../src/tls/engine/connection.js';
import { createClientConnection, createServerConnection } from '../src/tls/hello/start.js';
import { NamedGroup } from '../src/tls/registry/named-group.js';
import { SignatureScheme } from '../src/tls/registry/signature-scheme.js';
import { signWithScheme, verifyWithScheme } from '../src/tls/keys/signing.js';
import { certificateVerifyContent } from '../src/tls/tls13/common.js';
import { verifyCertificateSignature } from '../src/x509/signature.js';
import { publicKeyOf } from '../src/x509/private-key.js';
import { SERVER_NAME, TlsPki, type TlsKeyType } from '../test/helpers/tls-pki.js';
import type { BenchCase, BenchSuite } from './harness.js';
import { nodeTlsHandshake } from './node-tls-pair.js';

const TYPES: readonly { type: TlsKeyType; label: string; scheme: number }[] = [
  { type: 'p256', label: 'ECDSA-P256', scheme: SignatureScheme.ecdsa_secp256r1_sha256 },
  { type: 'rsa', label: 'RSA-2048', scheme: SignatureScheme.rsa_pss_rsae_sha256 },
  { type: 'ed25519', label: 'Ed25519', scheme: SignatureScheme.ed25519 },
];

const pki = new TlsPki(TYPES.map((t) => t.type));
process.once('exit', () => pki.cleanup());
const random = createSystemRandom();
const caKey = pki.trustStore.certificates[0]!.publicKey.key;

function pump(client: TlsConnection, server: TlsConnection): void {
  for (;;) {
    const c = client.takeOutput();
    if (c !== undefined) server.receive(c);
    const s = server.takeOutput();
    if (s !== undefined) client.receive(s);
    if (c === undefined && s === undefined) return;
  }
}

/** One full handshake: ClientHello to client Finished, both sides' events checked. */
function handshake(type: TlsKeyType, group: number = NamedGroup.x25519): void {
  const clientConfig: ClientConfig = {
    random,
    serverName: SERVER_NAME,
    trustStore: pki.trustStore,
    groups: [group],
  };
  const serverConfig: ServerConfig = {
    random,
    certificates: [pki.servers[type].certified],
    groups: [group],
  };
  const client = createClientConnection(clientConfig);
  const server = createServerConnection(serverConfig);
  pump(client, server);
  if (!client.handshakeComplete || !server.handshakeComplete)
    throw new Error(`handshake failed: ${client.error?.message ?? server.error?.message}`);
}

/**
 * The public-key work of the same handshake: two x25519 key generations and
 * agreements, the server's CertificateVerify signature and the client's
 * check of it, and the client's check of the CA's signature on the leaf.
 */
function publicKeyWork(type: TlsKeyType, scheme: number): () => void {
  const certified = pki.servers[type].certified;
  const leaf = certified.chain[0]!;
  const serverPublic = publicKeyOf(certified.key);
  const content = certificateVerifyContent('server', new Uint8Array(32).fill(7));
  return () => {
    const c = ecdhGenerate('x25519', random);
    const s = ecdhGenerate('x25519', random);
    ecdhSharedSecret('x25519', s.privateKey, c.publicKey);
    ecdhSharedSecret('x25519', c.privateKey, s.publicKey);
    const signature = signWithScheme(certified.key, scheme, content, random);
    if (!verifyWithScheme(serverPublic, scheme, content, signature))
      throw new Error('signature does not verify');
    if (!verifyCertificateSignature(leaf, caKey))
      throw new Error('certificate signature does not verify');
  };
}

/** node:tls's server context for a key type, x25519 only as ours. */
function nodeContext(type: TlsKeyType): nodeTls.SecureContext {
  return nodeTls.createSecureContext({
    key: pki.servers[type].keyPem,
    cert: pki.servers[type].certPem,
    ecdhCurve: 'X25519',
    minVersion: 'TLSv1.3',
  });
}

export const suites: BenchSuite[] = [
  {
    name: 'TLS 1.3 handshake (in memory, client + server)',
    cases: TYPES.flatMap(({ type, label, scheme }): BenchCase[] => {
      const context = nodeContext(type);
      return [
        {
          name: `x25519 + ${label} full handshake`,
          ours: () => handshake(type),
          referenceName: 'node:tls, in-memory pair',
          // node:tls verifies the chain as our client does.
          reference: () =>
            nodeTlsHandshake(context, {
              servername: SERVER_NAME,
              ca: pki.caPem,
              ecdhCurve: 'X25519',
              minVersion: 'TLSv1.3',
            }),
          async: true,
        },
        {
          name: `x25519 + ${label} full handshake`,
          ours: () => handshake(type),
          referenceName: 'its public-key operations alone',
          reference: publicKeyWork(type, scheme),
          goal: 'ratio ≤ 1.15',
        },
      ];
    }),
  },
  {
    name: 'TLS 1.3 handshake with the post-quantum hybrid (in memory, client + server)',
    cases: [
      {
        // draft-ietf-tls-ecdhe-mlkem: what the default group costs over x25519 alone (ML-KEM-768 KeyGen, Encaps, Decaps, 2.3 KB more on the wire).
        name: 'X25519MLKEM768 + ECDSA-P256 full handshake',
        ours: () => handshake('p256', NamedGroup.X25519MLKEM768),
        referenceName: 'the same handshake with x25519',
        reference: () => handshake('p256', NamedGroup.x25519),
      },
    ],
  },
];
