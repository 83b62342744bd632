import { execFileSync } from 'node:child_process';
import * as nodeCrypto from 'node:crypto';
import { Duplex } from 'node:stream';
import * as nodeTls from 'node:tls';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deterministicRandom } from '../src/prng/deterministic.js';
import type { ServerConfig } from '../src/tls/config.js';
import { createClientConnection, createServerConnection } from '../src/tls/engine.js';
import type { TlsConnection } from '../src/tls/connection.js';
import type { Tls12Suite } from '../src/tls/suites.js';
import { ALL_TLS12_SUITES, DHE_RSA_AES128_GCM_SHA256, ECDHE_ECDSA_AES128_GCM_SHA256, ECDHE_RSA_AES128_GCM_SHA256, RSA_AES128_GCM_SHA256 } from '../src/tls/suites.js';
import { loadCertificateAndKey } from '../src/x509/load.js';
import type { BenchCase, BenchSuite } from './harness.js';

/**
 * Full TLS 1.2 handshakes, client and server in one process over an
 * in-memory pair (no sockets), for ECDHE-RSA, ECDHE-ECDSA, DHE-RSA
 * (ffdhe2048) and RSA key exchange. The harness runs synchronous functions,
 * and node:tls cannot complete a handshake synchronously, so the reference
 * here is the public-key work of the same handshake done with node:crypto
 * (OpenSSL): key generation, agreement, signature and its verification, or
 * RSA encryption and decryption. Node's own handshake rate over an
 * in-memory Duplex pair is measured asynchronously by
 * `nodeTlsHandshakesPerSecond` below and was reported beside these figures.
 */

