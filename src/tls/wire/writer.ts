import { TlsAlert } from '../error/tls-alert.js';

/**
 * A field comment: a string, or a function that makes one. Functions are
 * only called when the writer annotates, so encoding for the wire does no
 * string work.
 */
export type Comment = string | (() => string);

/** One annotated field: `length` bytes at `offset`, nested `depth` vectors deep. */
export interface Span {
  offset: number;
  length: number;
  comment: string;
  depth: number;
}

/** Closes a vector opened by `openVector8/16/24`, writing its length prefix. */
export type CloseVector = () => void;

/**
 * A growable big-endian writer (RFC 8446 §3 presentation language). A
 * length-prefixed vector is opened and the opener returns the function that
 * closes it, so nested lengths are computed, never written by hand. With
 * `annotate: true` every write records a `Span` for `dump.ts`.
 */
export class Writer {
  private buf: Uint8Array;
  private len = 0;
  private depth = 0;
  private open = 0;
  /** The recorded spans, present only when annotating. */
  readonly spans: Span[] | undefined;

  constructor(options: { annotate?: boolean; initialSize?: number } = {}) {
    this.buf = new Uint8Array(options.initialSize ?? 256);
    this.spans = options.annotate === true ? [] : undefined;
  }

  get length(): number {
    return this.len;
  }

  /** The bytes written: a view of the internal buffer, not a copy. Call once writing is over. */
  finish(): Uint8Array {
    if (this.open !== 0)
      throw new TlsAlert('internal_error', `writer finished with ${this.open} vectors open`);
    return this.buf.subarray(0, this.len);
  }

  private reserve(n: number): void {
    const need = this.len + n;
    if (need <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < need) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  private note(offset: number, length: number, comment: Comment | undefined): void {
    if (this.spans === undefined || comment === undefined) return;
    this.spans.push({
      offset,
      length,
      comment: typeof comment === 'string' ? comment : comment(),
      depth: this.depth,
    });
  }

  private checkRange(v: number, max: number, what: string): void {
    if (!Number.isInteger(v) || v < 0 || v > max)
      throw new TlsAlert('internal_error', `${what} value ${v} out of range`);
  }

  u8(v: number, comment?: Comment): this {
    this.checkRange(v, 0xff, 'uint8');
    this.reserve(1);
    this.note(this.len, 1, comment);
    this.buf[this.len++] = v;
    return this;
  }

  u16(v: number, comment?: Comment): this {
    this.checkRange(v, 0xffff, 'uint16');
    this.reserve(2);
    this.note(this.len, 2, comment);
    this.buf[this.len++] = v >>> 8;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u24(v: number, comment?: Comment): this {
    this.checkRange(v, 0xffffff, 'uint24');
    this.reserve(3);
    this.note(this.len, 3, comment);
    this.buf[this.len++] = v >>> 16;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  u32(v: number, comment?: Comment): this {
    this.checkRange(v, 0xffffffff, 'uint32');
    this.reserve(4);
    this.note(this.len, 4, comment);
    this.buf[this.len++] = v >>> 24;
    this.buf[this.len++] = (v >>> 16) & 0xff;
    this.buf[this.len++] = (v >>> 8) & 0xff;
    this.buf[this.len++] = v & 0xff;
    return this;
  }

  bytes(b: Uint8Array, comment?: Comment): this {
    this.reserve(b.length);
    this.note(this.len, b.length, comment);
    this.buf.set(b, this.len);
    this.len += b.length;
    return this;
  }

  openVector8(comment?: Comment): CloseVector {
    return this.openVector(1, comment);
  }

  openVector16(comment?: Comment): CloseVector {
    return this.openVector(2, comment);
  }

  openVector24(comment?: Comment): CloseVector {
    return this.openVector(3, comment);
  }

  /** Writes `b` as an opaque vector with a `prefix`-byte length. */
  vector8(b: Uint8Array, comment?: Comment): this {
    return this.opaque(1, b, comment);
  }

  vector16(b: Uint8Array, comment?: Comment): this {
    return this.opaque(2, b, comment);
  }

  vector24(b: Uint8Array, comment?: Comment): this {
    return this.opaque(3, b, comment);
  }

  private opaque(prefix: 1 | 2 | 3, b: Uint8Array, comment: Comment | undefined): this {
    // The comment names the contents; the prefix is labelled "length", or carries the comment when there are no contents.
    const close = this.openVector(
      prefix,
      b.length === 0 || comment === undefined ? comment : 'length',
    );
    this.bytes(b, b.length === 0 ? undefined : comment);
    close();
    return this;
  }

  private openVector(prefix: 1 | 2 | 3, comment: Comment | undefined): CloseVector {
    const at = this.len;
    this.reserve(prefix);
    this.len += prefix;
    const spanIndex = this.spans?.length ?? 0;
    this.note(at, prefix, comment);
    this.depth++;
    this.open++;
    const openAt = this.open;
    let closed = false;
    const max = prefix === 1 ? 0xff : prefix === 2 ? 0xffff : 0xffffff;
    return () => {
      if (closed || openAt !== this.open)
        throw new TlsAlert('internal_error', 'vectors closed out of order');
      closed = true;
      this.open--;
      this.depth--;
      const n = this.len - at - prefix;
      if (n > max)
        throw new TlsAlert(
          'internal_error',
          `vector of ${n} bytes does not fit a ${prefix}-byte length`,
        );
      if (prefix === 3) this.buf[at] = n >>> 16;
      if (prefix >= 2) this.buf[at + prefix - 2] = (n >>> 8) & 0xff;
      this.buf[at + prefix - 1] = n & 0xff;
      const span = this.spans?.[spanIndex];
      if (span !== undefined && comment !== undefined)
        span.comment = `${span.comment} (${n} ${n === 1 ? 'byte' : 'bytes'})`;
    };
  }
}
