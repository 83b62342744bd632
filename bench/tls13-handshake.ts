/**
 * Full TLS 1.3 handshakes per second, client and server in one process over
 * an in-memory pair (no sockets), beside the public-key operations that one
 * such handshake cannot avoid, measured with the same primitives. The ratio
 * is the handshake's cost over its public-key work (DESIGN.md performance
 * model; the goal is ≤ 1.15).
 *
 * node:tls over an in-memory Duplex pair is the other reference; it is
 * asynchronous, which the synchronous BenchCase contract cannot time, so it
 * is measured by `nodeComparison()` and printed when this file is run
 * directly: `node dist/bench/tls13-handshake.js`.
 */
import { Duplex } from 'node:stream';
import * as nodeTls from 'node:tls';
import { pathToFileURL } from 'node:url';
import { ecdhGenerate, ecdhSharedSecret } from '../src/crypto/ecdh.js';
import { createSystemRandom } from '../src/prng/system.js';
import type { ClientConfig, ServerConfig } from '../src/tls/config.js';
import type { TlsConnection } from '../src/tls/connection.js';
import { createClientConnection, createServerConnection } from '../src/tls/engine.js';
import { NamedGroup } from '../src/tls/named-group.js';
import { SignatureScheme } from '../src/tls/signature-scheme.js';
import { signWithScheme, verifyWithScheme } from '../src/tls/signing.js';
import { certificateVerifyContent } from '../src/tls/tls13/common.js';
import { verifyCertificateSignature } from '../src/x509/signature.js';
import { publicKeyOf } from '../src/x509/private-key.js';
import { SERVER_NAME, TlsPki, type TlsKeyType } from '../test/helpers/tls-pki.js';
import type { BenchCase, BenchSuite } from './harness.js';

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
function handshake(type: TlsKeyType): void {
  const clientConfig: ClientConfig = { random, serverName: SERVER_NAME, trustStore: pki.trustStore, groups: [NamedGroup.x25519] };
  const serverConfig: ServerConfig = { random, certificates: [pki.servers[type].certified], groups: [NamedGroup.x25519] };
  const client = createClientConnection(clientConfig);
  const server = createServerConnection(serverConfig);
  pump(client, server);
  if (!client.handshakeComplete || !server.handshakeComplete) throw new Error(`handshake failed: ${client.error?.message ?? server.error?.message}`);
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
    if (!verifyWithScheme(serverPublic, scheme, content, signature)) throw new Error('signature does not verify');
    if (!verifyCertificateSignature(leaf, caKey)) throw new Error('certificate signature does not verify');
  };
}

export const suites: BenchSuite[] = [
  {
    name: 'TLS 1.3 handshake (in memory, client + server)',
    cases: TYPES.map(
      ({ type, label, scheme }): BenchCase => ({
        name: `x25519 + ${label} full handshake`,
        ours: () => handshake(type),
        referenceName: 'its public-key operations alone',
        reference: publicKeyWork(type, scheme),
        goal: 'ratio ≤ 1.15',
      }),
    ),
  },
];

/** Two Duplex ends joined in memory: what one writes, the other reads. */
function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (other: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        other().push(chunk);
        callback();
      },
      final(callback) {
        other().push(null);
        callback();
      },
    });
  ends.push(make(() => ends[1] as Duplex), make(() => ends[0] as Duplex));
  return [ends[0] as Duplex, ends[1] as Duplex];
}

/** One node:tls handshake over an in-memory pair, x25519 only, verifying the chain as our client does. */
function nodeHandshake(serverContext: nodeTls.SecureContext): Promise<void> {
  return new Promise((resolve, reject) => {
    const [a, b] = duplexPair();
    let done = 0;
    const finish = (): void => {
      if (++done < 2) return;
      server.destroy();
      client.destroy();
      resolve();
    };
    const server = new nodeTls.TLSSocket(a, { isServer: true, secureContext: serverContext });
    server.once('secure', finish);
    server.on('error', reject);
    const client = nodeTls.connect({ socket: b, servername: SERVER_NAME, ca: pki.caPem, ecdhCurve: 'X25519', minVersion: 'TLSv1.3' });
    client.once('secureConnect', finish);
    client.on('error', reject);
  });
}

async function rate(fn: () => Promise<void> | void, seconds: number): Promise<number> {
  const end = performance.now() + seconds * 1000;
  let n = 0;
  const start = performance.now();
  while (performance.now() < end) {
    await fn();
    n++;
  }
  return (n * 1000) / (performance.now() - start);
}

/** Handshakes per second, ours against node:tls over in-memory pairs, and ours against its public-key work. */
export async function nodeComparison(seconds = 3): Promise<{ label: string; ours: number; node: number; publicKey: number }[]> {
  const out: { label: string; ours: number; node: number; publicKey: number }[] = [];
  for (const { type, label, scheme } of TYPES) {
    const context = nodeTls.createSecureContext({ key: pki.servers[type].keyPem, cert: pki.servers[type].certPem, ecdhCurve: 'X25519', minVersion: 'TLSv1.3' });
    const node = await rate(() => nodeHandshake(context), seconds);
    const ours = await rate(() => handshake(type), seconds);
    const publicKey = await rate(publicKeyWork(type, scheme), seconds);
    out.push({ label, ours, node, publicKey });
  }
  return out;
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  console.log('TLS 1.3 full handshakes per second, client and server in one process, in memory');
  for (const r of await nodeComparison()) {
    console.log(
      `  x25519 + ${r.label.padEnd(10)} postern ${r.ours.toFixed(1).padStart(7)}/s   node:tls ${r.node.toFixed(1).padStart(7)}/s   ratio ${(r.node / r.ours).toFixed(2)}   ` +
        `public-key work alone ${r.publicKey.toFixed(1)}/s → handshake / public-key = ${(r.publicKey / r.ours).toFixed(2)}`,
    );
  }
}