const dir = mkdtempSync(join(tmpdir(), 'postern-bench-tls12-'));
function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}
function selfSigned(name: string, keyArgs: string[]): { certFile: string; keyFile: string } {
  openssl(['genpkey', ...keyArgs, '-out', `${name}.key`]);
  openssl(['req', '-new', '-x509', '-key', `${name}.key`, '-subj', '/CN=bench.example.com', '-days', '30', '-out', `${name}.pem`]);
  return { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) };
}
const rsaFiles = selfSigned('rsa', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
const ecFiles = selfSigned('ec', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
const rsa = loadCertificateAndKey(rsaFiles.certFile, rsaFiles.keyFile);
const ec = loadCertificateAndKey(ecFiles.certFile, ecFiles.keyFile);
const nodeRsa = nodeCrypto.createPrivateKey(execFileSync('cat', [rsaFiles.keyFile]));
const nodeEc = nodeCrypto.createPrivateKey(execFileSync('cat', [ecFiles.keyFile]));
rmSync(dir, { recursive: true, force: true });

const random = deterministicRandom('bench tls12 handshake');

function handshake(suite: Tls12Suite, server: ServerConfig): void {
  const client = createClientConnection({ random, maxVersion: 'TLSv1.2', tls12CipherSuites: [suite], rejectUnauthorized: false });
  const srv = createServerConnection(server);
  pump(client, srv);
  if (!client.handshakeComplete || !srv.handshakeComplete) throw new Error(`${suite.opensslName}: handshake did not complete: ${client.error?.message ?? srv.error?.message}`);
}

function pump(a: TlsConnection, b: TlsConnection): void {
  for (let i = 0; i < 20; i++) {
    const x = a.takeOutput();
    if (x !== undefined) b.receive(x);
    const y = b.takeOutput();
    if (y !== undefined) a.receive(y);
    if (x === undefined && y === undefined) return;
  }
}

const ffdhe2048 = nodeCrypto.getDiffieHellman('modp14');

/** The public-key operations of one full handshake, by node:crypto. */
const nodeWork: Record<string, () => void> = {
  ecdheRsa: () => {
    const a = nodeCrypto.generateKeyPairSync('x25519');
    const b = nodeCrypto.generateKeyPairSync('x25519');
    nodeCrypto.diffieHellman({ privateKey: a.privateKey, publicKey: b.publicKey });
    nodeCrypto.diffieHellman({ privateKey: b.privateKey, publicKey: a.publicKey });
    const sig = nodeCrypto.sign('sha256', Buffer.alloc(100), { key: nodeRsa, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING });
    nodeCrypto.verify('sha256', Buffer.alloc(100), { key: nodeRsa, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING }, sig);
  },
  ecdheEcdsa: () => {
    const a = nodeCrypto.generateKeyPairSync('x25519');
    const b = nodeCrypto.generateKeyPairSync('x25519');
    nodeCrypto.diffieHellman({ privateKey: a.privateKey, publicKey: b.publicKey });
    nodeCrypto.diffieHellman({ privateKey: b.privateKey, publicKey: a.publicKey });
    const sig = nodeCrypto.sign('sha256', Buffer.alloc(100), nodeEc);
    nodeCrypto.verify('sha256', Buffer.alloc(100), nodeEc, sig);
  },
  dheRsa: () => {
    // RFC 3526 group 14 has ffdhe2048's size; OpenSSL's generateKeys uses a full-length exponent here.
    const a = nodeCrypto.createDiffieHellman(ffdhe2048.getPrime(), ffdhe2048.getGenerator());
    const b = nodeCrypto.createDiffieHellman(ffdhe2048.getPrime(), ffdhe2048.getGenerator());
    a.generateKeys();
    b.generateKeys();
    a.computeSecret(b.getPublicKey());
    b.computeSecret(a.getPublicKey());
    const sig = nodeCrypto.sign('sha256', Buffer.alloc(100), { key: nodeRsa, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING });
    nodeCrypto.verify('sha256', Buffer.alloc(100), { key: nodeRsa, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING }, sig);
  },
  rsaKx: () => {
    const enc = nodeCrypto.publicEncrypt({ key: nodeRsa, padding: nodeCrypto.constants.RSA_PKCS1_PADDING }, Buffer.alloc(48, 3));
    // Node 20 refuses PKCS#1 v1.5 private decryption (CVE-2023-46809); the raw RSA operation costs the same.
    nodeCrypto.privateDecrypt({ key: nodeRsa, padding: nodeCrypto.constants.RSA_NO_PADDING }, enc);
  },
};

function handshakeCase(name: string, suite: Tls12Suite, server: ServerConfig, work: () => void, goal?: string): BenchCase {
  handshake(suite, server);
  return { name, ours: () => handshake(suite, server), referenceName: 'node:crypto, the same public-key work', reference: work, ...(goal !== undefined ? { goal } : {}) };
}

const rsaServer: ServerConfig = { random, certificates: [rsa], tls12CipherSuites: ALL_TLS12_SUITES };
const ecServer: ServerConfig = { random, certificates: [ec] };

export const suites: BenchSuite[] = [
  {
    name: 'TLS 1.2 full handshakes, client + server in memory',
    cases: [
      handshakeCase('ECDHE-RSA-AES128-GCM-SHA256 (x25519)', ECDHE_RSA_AES128_GCM_SHA256, rsaServer, nodeWork.ecdheRsa as () => void),
      handshakeCase('ECDHE-ECDSA-AES128-GCM-SHA256 (x25519, P-256)', ECDHE_ECDSA_AES128_GCM_SHA256, ecServer, nodeWork.ecdheEcdsa as () => void),
      handshakeCase('DHE-RSA-AES128-GCM-SHA256 (ffdhe2048)', DHE_RSA_AES128_GCM_SHA256, rsaServer, nodeWork.dheRsa as () => void, "≥ 0.5× Node's handshake rate"),
      handshakeCase('AES128-GCM-SHA256 (RSA key exchange)', RSA_AES128_GCM_SHA256, rsaServer, nodeWork.rsaKx as () => void),
    ],
  },
];

/** Two Duplex streams joined back to back, in memory. */
function duplexPair(): [Duplex, Duplex] {
  const a: Duplex = new Duplex({ read() {}, write(chunk: Buffer, _e, cb) { b.push(chunk); cb(); }, final(cb) { b.push(null); cb(); } });
  const b: Duplex = new Duplex({ read() {}, write(chunk: Buffer, _e, cb) { a.push(chunk); cb(); }, final(cb) { a.push(null); cb(); } });
  return [a, b];
}

/** Node's own full TLS 1.2 handshakes per second over an in-memory Duplex pair (asynchronous; not a BenchCase). */
export async function nodeTlsHandshakesPerSecond(opensslName: string, keyPem: string, certPem: string, seconds = 2): Promise<number> {
  const context = nodeTls.createSecureContext({ key: keyPem, cert: certPem, ciphers: opensslName, maxVersion: 'TLSv1.2', dhparam: 'auto' });
  const start = process.hrtime.bigint();
  let n = 0;
  while (Number(process.hrtime.bigint() - start) / 1e9 < seconds) {
    const [x, y] = duplexPair();
    await new Promise<void>((resolve, reject) => {
      const server = new nodeTls.TLSSocket(x, { isServer: true, secureContext: context });
      const client = nodeTls.connect({ socket: y, rejectUnauthorized: false, ciphers: opensslName, maxVersion: 'TLSv1.2', session: undefined }, () => {
        client.destroy();
        server.destroy();
        resolve();
      });
      client.once('error', reject);
      server.once('error', () => undefined);
    });
    n++;
  }
  return n / (Number(process.hrtime.bigint() - start) / 1e9);
}
