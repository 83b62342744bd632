import type { Clock } from './clock.js';
import { systemClock } from './clock.js';
import { EntropyPool } from './entropy-pool.js';
import type { EntropyInput } from './entropy-pool.js';
import {
  DEFAULT_OS_RANDOM_SOURCE,
  exchangeFileInput,
  osInput,
  sourceInput,
} from './entropy-inputs.js';
import type { Logger } from './logger.js';
import { stderrLogger } from './logger.js';

/**
 * What an smtpd or smtp process needs to seed its pool; the field names are
 * the main.cf parameters (camel-cased), times in seconds.
 */
export interface EntropyPoolOptions {
  /** tls_random_exchange_name: read at start and at every reseed (tlsmgr keeps it fresh). Empty: none. */
  tlsRandomExchangeName?: string;
  /** tls_daemon_random_source: extra entropy read once at start. Empty (the default): none. */
  tlsDaemonRandomSource?: string;
  /** tls_daemon_random_bytes (32). */
  tlsDaemonRandomBytes?: number;
  /** tls_random_reseed_period (3600 s). */
  tlsRandomReseedPeriod?: number;
  /** The OS generator mixed into every (re)seed; `null` leaves it out (tests of the no-seed refusal). */
  osRandomSource?: string | null;
  clock?: Clock;
  logger?: Logger;
  /** Stirred in with the time; process.pid by default. */
  pid?: number;
  /** Limit on one source's I/O (Postfix's TLS_MGR_TIMEOUT). */
  ioTimeoutMs?: number;
  /** Start the reseed timer (true by default); the timer never keeps the process alive. */
  reseed?: boolean;
}

/**
 * The process-level seeded Random for TLS: reads the exchange file, the
 * daemon random source and the OS, stirs in the time and pid, and reseeds
 * from the exchange file and the OS after random times within
 * tls_random_reseed_period. Sources that fail are logged and skipped; when
 * none gives a seed the pool is still returned, `seeded` is false, and every
 * request for bytes throws PrngUnseededError (a later reseed that succeeds
 * lifts that). Make one per process and hand it to every TLS context.
 */
export async function createEntropyPool(options: EntropyPoolOptions = {}): Promise<EntropyPool> {
  const os =
    options.osRandomSource === null
      ? []
      : [osInput(options.osRandomSource ?? DEFAULT_OS_RANDOM_SOURCE, options.ioTimeoutMs)];
  const exchange = options.tlsRandomExchangeName
    ? [exchangeFileInput(options.tlsRandomExchangeName)]
    : [];
  const daemon: EntropyInput[] = options.tlsDaemonRandomSource
    ? [
        sourceInput(
          options.tlsDaemonRandomSource,
          options.tlsDaemonRandomBytes ?? 32,
          options.ioTimeoutMs,
        ),
      ]
    : [];
  const pool = await EntropyPool.create({
    initial: [...exchange, ...daemon, ...os],
    reseed: [...exchange, ...os],
    reseedPeriod: options.tlsRandomReseedPeriod ?? 3600,
    clock: options.clock ?? systemClock,
    logger: options.logger ?? stderrLogger('postern'),
    pid: options.pid ?? process.pid,
  });
  if (options.reseed ?? true) pool.startReseeding(false);
  return pool;
}

let processPool: Promise<EntropyPool> | undefined;

/**
 * The one pool of this process: created by the first call (with its
 * options), the same promise for every later call, so that every TLS
 * context of an smtpd or smtp process draws from one seeded pool.
 */
export function processEntropyPool(options: EntropyPoolOptions = {}): Promise<EntropyPool> {
  processPool ??= createEntropyPool(options);
  return processPool;
}
