import { execFileSync } from 'node:child_process';
import * as nodeTls from 'node:tls';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deterministicRandom } from '../src/prng/deterministic.js';
import type { ClientConfig, ServerConfig } from '../src/tls/policy/config.js';
import type { TlsConnection } from '../src/tls/engine/connection.js';
import { createClientConnection, createServerConnection } from '../src/tls/hello/start.js';
import type { SessionState } from '../src/tls/session/state.js';
import { TicketKeyring, keyringTiming } from '../src/tls/session/ticket-keys.js';
import { ECDHE_ECDSA_AES128_GCM_SHA256 } from '../src/tls/registry/suites.js';
import { loadCertificateAndKey } from '../src/x509/load.js';
import type { BenchSuite } from './harness.js';
import { duplexPair } from './node-tls-pair.js';

/**
 * Resumed handshakes, client and server in one process over an in-memory
 * pair: TLS 1.2 abbreviated handshakes by session ID and by RFC 5077
 * ticket (no public-key work at all), and TLS 1.3 PSK-DHE (one x25519
 * exchange, no certificate, no signature). The reference is node:tls
 * resuming with the session its client got from a first handshake, over
 * an in-memory Duplex pair.
 */

const dir = mkdtempSync(join(tmpdir(), 'postern-bench-resumption-'));
execFileSync(
  'openssl',
  ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ec.key'],
  { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
);
execFileSync(
  'openssl',
  [
    'req',
    '-new',
    '-x509',
    '-key',
    'ec.key',
    '-subj',
    '/CN=bench.example.com',
    '-days',
    '30',
    '-out',
    'ec.pem',
  ],
  { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] },
);
const ec = loadCertificateAndKey(join(dir, 'ec.pem'), join(dir, 'ec.key'));
const ecPem = {
  cert: readFileSync(join(dir, 'ec.pem'), 'latin1'),
  key: readFileSync(join(dir, 'ec.key'), 'latin1'),
};
rmSync(dir, { recursive: true, force: true });

const random = deterministicRandom('bench resumption');

function pump(a: TlsConnection, b: TlsConnection): void {
  for (let i = 0; i < 20; i++) {
    const x = a.takeOutput();
    if (x !== undefined) b.receive(x);
    const y = b.takeOutput();
    if (y !== undefined) a.receive(y);
    if (x === undefined && y === undefined) return;
  }
}

/** One handshake; the session the client was given, and whether it resumed. */
function handshake(
  client: ClientConfig,
  server: ServerConfig,
  onServerSession?: (id: Uint8Array, state: SessionState) => void,
): { resumed: boolean; session: SessionState | undefined } {
  const c = createClientConnection(client);
  const s = createServerConnection(server);
  pump(c, s);
  if (!c.handshakeComplete || !s.handshakeComplete)
    throw new Error(`handshake did not complete: ${c.error?.message ?? s.error?.message}`);
  let session: SessionState | undefined;
  for (const e of c.takeEvents()) if (e.type === 'session') session ??= e.state;
  for (const e of s.takeEvents())
    if (e.type === 'session' && e.id !== undefined) onServerSession?.(e.id, e.state);
  return { resumed: c.session?.resumed === true, session };
}

/** A resumption case of ours: one full handshake for the session, then each call resumes it. */
function ours(version: 'TLSv1.2' | 'TLSv1.3', mode: 'id' | 'ticket'): () => void {
  const cache = new Map<string, SessionState>();
  const key = (id: Uint8Array): string => Buffer.from(id).toString('hex');
  const server: ServerConfig = {
    random,
    certificates: [ec],
    maxVersion: version,
    tls12CipherSuites: [ECDHE_ECDSA_AES128_GCM_SHA256],
    sessionTickets: mode === 'ticket' ? new TicketKeyring(keyringTiming(3600)) : false,
    ...(mode === 'id' && { sessionCache: { get: (id: Uint8Array) => cache.get(key(id)) } }),
  };
  const client: ClientConfig = {
    random,
    maxVersion: version,
    minVersion: version,
    rejectUnauthorized: false,
  };
  const { session } = handshake(client, server, (id, state) => cache.set(key(id), state));
  if (session === undefined) throw new Error(`${version} ${mode}: no session to resume`);
  return () => {
    if (!handshake({ ...client, session }, server).resumed)
      throw new Error(`${version} ${mode}: not resumed`);
  };
}

/** node:tls resuming the session of a first handshake, in memory. */
async function nodeReference(version: 'TLSv1.2' | 'TLSv1.3'): Promise<() => Promise<void>> {
  const context = nodeTls.createSecureContext({
    ...ecPem,
    maxVersion: version,
    minVersion: version,
    ecdhCurve: 'X25519',
    ...(version === 'TLSv1.2' && { ciphers: ECDHE_ECDSA_AES128_GCM_SHA256.opensslName }),
  });
  /** A handshake; the first (no session) waits for the client's first ticket, which TLS 1.3 sends after the handshake. */
  const once = (
    session: Buffer | undefined,
  ): Promise<{ session: Buffer | undefined; reused: boolean }> =>
    new Promise((resolve, reject) => {
      const [a, b] = duplexPair();
      const server = new nodeTls.TLSSocket(a, { isServer: true, secureContext: context });
      const client = nodeTls.connect({
        socket: b,
        rejectUnauthorized: false,
        maxVersion: version,
        minVersion: version,
        ecdhCurve: 'X25519:P-256',
        ...(session !== undefined && { session }),
      });
      const done = (got: Buffer | undefined): void => {
        const reused = client.isSessionReused();
        server.destroy();
        client.destroy();
        resolve({ session: got, reused });
      };
      server.on('error', reject);
      client.on('error', reject);
      if (session === undefined) client.once('session', (s: Buffer) => done(s));
      else client.once('secureConnect', () => done(undefined));
    });
  const first = await once(undefined);
  const session = first.session;
  if (session === undefined) throw new Error(`node:tls ${version}: no session`);
  return async () => {
    const r = await once(session);
    if (!r.reused) throw new Error(`node:tls ${version}: not resumed`);
  };
}

const node12 = await nodeReference('TLSv1.2');
const node13 = await nodeReference('TLSv1.3');

export const suites: BenchSuite[] = [
  {
    name: 'Resumed handshakes, client + server in memory (ECDSA P-256 certificate, x25519)',
    cases: [
      {
        name: 'TLS 1.2 abbreviated, session ID',
        ours: ours('TLSv1.2', 'id'),
        referenceName: 'node:tls resuming a TLS 1.2 ticket, in-memory pair',
        reference: node12,
        async: true,
        goal: "≥ 0.5× Node's rate (ratio ≤ 2)",
      },
      {
        name: 'TLS 1.2 abbreviated, RFC 5077 ticket',
        ours: ours('TLSv1.2', 'ticket'),
        referenceName: 'node:tls resuming a TLS 1.2 ticket, in-memory pair',
        reference: node12,
        async: true,
        goal: "≥ 0.5× Node's rate (ratio ≤ 2)",
      },
      {
        name: 'TLS 1.3 PSK-DHE',
        ours: ours('TLSv1.3', 'ticket'),
        referenceName: 'node:tls resuming a TLS 1.3 ticket, in-memory pair',
        reference: node13,
        async: true,
        goal: "≥ 0.25× Node's rate (ratio ≤ 4)",
      },
    ],
  },
];
