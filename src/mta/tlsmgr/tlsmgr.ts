import { existsSync } from 'node:fs';
import {
  EXCHANGE_FILE_SIZE,
  EntropyPool,
  exchangeFileInput,
  osInput,
  parseEntropySource,
  sourceInput,
  writeExchangeFile,
} from '../../prng/index.js';
import type { Clock, EntropyInput, Logger, Timer } from '../../prng/index.js';

/**
 * tlsmgr's configuration, one field per main.cf parameter (camel-cased),
 * times in seconds, filled from the registry (tls-random-parameters.ts);
 * `postern tlsmgr` options override them.
 */
export interface TlsmgrOptions {
  /** tls_random_source: dev:PATH, egd:PATH or a plain file; empty for none. */
  tlsRandomSource: string;
  /** tls_random_bytes: bytes read from the source at each (re)seed. */
  tlsRandomBytes: number;
  /** tls_random_reseed_period: the source is read again after a random time in [0, this]. */
  tlsRandomReseedPeriod: number;
  /** tls_random_exchange_name: the 1024-byte file smtpd and smtp seed from. */
  tlsRandomExchangeName: string;
  /** tls_random_upd_period (later tls_random_prng_update_period): the file is rewritten after a random time in [0, this]. */
  tlsRandomUpdPeriod: number;
  /** tls_daemon_random_source: extra entropy read once at start; empty for none. */
  tlsDaemonRandomSource: string;
  /** tls_daemon_random_bytes. */
  tlsDaemonRandomBytes: number;
  logger: Logger;
  clock: Clock;
  /** The OS generator mixed into every (re)seed ('/dev/urandom'); null leaves it out. */
  osRandomSource?: string | null;
  pid?: number;
  ioTimeoutMs?: number;
}

export class TlsmgrConfigError extends Error {
  constructor(parameter: string, reason: string) {
    super(`${parameter}: ${reason}`);
    this.name = 'TlsmgrConfigError';
  }
}

function checkPositive(parameter: string, value: number, integer: boolean): void {
  if (!(value > 0) || !Number.isFinite(value) || (integer && !Number.isInteger(value))) {
    throw new TlsmgrConfigError(
      parameter,
      `must be a positive ${integer ? 'integer' : 'number'}, got ${value}`,
    );
  }
}

function validate(o: TlsmgrOptions): void {
  checkPositive('tls_random_bytes', o.tlsRandomBytes, true);
  checkPositive('tls_daemon_random_bytes', o.tlsDaemonRandomBytes, true);
  checkPositive('tls_random_reseed_period', o.tlsRandomReseedPeriod, false);
  checkPositive('tls_random_upd_period', o.tlsRandomUpdPeriod, false);
  if (o.tlsRandomExchangeName === '')
    throw new TlsmgrConfigError('tls_random_exchange_name', 'tlsmgr needs an exchange file');
  checkSource('tls_random_source', o.tlsRandomSource);
  checkSource('tls_daemon_random_source', o.tlsDaemonRandomSource);
}

function checkSource(parameter: string, spec: string): void {
  if (spec === '') return;
  try {
    parseEntropySource(spec);
  } catch (err) {
    throw new TlsmgrConfigError(parameter, (err as Error).message);
  }
}

/**
 * The PRNG half of Postfix's tlsmgr(8): keeps an entropy pool seeded from
 * tls_random_source (reseeded after random times within
 * tls_random_reseed_period), and rewrites the exchange file with fresh pool
 * output after random times within tls_random_upd_period, so that every
 * smtpd and smtp process starts from it. The file is created at start when
 * missing, and written once more on stop.
 */
export class Tlsmgr {
  private pool: EntropyPool | undefined;
  private timer: Timer | undefined;
  private state: 'new' | 'starting' | 'running' | 'stopped' = 'new';
  private writes = 0;
  private starting: Promise<void> = Promise.resolve();

  constructor(private readonly options: TlsmgrOptions) {
    validate(options);
  }

  /** Exchange-file writes so far (the one at start included). */
  get updates(): number {
    return this.writes;
  }

