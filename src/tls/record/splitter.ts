import { TlsAlert } from '../error/tls-alert.js';
import type { RecordHeader } from '../codec/record-header.js';
import { decodeRecordHeader } from '../codec/record-header.js';
import { MAX_CIPHERTEXT_LENGTH, RECORD_HEADER_LENGTH } from '../registry/record-limits.js';

/** One record as read: its content type, legacy version and (still protected) fragment. */
export interface TlsRecord {
  type: number;
  version: number;
  fragment: Uint8Array;
}

/**
 * Cuts a byte stream into records. Feed it chunks as they arrive; it returns
 * the records completed so far. A record wholly inside one chunk is
 * returned as a view of that chunk (no copy); one split across chunks is
 * copied once, into a buffer of its exact size. After an error every later
 * `push` throws the same alert.
 */
export class RecordSplitter {
  private readonly header = new Uint8Array(RECORD_HEADER_LENGTH);
  private headerFill = 0;
  private pending:
    { type: number; version: number; fragment: Uint8Array; fill: number } | undefined;
  private failed: TlsAlert | undefined;

  /**
   * `maxLength` bounds the length a header may announce; a function is asked
   * at every header, so a connection can tighten or widen it as keys change
   * between the records of one chunk.
   */
  constructor(private readonly maxLength: number | (() => number) = MAX_CIPHERTEXT_LENGTH) {}

  /** Bytes held for an incomplete record. */
  get buffered(): number {
    return this.headerFill + (this.pending?.fill ?? 0);
  }

  /** Every complete record in `chunk` (and what was buffered before it). */
  push(chunk: Uint8Array): TlsRecord[] {
    const records: TlsRecord[] = [];
    this.feed(chunk, (r) => records.push(r));
    return records;
  }

  /**
   * Hands each record to `onRecord` as soon as it is complete, in order, so
   * the records before a bad header are acted on first (RFC 8446 §6.1:
   * whatever follows a close_notify is ignored) and a key change applies to
   * the next record's bound. A bad header throws its alert, and so does every
   * later call.
   */
  feed(chunk: Uint8Array, onRecord: (record: TlsRecord) => void): void {
    if (this.failed !== undefined) throw this.failed;
    this.consume(chunk, onRecord);
  }

  private limit(): number {
    return typeof this.maxLength === 'number' ? this.maxLength : this.maxLength();
  }

  private header5(b: Uint8Array, offset: number): RecordHeader {
    try {
      return decodeRecordHeader(b, offset, this.limit());
    } catch (e) {
      if (e instanceof TlsAlert) this.failed = e;
      throw e;
    }
  }

  private consume(chunk: Uint8Array, out: (record: TlsRecord) => void): void {
    let pos = 0;
    while (pos < chunk.length) {
      if (this.pending !== undefined) {
        const p = this.pending;
        const n = Math.min(p.fragment.length - p.fill, chunk.length - pos);
        p.fragment.set(chunk.subarray(pos, pos + n), p.fill);
        p.fill += n;
        pos += n;
        if (p.fill === p.fragment.length) {
          out({ type: p.type, version: p.version, fragment: p.fragment });
          this.pending = undefined;
        }
        continue;
      }
      if (this.headerFill === 0 && chunk.length - pos >= RECORD_HEADER_LENGTH) {
        const h = this.header5(chunk, pos);
        const start = pos + RECORD_HEADER_LENGTH;
        if (chunk.length - start >= h.length) {
          out({
            type: h.type,
            version: h.version,
            fragment: chunk.subarray(start, start + h.length),
          });
          pos = start + h.length;
        } else {
          this.startPending(h);
          pos = start;
        }
        continue;
      }
      const n = Math.min(RECORD_HEADER_LENGTH - this.headerFill, chunk.length - pos);
      this.header.set(chunk.subarray(pos, pos + n), this.headerFill);
      this.headerFill += n;
      pos += n;
      if (this.headerFill === RECORD_HEADER_LENGTH) {
        this.headerFill = 0;
        const h = this.header5(this.header, 0);
        if (h.length === 0) out({ type: h.type, version: h.version, fragment: new Uint8Array(0) });
        else this.startPending(h);
      }
    }
  }

  private startPending(h: RecordHeader): void {
    this.pending = {
      type: h.type,
      version: h.version,
      fragment: new Uint8Array(h.length),
      fill: 0,
    };
  }
}
