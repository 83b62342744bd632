/**
 * What a benchmark file exports: `export const suites: BenchSuite[]`.
 * `bench/run.ts` runs every case's `ours` and `reference` with benchmark.js
 * in the same process and prints both rates and their ratio.
 */
export interface BenchCase {
  /** What is measured, e.g. "RSA-2048 sign". */
  name: string;
  /** Bytes processed per call, for cases reported in MB/s; absent means operations per second. */
  bytes?: number;
  ours: () => void;
  /** What `ours` is compared with, e.g. "node:crypto" or "noble gcm(key, nonce) per record". */
  referenceName: string;
  reference: () => void;
  /** The goal, printed beside the ratio, e.g. "ours ≥ 0.5× reference". */
  goal?: string;
}

export interface BenchSuite {
  name: string;
  cases: BenchCase[];
}
