/**
 * Server-side handshakes over real loopback sockets (issue 18): postern's
 * createServer in one child process, node:tls's server with the same
 * certificate and key in another, each driven in turn by the same node:tls
 * load generator in a third (bench/sockets/). Per row: handshakes per second
 * seen by the generator and their ratio, and the server's CPU time per
 * handshake (process.cpuUsage over the handshakes it completed while
 * measured) and the capacity ratio, node's CPU per handshake ÷ postern's:
 * the generator saturates before a node:tls server does, so the raw rate
 * understates the gap.
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { SERVER_NAME, TlsPki, type TlsKeyType } from '../test/helpers/tls-pki.js';
import type { BenchReport } from './harness.js';
import { NamedGroup } from '../src/tls/registry/named-group.js';
import type { LoadReport, LoadSpec } from './sockets/load-child.js';
import type { ServerReport } from './sockets/server-child.js';

interface Row {
  name: string;
  key: TlsKeyType;
  reuse: boolean;
  client: LoadSpec['client'];
  /** The capacity goal of issue 18, when it sets one. */
  goal?: number;
  /**
   * Generate with postern's client offering these groups. node:tls (OpenSSL
   * 3.0) has no X25519MLKEM768, so its server answers the same client with
   * x25519: that row compares our hybrid handshake with node's classical one.
   */
  posternGroups?: { postern: number[]; node: number[] };
}

const ROWS: readonly Row[] = [
  {
    name: 'TLS 1.3 X25519 + ECDSA-P256',
    key: 'p256',
    reuse: false,
    goal: 0.25,
    client: { minVersion: 'TLSv1.3', ecdhCurve: 'X25519', sigalgs: 'ecdsa_secp256r1_sha256' },
  },
  {
    name: 'TLS 1.3 X25519 + RSA-2048',
    key: 'rsa',
    reuse: false,
    goal: 0.15,
    client: { minVersion: 'TLSv1.3', ecdhCurve: 'X25519', sigalgs: 'rsa_pss_rsae_sha256' },
  },
  {
    name: 'TLS 1.2 ECDHE(X25519)-RSA',
    key: 'rsa',
    reuse: false,
    client: { maxVersion: 'TLSv1.2', ecdhCurve: 'X25519', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' },
  },
  {
    name: 'TLS 1.2 resumed by ticket',
    key: 'rsa',
    reuse: true,
    goal: 0.8,
    client: { maxVersion: 'TLSv1.2', ecdhCurve: 'X25519', ciphers: 'ECDHE-RSA-AES128-GCM-SHA256' },
  },
  {
    name: 'TLS 1.3 resumed, PSK-DHE (X25519)',
    key: 'p256',
    reuse: true,
    goal: 0.25,
    client: { minVersion: 'TLSv1.3', ecdhCurve: 'X25519' },
  },
  {
    name: 'TLS 1.3 X25519 + Ed25519',
    key: 'ed25519',
    reuse: false,
    client: { minVersion: 'TLSv1.3', ecdhCurve: 'X25519', sigalgs: 'ed25519' },
  },
  {
    name: 'TLS 1.3 X25519MLKEM768 + ECDSA-P256 (node: X25519)',
    key: 'p256',
    reuse: false,
    client: {},
    posternGroups: { postern: [NamedGroup.X25519MLKEM768], node: [NamedGroup.x25519] },
  },
];

const CONCURRENCY = 8;
/** Rounds per row in a full run; the figures printed are medians (a loaded machine moves single rounds a lot). */
const ROUNDS = 3;

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)] as number;
}

/** Each field's median over the rounds. */
function medianOf(ms: readonly Measured[]): Measured {
  return {
    rate: median(ms.map((m) => m.rate)),
    cpuPerHandshake: median(ms.map((m) => m.cpuPerHandshake)),
    reusedShare: median(ms.map((m) => m.reusedShare)),
  };
}
const childPath = (name: string): string =>
  fileURLToPath(new URL(`sockets/${name}`, import.meta.url));

function nextMessage<T>(child: ChildProcess): Promise<T> {
  return new Promise((resolve, reject) => {
    const onExit = (code: number | null): void =>
      reject(new Error(`benchmark child exited (${code}) before answering`));
    child.once('exit', onExit);
    child.once('message', (m) => {
      child.off('exit', onExit);
      resolve(m as T);
    });
  });
}

interface Measured {
  rate: number;
  cpuPerHandshake: number;
  reusedShare: number;
}

