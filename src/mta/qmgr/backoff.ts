// Postfix qmgr(8): a deferred message waits about as long as it has been in
// the queue, so the interval roughly doubles with each attempt, within
// minimal_backoff_time and maximal_backoff_time.

export interface BackoffTimes {
  /** minimal_backoff_time, seconds */
  readonly minimalBackoffTime: number;
  /** maximal_backoff_time, seconds */
  readonly maximalBackoffTime: number;
}

/** The next attempt's time (ms) for a message that arrived at `arrival` and deferred at `now`. */
export function nextAttemptTime(arrival: number, now: number, times: BackoffTimes): number {
  const ageSeconds = Math.max(0, (now - arrival) / 1000);
  const wait = Math.min(times.maximalBackoffTime, Math.max(times.minimalBackoffTime, ageSeconds));
  return now + wait * 1000;
}