  /** Seeds the pool, writes the exchange file and starts both timers. Throws PrngUnseededError when nothing gives a seed. */
  start(): Promise<void> {
    if (this.state !== 'new')
      return Promise.reject(new Error(`tlsmgr: start() called when ${this.state}`));
    this.state = 'starting';
    this.starting = this.seedAndRun();
    return this.starting;
  }

  /** Cancels the timers, waits for a reseed in progress and saves the pool output one last time. */
  async stop(): Promise<void> {
    // A stop during start waits for it; start's own caller gets its error, if any.
    if (this.state === 'starting')
      await this.starting.then(
        () => undefined,
        () => undefined,
      );
    if (this.state !== 'running') {
      this.state = 'stopped';
      return;
    }
    this.state = 'stopped';
    this.timer?.cancel();
    this.timer = undefined;
    const pool = this.pool as EntropyPool;
    await pool.stop();
    this.writeExchange(pool);
  }

  private async seedAndRun(): Promise<void> {
    const exchangeExists = existsSync(this.options.tlsRandomExchangeName);
    if (!exchangeExists)
      this.options.logger.info(`creating PRNG exchange file ${this.options.tlsRandomExchangeName}`);
    const { initial, reseed } = this.inputs(exchangeExists);
    const o = this.options;
    try {
      const pool = await EntropyPool.create({
        initial,
        reseed,
        reseedPeriod: o.tlsRandomReseedPeriod,
        clock: o.clock,
        logger: o.logger,
        pid: o.pid ?? process.pid,
      });
      this.pool = pool;
      this.writeExchange(pool);
      pool.startReseeding(true);
    } catch (err) {
      this.state = 'stopped';
      throw err;
    }
    this.state = 'running';
    this.scheduleUpdate();
  }

  /** At start: the exchange file (when there is one), the source, the daemon source, the OS; at each reseed: the source and the OS. */
  private inputs(exchangeExists: boolean): { initial: EntropyInput[]; reseed: EntropyInput[] } {
    const o = this.options;
    const source = o.tlsRandomSource
      ? [sourceInput(o.tlsRandomSource, o.tlsRandomBytes, o.ioTimeoutMs)]
      : [];
    const daemon = o.tlsDaemonRandomSource
      ? [sourceInput(o.tlsDaemonRandomSource, o.tlsDaemonRandomBytes, o.ioTimeoutMs)]
      : [];
    const os = o.osRandomSource === null ? [] : [osInput(o.osRandomSource, o.ioTimeoutMs)];
    const exchange = exchangeExists ? [exchangeFileInput(o.tlsRandomExchangeName)] : [];
    // Postfix's tlsmgr reads a plain-file source once at start: its content does not change, so re-reading adds nothing.
    const reseedSource =
      o.tlsRandomSource && parseEntropySource(o.tlsRandomSource).kind === 'file' ? [] : source;
    return {
      initial: [...exchange, ...source, ...daemon, ...os],
      reseed: [...reseedSource, ...os],
    };
  }

  /** The pool, for tests and for a later seed service to smtpd/smtp. */
  get entropyPool(): EntropyPool | undefined {
    return this.pool;
  }

  /** Waits for a reseed in progress (tests driving a ManualClock). */
  idle(): Promise<void> {
    return this.pool?.idle() ?? Promise.resolve();
  }

  private writeExchange(pool: EntropyPool): void {
    writeExchangeFile(this.options.tlsRandomExchangeName, pool.bytes(EXCHANGE_FILE_SIZE));
    this.writes++;
  }

  private scheduleUpdate(): void {
    const pool = this.pool as EntropyPool;
    const delay = pool.randomDelayMs(this.options.tlsRandomUpdPeriod);
    this.timer = this.options.clock.setTimer(delay, () => this.onUpdate(), true);
  }

  private onUpdate(): void {
    this.timer = undefined;
    if (this.state !== 'running') return;
    try {
      this.writeExchange(this.pool as EntropyPool);
    } catch (err) {
      this.options.logger.warn(
        `cannot update the PRNG exchange file: ${(err as Error).message}; trying again later`,
      );
    }
    this.scheduleUpdate();
  }
}
