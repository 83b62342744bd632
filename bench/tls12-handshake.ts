import { execFileSync } from 'node:child_process';
import * as nodeCrypto from 'node:crypto';
import * as nodeTls from 'node:tls';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deterministicRandom } from '../src/prng/deterministic.js';
import type { ServerConfig } from '../src/tls/policy/config.js';
import { createClientConnection, createServerConnection } from '../src/tls/hello/start.js';
import type { TlsConnection } from '../src/tls/engine/connection.js';
import type { Tls12Suite } from '../src/tls/registry/suites.js';
import {
  ALL_TLS12_SUITES,
  DHE_RSA_AES128_GCM_SHA256,
  ECDHE_ECDSA_AES128_GCM_SHA256,
  ECDHE_RSA_AES128_GCM_SHA256,
  RSA_AES128_GCM_SHA256,
} from '../src/tls/registry/suites.js';
import { loadCertificateAndKey } from '../src/x509/load.js';
import type { BenchCase, BenchSuite } from './harness.js';
import { nodeTlsHandshake } from './node-tls-pair.js';

/**
 * Full TLS 1.2 handshakes, client and server in one process over an
 * in-memory pair (no sockets), for ECDHE-RSA, ECDHE-ECDSA, DHE-RSA
 * (ffdhe2048) and RSA key exchange. Two lines per suite: against node:tls
 * over an in-memory Duplex pair (the same suite by OpenSSL, its automatic
 * 2048-bit DH group for DHE), and against the public-key work of the same
 * handshake done with node:crypto: key generation, agreement, signature and
 * its verification, or RSA encryption and decryption.
 */

