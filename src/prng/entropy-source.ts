import { readDevice } from './device-source.js';
import { readEgd } from './egd-client.js';
import { readPlainFile } from './file-source.js';

/** A parsed tls_random_source / tls_daemon_random_source value. */
export type EntropySourceSpec =
  | { kind: 'dev'; path: string; spec: string }
  | { kind: 'egd'; path: string; spec: string }
  | { kind: 'file'; path: string; spec: string };

export class EntropySourceSpecError extends Error {
  constructor(spec: string, reason: string) {
    super(`bad entropy source "${spec}": ${reason}`);
    this.name = 'EntropySourceSpecError';
  }
}

/** "dev:" for a device special file, "egd:" for an EGD socket, anything else is a plain file (the seed). */
export function parseEntropySource(spec: string): EntropySourceSpec {
  const trimmed = spec.trim();
  const match = /^(dev|egd):(.*)$/.exec(trimmed);
  const kind = match ? (match[1] as 'dev' | 'egd') : 'file';
  const path = match ? (match[2] as string) : trimmed;
  if (path === '') throw new EntropySourceSpecError(spec, 'no path');
  if (!path.startsWith('/')) throw new EntropySourceSpecError(spec, 'the path must be absolute');
  return { kind, path, spec: trimmed };
}

/** Reads up to `n` bytes by the source type's rules; throws EntropySourceError when it gives nothing. */
export async function readEntropySource(
  source: EntropySourceSpec,
  n: number,
  timeoutMs = 10_000,
): Promise<Uint8Array> {
  if (!Number.isInteger(n) || n < 1)
    throw new RangeError(`entropy byte count must be a positive integer, got ${n}`);
  switch (source.kind) {
    case 'dev':
      return readDevice(source.path, n, timeoutMs);
    case 'egd':
      return readEgd(source.path, n, timeoutMs);
    case 'file':
      return readPlainFile(source.path, n);
  }
}
