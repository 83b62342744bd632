import { readDevice } from './device-source.js';
import type { EntropyInput } from './entropy-pool.js';
import { parseEntropySource, readEntropySource } from './entropy-source.js';
import { readExchangeFile } from './exchange-file.js';

/** The OS generator, read as a device; the fallback every pool also mixes in. */
export const DEFAULT_OS_RANDOM_SOURCE = '/dev/urandom';
/** Bytes taken from the OS at each (re)seed: one seed's worth. */
const OS_BYTES = 32;

/** tls_random_source or tls_daemon_random_source, read `bytes` at a time by its type's rules. */
export function sourceInput(spec: string, bytes: number, timeoutMs?: number): EntropyInput {
  const source = parseEntropySource(spec);
  return { name: source.spec, read: () => readEntropySource(source, bytes, timeoutMs) };
}

/** tls_random_exchange_name, read whole (1024 bytes) each time. */
export function exchangeFileInput(path: string): EntropyInput {
  return { name: `exchange file ${path}`, read: async () => readExchangeFile(path) };
}

/** The operating system's generator (a device read the dev: way). */
export function osInput(path: string = DEFAULT_OS_RANDOM_SOURCE, timeoutMs?: number): EntropyInput {
  return { name: `the OS (${path})`, read: () => readDevice(path, OS_BYTES, timeoutMs) };
}
