import type { Clock, Timer } from './clock.js';
import { HmacDrbg } from './hmac-drbg.js';
import type { Logger } from './logger.js';
import type { Random } from './random.js';
import { bytesFrom } from './random.js';

/** One place seed material comes from: a tls_random_source, the exchange file, the OS. */
export interface EntropyInput {
  /** How the logs name it, e.g. "dev:/dev/urandom" or "exchange file /var/lib/postern/prng_exch". */
  readonly name: string;
  /** Resolves with at least one byte, or rejects with the reason it cannot. */
  read(): Promise<Uint8Array>;
}

/**
 * 256 bits: the seed's "32 bytes ... good enough for 128bit symmetric keys",
 * and SP 800-90A's entropy requirement for HMAC_DRBG-SHA256 at 256-bit strength.
 */
export const MIN_SEED_BYTES = 32;
/** A pool without a seed tries its sources again this soon, whatever the reseed period. */
const UNSEEDED_RETRY_MS = 10_000;
const PERSONALIZATION = new TextEncoder().encode('postern entropy pool v1');

/** The reason a process that has no seed refuses to hand out bytes for TLS. */
export class PrngUnseededError extends Error {
  readonly reason = 'prng_unseeded';
  constructor() {
    super(
      'PRNG not seeded: no entropy source, exchange file or OS randomness could be read; refusing to produce random bytes for TLS',
    );
    this.name = 'PrngUnseededError';
  }
}

export interface EntropyPoolConfig {
  /** Read once, to instantiate the DRBG. */
  initial: readonly EntropyInput[];
  /** Read at every reseed. */
  reseed: readonly EntropyInput[];
  /** tls_random_reseed_period, in seconds: the next reseed comes after a random time in [0, period]. */
  reseedPeriod: number;
  clock: Clock;
  logger: Logger;
  /** Stirred into every (re)seed with the time (the seed: "stirring in time and process id"). */
  pid: number;
}

/**
 * The entropy pool: NIST SP 800-90A HMAC_DRBG (SHA-256) instantiated from
 * every input that answers, with the time and pid as its nonce (§8.6.7
 * allows a timestamp nonce), and reseeded from its sources after a random
 * time drawn from the pool itself, as Postfix's tlsmgr does. Forward secrecy
 * after each output is HMAC_DRBG's own: every generate ends with
 * HMAC_DRBG_Update (§10.1.2.5 step 6), so a state captured later cannot
 * recompute earlier outputs, and an output (such as the exchange file) does
 * not reveal the state.
 */
export class EntropyPool implements Random {
  private drbg: HmacDrbg | undefined;
  private timer: Timer | undefined;
  private running: Promise<void> = Promise.resolve();
  private stopped = false;
  private keepAlive = false;

  private constructor(private readonly config: EntropyPoolConfig) {
    if (!(config.reseedPeriod > 0))
      throw new RangeError(`tls_random_reseed_period must be positive, got ${config.reseedPeriod}`);
  }

  /** Reads the initial inputs; the pool is unseeded (and refuses to fill) when they give under 32 bytes. */
  static async create(config: EntropyPoolConfig): Promise<EntropyPool> {
    const pool = new EntropyPool(config);
    await pool.absorb(config.initial, 'seed');
    return pool;
  }

  get seeded(): boolean {
    return this.drbg !== undefined;
  }

  fill(buf: Uint8Array): void {
    if (this.drbg === undefined) throw new PrngUnseededError();
    this.drbg.generate(buf);
  }

  bytes(n: number): Uint8Array {
    return bytesFrom((buf) => this.fill(buf), n);
  }

  /** Reads the reseed inputs now and mixes them in; false when they gave too little. */
  reseed(): Promise<boolean> {
    return this.absorb(this.config.reseed, 'reseed');
  }

  /**
   * A random time in [0, periodSeconds] in milliseconds, drawn from the pool
   * ("The time is calculated using the PRNG, it is between 0 and the time
   * specified"). Postfix scales one random byte; 32 bits give finer steps.
   */
  randomDelayMs(periodSeconds: number): number {
    const r = this.bytes(4);
    const x =
      (((r[0] as number) << 24) |
        ((r[1] as number) << 16) |
        ((r[2] as number) << 8) |
        (r[3] as number)) >>>
      0;
    return Math.floor((periodSeconds * 1000 * x) / 0xffffffff);
  }

  /** Starts the reseed timer. `keepAlive` false (the default) lets the process exit while it waits. */
  startReseeding(keepAlive = false): void {
    this.keepAlive = keepAlive;
    this.stopped = false;
    this.schedule();
  }

  /** Cancels the reseed timer and waits for a reseed in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.timer?.cancel();
    this.timer = undefined;
    await this.running;
  }

  /** Resolves when no reseed is in progress (for tests driving a ManualClock). */
  idle(): Promise<void> {
    return this.running;
  }

  private schedule(): void {
    if (this.stopped) return;
    const delay =
      this.drbg === undefined
        ? Math.min(UNSEEDED_RETRY_MS, this.config.reseedPeriod * 1000)
        : this.randomDelayMs(this.config.reseedPeriod);
    this.timer = this.config.clock.setTimer(delay, () => this.onTimer(), this.keepAlive);
  }

  private onTimer(): void {
    this.timer = undefined;
    this.running = this.reseed().then(() => this.schedule());
  }

  /** The time and pid, stirred into every (re)seed so two processes that read the same exchange file diverge. */
  private stir(): Uint8Array {
    const out = new Uint8Array(12);
    const view = new DataView(out.buffer);
    view.setFloat64(0, this.config.clock.now());
    view.setUint32(8, this.config.pid >>> 0);
    return out;
  }

  private async absorb(inputs: readonly EntropyInput[], what: 'seed' | 'reseed'): Promise<boolean> {
    const parts = await this.gather(inputs);
    const total = parts.reduce((n, p) => n + p.length, 0);
    if (total < MIN_SEED_BYTES) {
      this.config.logger.warn(
        this.drbg === undefined
          ? `PRNG ${what}: ${total} bytes of entropy, ${MIN_SEED_BYTES} needed; no seed, refusing to produce random bytes for TLS`
          : `PRNG ${what}: ${total} bytes of entropy, ${MIN_SEED_BYTES} needed; continuing with the current state`,
      );
      return false;
    }
    const material = framed(parts);
    if (this.drbg === undefined) this.drbg = new HmacDrbg(material, this.stir(), PERSONALIZATION);
    else this.drbg.reseed(material, this.stir());
    return true;
  }

  /** Reads every input; one that fails is logged and skipped (the pool continues from the others). */
  private async gather(inputs: readonly EntropyInput[]): Promise<Uint8Array[]> {
    const results = await Promise.allSettled(inputs.map((i) => i.read()));
    const parts: Uint8Array[] = [];
    results.forEach((r, i) => {
      const name = (inputs[i] as EntropyInput).name;
      if (r.status === 'fulfilled') parts.push(r.value);
      else
        this.config.logger.warn(
          `cannot read entropy from ${name}: ${(r.reason as Error).message}; continuing with the other sources`,
        );
    });
    return parts;
  }
}

/** Each part length-prefixed, so that different splits of the same bytes seed differently. */
function framed(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + 4 + p.length, 0));
  const view = new DataView(out.buffer);
  let off = 0;
  for (const p of parts) {
    view.setUint32(off, p.length);
    out.set(p, off + 4);
    off += 4 + p.length;
  }
  return out;
}