/** One server implementation under the generator: handshakes/s and server CPU µs per handshake. */
async function measure(
  impl: 'postern' | 'node',
  row: Row,
  pki: TlsPki,
  quick: boolean,
): Promise<Measured> {
  const identity = pki.servers[row.key];
  const server = fork(childPath('server-child.js'), [impl, identity.certFile, identity.keyFile], {
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    const { port } = await nextMessage<{ port: number }>(server);
    const spec: LoadSpec = {
      port,
      concurrency: CONCURRENCY,
      warmupMs: quick ? 400 : 1000,
      durationMs: quick ? 1200 : 3000,
      reuse: row.reuse,
      ca: pki.caPem,
      servername: SERVER_NAME,
      client: row.client,
      ...(row.posternGroups !== undefined
        ? {
            postern: {
              groups: impl === 'postern' ? row.posternGroups.postern : row.posternGroups.node,
              caFile: pki.caFile,
            },
          }
        : {}),
    };
    const load = fork(childPath('load-child.js'), [JSON.stringify(spec)], {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    await nextMessage<string>(load);
    server.send('start');
    const loadReport = await nextMessage<LoadReport>(load);
    server.send('stop');
    const serverReport = await nextMessage<ServerReport>(server);
    if (loadReport.errors > 0 || serverReport.errors > 0 || serverReport.handshakes === 0) {
      throw new Error(
        `${impl} ${row.name}: ${loadReport.errors} client and ${serverReport.errors} server errors (${loadReport.firstError ?? serverReport.firstError ?? 'no handshake'})`,
      );
    }
    return {
      rate: (loadReport.handshakes * 1000) / loadReport.elapsedMs,
      cpuPerHandshake: serverReport.cpuMicros / serverReport.handshakes,
      reusedShare: loadReport.handshakes === 0 ? 0 : loadReport.reused / loadReport.handshakes,
    };
  } finally {
    server.kill();
  }
}

const rate = (hz: number): string => `${hz.toFixed(0)} hs/s`.padStart(10);
const micros = (us: number): string => `${us.toFixed(0)} µs`.padStart(8);

async function run({
  quick,
  filters,
}: {
  quick: boolean;
  filters: readonly string[];
}): Promise<void> {
  const suiteName = 'TLS server handshakes over loopback sockets';
  const rows = ROWS.filter(
    (r) =>
      filters.length === 0 ||
      filters.some((f) => `${suiteName} ${r.name}`.toLowerCase().includes(f)),
  );
  if (rows.length === 0) return;
  console.log(
    `== ${suiteName} (${CONCURRENCY} concurrent node:tls clients, ${quick ? 'one round' : `medians of ${ROUNDS} rounds`}, postern's client in the X25519MLKEM768 row, chain verified; capacity = node CPU/hs ÷ postern CPU/hs, higher is better)`,
  );
  const pki = new TlsPki([...new Set(rows.map((r) => r.key))]);
  try {
    for (const row of rows) {
      const rounds: { ours: Measured; node: Measured }[] = [];
      for (let r = 0; r < (quick ? 1 : ROUNDS); r++)
        rounds.push({
          ours: await measure('postern', row, pki, quick),
          node: await measure('node', row, pki, quick),
        });
      const ours = medianOf(rounds.map((r) => r.ours));
      const node = medianOf(rounds.map((r) => r.node));
      const capacities = rounds.map((r) => r.node.cpuPerHandshake / r.ours.cpuPerHandshake);
      const capacity = median(capacities);
      const reuse = row.reuse
        ? `   resumed ${(ours.reusedShare * 100).toFixed(0)}% / ${(node.reusedShare * 100).toFixed(0)}%`
        : '';
      const spread =
        capacities.length > 1 ? ` (rounds ${capacities.map((c) => c.toFixed(2)).join(' ')})` : '';
      console.log(
        `  ${row.name.padEnd(36)} postern ${rate(ours.rate)}  node:tls ${rate(node.rate)}  rate ratio ${(ours.rate / node.rate).toFixed(2).padStart(5)}` +
          `   server CPU/hs postern ${micros(ours.cpuPerHandshake)}  node:tls ${micros(node.cpuPerHandshake)}  capacity ${capacity.toFixed(2).padStart(5)}${spread}` +
          `${row.goal !== undefined ? `   goal: capacity ≥ ${row.goal}` : ''}${reuse}`,
      );
    }
  } finally {
    pki.cleanup();
  }
}

export const reports: BenchReport[] = [
  { name: 'TLS server handshakes over loopback sockets', run },
];
