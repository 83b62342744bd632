// Failed logins are counted per client address and each failure is answered
// late, the later the more failures (as Dovecot's auth_failure_delay, and
// unlike Postfix's smtpd, which leaves that to the back end). The session
// still counts each 535 toward smtpd_soft_error_limit/smtpd_hard_error_limit
// and sleeps smtpd_error_sleep_time as for any other error: that is its part.
import type { SaslBackend, SaslContext, SaslExchange, SaslStep } from './backend.js';

export interface FailureDelayOptions {
  /** The first failure's delay (milliseconds); it doubles with each further one. */
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** A client's count is forgotten this long after its last failure. */
  readonly forgetAfterMs: number;
  readonly now: () => number;
  readonly sleep: (ms: number) => Promise<void>;
}

/** Dovecot's auth_failure_delay is 2 s; we start at 1 s (smtpd_error_sleep_time's default) and stop at 16 s. */
export const DEFAULT_FAILURE_DELAY: Omit<FailureDelayOptions, 'now' | 'sleep'> = {
  baseDelayMs: 1000,
  maxDelayMs: 16_000,
  forgetAfterMs: 600_000,
};

export class FailedLogins {
  private readonly clients = new Map<string, { count: number; last: number }>();
  constructor(
    private readonly options: Pick<
      FailureDelayOptions,
      'baseDelayMs' | 'maxDelayMs' | 'forgetAfterMs' | 'now'
    >,
  ) {}

  /** Records one failure; returns the delay to apply before answering it. */
  fail(client: string): number {
    const now = this.options.now();
    this.expire(now);
    const entry = this.clients.get(client) ?? { count: 0, last: now };
    entry.count += 1;
    entry.last = now;
    this.clients.set(client, entry);
    return Math.min(
      this.options.baseDelayMs * 2 ** Math.min(entry.count - 1, 30),
      this.options.maxDelayMs,
    );
  }

  succeed(client: string): void {
    this.clients.delete(client);
  }

  failures(client: string): number {
    this.expire(this.options.now());
    return this.clients.get(client)?.count ?? 0;
  }

  private expire(now: number): void {
    for (const [client, entry] of this.clients)
      if (now - entry.last >= this.options.forgetAfterMs) this.clients.delete(client);
  }
}

class DelayedExchange implements SaslExchange {
  constructor(
    private readonly inner: SaslExchange,
    private readonly settle: (step: SaslStep) => Promise<SaslStep>,
  ) {}
  async respond(response: Uint8Array): Promise<SaslStep> {
    return this.settle(await this.inner.respond(response));
  }
  abort(): void {
    this.inner.abort();
  }
}

class FailureDelayBackend implements SaslBackend {
  readonly failed: FailedLogins;
  constructor(
    private readonly inner: SaslBackend,
    private readonly options: FailureDelayOptions,
  ) {
    this.failed = new FailedLogins(options);
  }

  mechanisms(context: SaslContext): readonly string[] {
    return this.inner.mechanisms(context);
  }

  async start(
    mechanism: string,
    initialResponse: Uint8Array | undefined,
    context: SaslContext,
  ): Promise<{ exchange: SaslExchange; first: SaslStep }> {
    const settle = (step: SaslStep): Promise<SaslStep> => this.settle(step, context.clientAddress);
    const { exchange, first } = await this.inner.start(mechanism, initialResponse, context);
    return { exchange: new DelayedExchange(exchange, settle), first: await settle(first) };
  }

  close(): void {
    this.inner.close();
  }

  private async settle(step: SaslStep, client: string): Promise<SaslStep> {
    if (step.kind === 'success') this.failed.succeed(client);
    // A temporary failure is the server's trouble, not a guess: no delay for it.
    if (step.kind === 'failure' && !step.temporary)
      await this.options.sleep(this.failed.fail(client));
    return step;
  }
}

/** Wraps a back end so that its failures are counted and delayed. */
export function withFailureDelay(
  backend: SaslBackend,
  options: FailureDelayOptions,
): SaslBackend & { readonly failed: FailedLogins } {
  return new FailureDelayBackend(backend, options);
}
