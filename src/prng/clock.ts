/** A pending timer; `cancel` is idempotent. */
export interface Timer {
  cancel(): void;
}

/**
 * Time, injected (DESIGN.md "Injected randomness and time"): the entropy pool
 * stirs `now()` into its seed and schedules its reseeds and exchange-file
 * updates through `setTimer`, so tests drive both with a ManualClock.
 */
export interface Clock {
  /** Milliseconds since the epoch, with sub-millisecond precision where the platform has it. */
  now(): number;
  /**
   * Runs `fn` once after `ms` milliseconds. `keepAlive: false` lets the
   * process exit while the timer is pending (a pool's reseed timer must not
   * keep a short-lived command alive).
   */
  setTimer(ms: number, fn: () => void, keepAlive?: boolean): Timer;
}

/** The real clock: performance.timeOrigin + performance.now() and Node timers. */
export const systemClock: Clock = {
  now: () => performance.timeOrigin + performance.now(),
  setTimer(ms, fn, keepAlive = true) {
    const handle = setTimeout(fn, ms);
    if (!keepAlive) handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
};

interface ManualEntry {
  at: number;
  seq: number;
  fn: () => void;
  cancelled: boolean;
}

/** A clock that moves only when told to, for tests of the reseed and update timers. */
export class ManualClock implements Clock {
  private time: number;
  private seq = 0;
  private entries: ManualEntry[] = [];
  /** Every delay ever requested through setTimer, in order. */
  readonly requestedDelays: number[] = [];

  constructor(start = 1_700_000_000_000) {
    this.time = start;
  }

  now(): number {
    return this.time;
  }

  setTimer(ms: number, fn: () => void): Timer {
    if (!Number.isFinite(ms) || ms < 0)
      throw new RangeError(`timer delay must be a non-negative number, got ${ms}`);
    this.requestedDelays.push(ms);
    const entry: ManualEntry = { at: this.time + ms, seq: this.seq++, fn, cancelled: false };
    this.entries.push(entry);
    return { cancel: () => void (entry.cancelled = true) };
  }

  /** Timers not yet fired nor cancelled. */
  get pending(): number {
    return this.entries.filter((e) => !e.cancelled).length;
  }

  /** Moves time forward by `ms`, firing every timer that falls due, in order. */
  advance(ms: number): void {
    const target = this.time + ms;
    for (;;) {
      const due = this.entries
        .filter((e) => !e.cancelled && e.at <= target)
        .sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (due === undefined) break;
      this.entries.splice(this.entries.indexOf(due), 1);
      this.time = Math.max(this.time, due.at);
      due.fn();
    }
    this.time = target;
    this.entries = this.entries.filter((e) => !e.cancelled);
  }
}
