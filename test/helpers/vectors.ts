import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The repository root, seen from dist/test/helpers/ where the compiled tests run. */
export const repoRoot = fileURLToPath(new URL('../../../', import.meta.url));

/** Reads `vectors/<name>` as JSON. Every vector file names its source in `source`. */
export function loadVectors<T>(name: string): T {
  const text = readFileSync(new URL(`vectors/${name}`, `file://${repoRoot}`), 'utf8');
  const parsed = JSON.parse(text) as T & { source?: unknown };
  if (typeof parsed.source !== 'string' || parsed.source.length === 0) {
    throw new Error(`vectors/${name} does not name its source`);
  }
  return parsed;
}

export function hex(s: string): Uint8Array {
  const clean = s.replace(/[\s:]/g, '');
  if (clean.length % 2 !== 0 || /[^0-9a-fA-F]/.test(clean))
    throw new Error(`bad hex: ${s.slice(0, 40)}`);
  return Uint8Array.from(Buffer.from(clean, 'hex'));
}

export function toHex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}
