/**
 * The load generator of the socket handshake benchmark, in its own process:
 * node:tls clients, `concurrency` at a time, each closed as soon as its
 * handshake is done (chain verified against the test CA). With `reuse`, a
 * first connection keeps its session (TLS 1.2 ticket or TLS 1.3 PSK) and
 * every later one offers it. After `warmupMs` it tells its parent
 * "measuring", counts handshakes for `durationMs`, reports and exits.
 * With `postern` set, the clients are postern's own `connect` offering
 * those groups instead (for groups node:tls's OpenSSL 3.0 does not have,
 * such as X25519MLKEM768), full handshakes only.
 *
 * argv: a JSON LoadSpec
 */
import * as nodeTls from 'node:tls';
import { connect as posternConnect } from '../../src/tls/index.js';
import { TrustStore } from '../../src/x509/trust-store.js';

export interface LoadSpec {
  port: number;
  concurrency: number;
  warmupMs: number;
  durationMs: number;
  reuse: boolean;
  ca: string;
  servername: string;
  client: Pick<
    nodeTls.ConnectionOptions,
    'minVersion' | 'maxVersion' | 'ciphers' | 'ecdhCurve' | 'sigalgs'
  >;
  /** postern's client instead of node:tls, offering these groups (NamedGroup code points); caFile is the test CA. */
  postern?: { groups: number[]; caFile: string };
}

export interface LoadReport {
  handshakes: number;
  reused: number;
  elapsedMs: number;
  errors: number;
  firstError?: string;
}

const spec = JSON.parse(process.argv[2] ?? '{}') as LoadSpec;
let session: Buffer | undefined;
let measuring = false;
let stopped = false;
let handshakes = 0;
let reused = 0;
let errors = 0;
let firstError: string | undefined;

function connectOnce(keepSession: boolean): Promise<void> {
  return new Promise((resolve) => {
    const socket = nodeTls.connect({
      host: '127.0.0.1',
      port: spec.port,
      servername: spec.servername,
      ca: spec.ca,
      ...spec.client,
      ...(session !== undefined && spec.reuse ? { session } : {}),
    });
    let secure = false;
    let gotSession = false;
    // end(), not destroy(): closing with the server's ticket unread would send a reset, and a reset drops the Finished the server has not read yet.
    const done = (): void => {
      socket.end();
      resolve();
    };
    // TLS 1.2 delivers its ticket before Finished, TLS 1.3 after the handshake: the first connection waits for both.
    if (keepSession) {
      socket.once('session', (s: Buffer) => {
        session = s;
        gotSession = true;
        if (secure) done();
      });
    }
    socket.once('secureConnect', () => {
      secure = true;
      if (measuring) {
        handshakes++;
        if (socket.isSessionReused()) reused++;
      }
      if (!keepSession || gotSession) done();
    });
    socket.on('error', (err: Error) => {
      errors++;
      firstError ??= err.message;
      resolve();
    });
  });
}

const trustStore =
  spec.postern !== undefined ? TrustStore.load({ caFile: spec.postern.caFile }) : undefined;

/** One full handshake by postern's client, closed once it is done. */
function posternOnce(groups: number[], trust: TrustStore): Promise<void> {
  return new Promise((resolve) => {
    const socket = posternConnect(
      {
        host: '127.0.0.1',
        port: spec.port,
        serverName: spec.servername,
        trustStore: trust,
        groups,
      },
      () => {
        if (measuring) handshakes++;
        socket.end();
        resolve();
      },
    );
    socket.on('error', (err: Error) => {
      errors++;
      firstError ??= err.message;
      resolve();
    });
  });
}

async function loop(): Promise<void> {
  while (!stopped) {
    if (spec.postern !== undefined && trustStore !== undefined)
      await posternOnce(spec.postern.groups, trustStore);
    else await connectOnce(false);
  }
}

if (spec.reuse) await connectOnce(true);
const loops = Array.from({ length: spec.concurrency }, () => loop());
await new Promise((r) => setTimeout(r, spec.warmupMs));
process.send?.('measuring');
measuring = true;
const started = performance.now();
await new Promise((r) => setTimeout(r, spec.durationMs));
measuring = false;
const elapsedMs = performance.now() - started;
stopped = true;
await Promise.all(loops);
const report: LoadReport = {
  handshakes,
  reused,
  elapsedMs,
  errors,
  ...(firstError !== undefined ? { firstError } : {}),
};
process.send?.(report, () => process.exit(0));
