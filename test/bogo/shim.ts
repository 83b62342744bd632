// postern's BoGo shim: the program BoringSSL's test runner (ssl/test/runner)
// starts once per test, with the contract of ssl/test/PORTING.md. Started by
// the `shim` script next to this file's source.
import { appendFileSync } from 'node:fs';
import { createServerConnection, createClientConnection } from '../../src/tls/index.js';
import type { SessionState, TlsConnection } from '../../src/tls/index.js';
import { createSystemRandom } from '../../src/prng/index.js';
import type { Random } from '../../src/prng/index.js';
// Not in the public surface (yet): the server's ticket keyring.
import { TicketKeyring, keyringTiming } from '../../src/tls/session/ticket-keys.js';
import type { Remembered } from './checks.js';
import { errorLine } from './error-codes.js';
import type { ConnectionFlags, ShimArgs } from './flags.js';
import { BadFlag, UnimplementedFlag, parseShimArgs } from './flags.js';
import { runExchange } from './exchange.js';
import { clientConfig, serverConfig } from './tls-config.js';

/** PORTING.md: the runner counts exit 89 as "unimplemented". */
export const EXIT_UNIMPLEMENTED = 89;

/** What lives across the connections of one shim process (-resume-count). */
class SessionMemory {
  /** Client: the newest session the server gave us. */
  clientSession: SessionState | undefined;
  /** Server: TLS 1.2 sessions by ID. */
  readonly serverSessions = new Map<string, SessionState>();
  readonly tickets = new TicketKeyring(keyringTiming(3600));
  readonly remembered: Remembered = {};
}

function makeConnection(
  flags: ConnectionFlags,
  random: Random,
  memory: SessionMemory,
): TlsConnection {
  if (flags.server) {
    const cache = {
      get: (id: Uint8Array) => memory.serverSessions.get(Buffer.from(id).toString('hex')),
    };
    return createServerConnection(serverConfig(flags, random, memory.tickets, cache));
  }
  return createClientConnection(clientConfig(flags, random, memory.clientSession));
}

async function runShim(args: ShimArgs): Promise<void> {
  const random = createSystemRandom();
  const memory = new SessionMemory();
  for (let i = 0; i <= args.resumeCount; i++) {
    const flags = i === 0 ? args.initial : args.resume;
    // Build the configuration before dialling, so that an unimplemented flag exits 89 without a connection.
    makeConnection(flags, random, new SessionMemory());
    await runExchange({
      host: args.ipv6 ? '::1' : '127.0.0.1',
      port: args.port,
      shimId: args.shimId,
      flags,
      isResume: i > 0,
      remembered: memory.remembered,
      createConnection: () => makeConnection(flags, random, memory),
      onSession: (event) => {
        if (event.id !== undefined)
          memory.serverSessions.set(Buffer.from(event.id).toString('hex'), event.state);
        else memory.clientSession = event.state;
      },
    });
  }
}

/**
 * The runner does not show an unimplemented test's output; with
 * POSTERN_BOGO_UNIMPLEMENTED_LOG set (the runner passes its environment on),
 * the reason is appended there, to see which flags are worth implementing.
 */
function unimplemented(err: UnimplementedFlag): number {
  process.stderr.write(`unimplemented: ${err.message}\n`);
  const log = process.env.POSTERN_BOGO_UNIMPLEMENTED_LOG;
  if (log !== undefined && log !== '') appendFileSync(log, `${err.flag}\t${err.message}\n`);
  return EXIT_UNIMPLEMENTED;
}

const USAGE =
  'usage: shim -port N -shim-id K [BoringSSL test_config.cc flags] (ssl/test/PORTING.md)';

export async function main(argv: readonly string[]): Promise<number> {
  if (argv.includes('-is-handshaker-supported')) {
    process.stdout.write('No\n');
    return 0;
  }
  let args: ShimArgs;
  try {
    args = parseShimArgs(argv);
  } catch (err) {
    if (err instanceof UnimplementedFlag) return unimplemented(err);
    if (err instanceof BadFlag) {
      process.stderr.write(`${err.message}\n${USAGE}\n`);
      return 1;
    }
    throw err;
  }
  try {
    await runShim(args);
    return 0;
  } catch (err) {
    if (err instanceof UnimplementedFlag) return unimplemented(err);
    process.stderr.write(`${errorLine(err)}\n`);
    return 1;
  }
}

const argv = process.argv.slice(2);
// `npm test` runs every file of dist/test: loaded that way, with no arguments, this program has nothing to do.
const loadedByTestRunner = argv.length === 0 && process.env.NODE_TEST_CONTEXT !== undefined;
if (!loadedByTestRunner) {
  main(argv).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(
        `:POSTERN_SHIM_ERROR: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
      );
      process.exit(1);
    },
  );
}