const dir = mkdtempSync(join(tmpdir(), 'postern-bench-tls12-'));
function openssl(args: string[]): void {
  execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
}
function selfSigned(name: string, keyArgs: string[]): { certFile: string; keyFile: string } {
  openssl(['genpkey', ...keyArgs, '-out', `${name}.key`]);
  openssl([
    'req',
    '-new',
    '-x509',
    '-key',
    `${name}.key`,
    '-subj',
    '/CN=bench.example.com',
    '-days',
    '30',
    '-out',
    `${name}.pem`,
  ]);
  return { certFile: join(dir, `${name}.pem`), keyFile: join(dir, `${name}.key`) };
}
const rsaFiles = selfSigned('rsa', ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048']);
const ecFiles = selfSigned('ec', ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256']);
const rsa = loadCertificateAndKey(rsaFiles.certFile, rsaFiles.keyFile);
const ec = loadCertificateAndKey(ecFiles.certFile, ecFiles.keyFile);
const pem = (files: { certFile: string; keyFile: string }): { cert: string; key: string } => ({
  cert: readFileSync(files.certFile, 'latin1'),
  key: readFileSync(files.keyFile, 'latin1'),
});
const rsaPem = pem(rsaFiles);
const ecPem = pem(ecFiles);
const nodeRsa = nodeCrypto.createPrivateKey(rsaPem.key);
const nodeEc = nodeCrypto.createPrivateKey(ecPem.key);
rmSync(dir, { recursive: true, force: true });

const random = deterministicRandom('bench tls12 handshake');

function handshake(suite: Tls12Suite, server: ServerConfig): void {
  const client = createClientConnection({
    random,
    maxVersion: 'TLSv1.2',
    tls12CipherSuites: [suite],
    rejectUnauthorized: false,
  });
  const srv = createServerConnection(server);
  pump(client, srv);
  if (!client.handshakeComplete || !srv.handshakeComplete)
    throw new Error(
      `${suite.opensslName}: handshake did not complete: ${client.error?.message ?? srv.error?.message}`,
    );
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
    const sig = nodeCrypto.sign('sha256', Buffer.alloc(100), {
      key: nodeRsa,
      padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING,
    });
    nodeCrypto.verify(
      'sha256',
      Buffer.alloc(100),
      { key: nodeRsa, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING },
      sig,
    );
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
    const sig = nodeCrypto.sign('sha256', Buffer.alloc(100), {
      key: nodeRsa,
      padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING,
    });
    nodeCrypto.verify(
      'sha256',
      Buffer.alloc(100),
      { key: nodeRsa, padding: nodeCrypto.constants.RSA_PKCS1_PSS_PADDING },
      sig,
    );
  },
  rsaKx: () => {
    const enc = nodeCrypto.publicEncrypt(
      { key: nodeRsa, padding: nodeCrypto.constants.RSA_PKCS1_PADDING },
      Buffer.alloc(48, 3),
    );
    // Node 20 refuses PKCS#1 v1.5 private decryption (CVE-2023-46809); the raw RSA operation costs the same.
    nodeCrypto.privateDecrypt({ key: nodeRsa, padding: nodeCrypto.constants.RSA_NO_PADDING }, enc);
  },
};

/** node:tls with the same suite, no chain check (as our client here), x25519 for ECDHE. */
function nodeReference(
  suite: Tls12Suite,
  files: { cert: string; key: string },
): () => Promise<void> {
  const context = nodeTls.createSecureContext({
    ...files,
    ciphers: suite.opensslName,
    maxVersion: 'TLSv1.2',
    ecdhCurve: 'X25519',
    dhparam: 'auto',
  });
  // The client lists P-256 too: OpenSSL serves an ECDSA P-256 certificate in TLS 1.2 only to clients that name its curve.
  return () =>
    nodeTlsHandshake(context, {
      rejectUnauthorized: false,
      ciphers: suite.opensslName,
      maxVersion: 'TLSv1.2',
      ecdhCurve: 'X25519:P-256',
    });
}

function handshakeCases(
  name: string,
  suite: Tls12Suite,
  server: ServerConfig,
  files: { cert: string; key: string },
  work: () => void,
  goal?: string,
): BenchCase[] {
  handshake(suite, server);
  return [
    {
      name,
      ours: () => handshake(suite, server),
      referenceName: 'node:tls, in-memory pair',
      reference: nodeReference(suite, files),
      async: true,
      ...(goal !== undefined ? { goal } : {}),
    },
    {
      name,
      ours: () => handshake(suite, server),
      referenceName: 'node:crypto, the same public-key work',
      reference: work,
    },
  ];
}

const rsaServer: ServerConfig = {
  random,
  certificates: [rsa],
  tls12CipherSuites: ALL_TLS12_SUITES,
};
const ecServer: ServerConfig = { random, certificates: [ec] };

export const suites: BenchSuite[] = [
  {
    name: 'TLS 1.2 full handshakes, client + server in memory',
    cases: [
      ...handshakeCases(
        'ECDHE-RSA-AES128-GCM-SHA256 (x25519)',
        ECDHE_RSA_AES128_GCM_SHA256,
        rsaServer,
        rsaPem,
        nodeWork.ecdheRsa as () => void,
      ),
      ...handshakeCases(
        'ECDHE-ECDSA-AES128-GCM-SHA256 (x25519, P-256)',
        ECDHE_ECDSA_AES128_GCM_SHA256,
        ecServer,
        ecPem,
        nodeWork.ecdheEcdsa as () => void,
      ),
      // ratio = postern time ÷ node:tls time, so "half of Node's rate" is a ratio of at most 2.
      ...handshakeCases(
        'DHE-RSA-AES128-GCM-SHA256 (ffdhe2048)',
        DHE_RSA_AES128_GCM_SHA256,
        rsaServer,
        rsaPem,
        nodeWork.dheRsa as () => void,
        "≥ 0.5× Node's handshake rate (ratio ≤ 2)",
      ),
      ...handshakeCases(
        'AES128-GCM-SHA256 (RSA key exchange)',
        RSA_AES128_GCM_SHA256,
        rsaServer,
        rsaPem,
        nodeWork.rsaKx as () => void,
      ),
    ],
  },
];
