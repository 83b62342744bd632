import { bytesEqual } from './public-key.js';

/** FNV-1a over the bytes: a cheap bucket key; a hit is confirmed by comparing the bytes themselves. */
function fnv1a(bytes: Uint8Array): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < bytes.length; i++) h = Math.imul(h ^ (bytes[i] as number), 0x01000193);
  return h >>> 0;
}

interface Entry<V> {
  key: Uint8Array;
  value: V;
}

/**
 * A bounded map from byte strings to values, the least recently used entry
 * dropped first. Keys are copied in, so a caller changing its buffer later
 * cannot change an entry; lookups compare the whole key, never a hash alone.
 */
export class BytesLru<V> {
  /** Map iteration order is insertion order: the first bucket is the least recently used. */
  private readonly buckets = new Map<number, Entry<V>[]>();
  private count = 0;

  constructor(readonly capacity: number) {
    if (!Number.isSafeInteger(capacity) || capacity < 1)
      throw new RangeError(`cache capacity ${capacity} is not a positive integer`);
  }

  get size(): number {
    return this.count;
  }

  get(key: Uint8Array): V | undefined {
    const h = fnv1a(key);
    const bucket = this.buckets.get(h);
    const entry = bucket?.find((e) => bytesEqual(e.key, key));
    if (bucket === undefined || entry === undefined) return undefined;
    this.touch(h, bucket);
    return entry.value;
  }

  set(key: Uint8Array, value: V): void {
    const h = fnv1a(key);
    const bucket = this.buckets.get(h);
    const entry = bucket?.find((e) => bytesEqual(e.key, key));
    if (entry !== undefined) {
      entry.value = value;
    } else if (bucket !== undefined) {
      bucket.push({ key: key.slice(), value });
      this.count++;
    } else {
      this.buckets.set(h, [{ key: key.slice(), value }]);
      this.count++;
    }
    if (bucket !== undefined) this.touch(h, bucket);
    while (this.count > this.capacity) this.evictOldest();
  }

  private touch(h: number, bucket: Entry<V>[]): void {
    this.buckets.delete(h);
    this.buckets.set(h, bucket);
  }

  private evictOldest(): void {
    const first = this.buckets.entries().next();
    if (first.done === true) return;
    const [h, bucket] = first.value;
    bucket.shift();
    this.count--;
    if (bucket.length === 0) this.buckets.delete(h);
  }
}
