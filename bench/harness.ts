/**
 * What a benchmark file exports: `export const suites: BenchSuite[]`.
 * `bench/run.ts` runs every case's `ours` and `reference` with benchmark.js
 * in the same process and prints both rates and their ratio.
 */
interface BenchCaseBase {
  /** What is measured, e.g. "RSA-2048 sign". */
  name: string;
  /** Bytes processed per call, for cases reported in MB/s; absent means operations per second. */
  bytes?: number;
  ours: () => void;
  /** `ours` returns a promise and is timed with benchmark.js's deferred mode (a whole SMTP run through the event loop). */
  oursAsync?: boolean;
  /** Each operation handles `count` items (e.g. 200 messages): rates are printed per item, in `unit`/s. */
  per?: { count: number; unit: string };
  /** What `ours` is compared with, e.g. "node:crypto" or "noble gcm(key, nonce) per record". */
  referenceName: string;
  /** The goal, printed beside the ratio, e.g. "ours ≥ 0.5× reference". */
  goal?: string;
}

/**
 * One operation of the reference: a plain function, or, with `async: true`,
 * one that resolves when the operation is done. node:tls completes a
 * handshake only through the event loop, even over an in-memory pair; such
 * a reference is timed with benchmark.js's `defer: true`.
 */
type Reference =
  { async?: undefined; reference: () => void } | { async: true; reference: () => Promise<void> };

export type BenchCase = BenchCaseBase & Reference;

export interface BenchSuite {
  name: string;
  cases: BenchCase[];
}

/**
 * A benchmark that is not one operation timed in this process (handshakes
 * over real sockets between child processes): `export const reports:
 * BenchReport[]`; `run` prints its own lines, each figure beside its
 * reference and goal.
 */
export interface BenchReport {
  name: string;
  run: (options: { quick: boolean; filters: readonly string[] }) => Promise<void>;
}
