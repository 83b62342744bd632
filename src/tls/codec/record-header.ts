import { TlsAlert } from '../registry/alert.js';
import { ContentType } from '../registry/constants.js';
import type { Writer } from '../wire/writer.js';
import { describe } from '../registry/names.js';

export const RECORD_HEADER_LENGTH = 5;
/** RFC 8446 §5.1: TLSPlaintext.length MUST NOT exceed 2^14 (checked by the caller after decryption). */
export const MAX_PLAINTEXT_LENGTH = 1 << 14;
/** RFC 8446 §5.2: TLSCiphertext.length MUST NOT exceed 2^14 + 256. */
export const MAX_CIPHERTEXT_LENGTH = (1 << 14) + 256;
/** RFC 5246 §6.2.3: a TLS 1.2 TLSCiphertext may be 2^14 + 2048 long. */
export const MAX_CIPHERTEXT_LENGTH_TLS12 = (1 << 14) + 2048;

export interface RecordHeader {
  type: number;
  /** legacy_record_version: any 0x03xx is plausible; the caller decides what it accepts. */
  version: number;
  length: number;
}

export interface TlsRecord {
  type: number;
  version: number;
  fragment: Uint8Array;
}

export function isKnownContentType(type: number): boolean {
  return type >= ContentType.change_cipher_spec && type <= ContentType.application_data;
}

/** RFC 8446 §5.1: legacy_record_version is 0x0301 or 0x0303 in practice; a non-0x03xx major is not TLS. */
export function isTlsRecordVersion(version: number): boolean {
  return version >> 8 === 0x03;
}

/**
 * RFC 8446 §5.1: "Implementations MUST NOT send zero-length fragments of
 * Handshake types" and the same for alerts; zero-length application data
 * is allowed. True when a fragment of this type and length may be accepted.
 */
export function fragmentLengthAllowed(type: number, length: number): boolean {
  return length > 0 || type === ContentType.application_data;
}

export function encodeRecordHeader(header: RecordHeader, w: Writer): void {
  w.u8(header.type, () => `content type: ${describe(ContentType, header.type, 2)}`);
  w.u16(header.version, () => `legacy_record_version: 0x${header.version.toString(16).padStart(4, '0')}`);
  w.u16(header.length, () => `length: ${header.length}`);
}

/** Decodes the 5-byte header at `offset`, checking the type and the length against `maxLength`. */
export function decodeRecordHeader(b: Uint8Array, offset = 0, maxLength = MAX_CIPHERTEXT_LENGTH): RecordHeader {
  if (b.length - offset < RECORD_HEADER_LENGTH) throw new TlsAlert('decode_error', 'record header truncated');
  const type = b[offset]!;
  const version = (b[offset + 1]! << 8) | b[offset + 2]!;
  const length = (b[offset + 3]! << 8) | b[offset + 4]!;
  checkHeader(type, length, maxLength);
  return { type, version, length };
}

function checkHeader(type: number, length: number, maxLength: number): void {
  // RFC 8446 §5: "If a TLS implementation receives an unexpected record type, it MUST terminate the connection with an unexpected_message alert."
  if (!isKnownContentType(type)) throw new TlsAlert('unexpected_message', `unknown record content type ${type}`);
  // RFC 8446 §5.2: a record over 2^14 + 256 "MUST terminate the connection with a record_overflow alert".
  if (length > maxLength) throw new TlsAlert('record_overflow', `record of ${length} bytes exceeds ${maxLength}`);
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
  private pending: { type: number; version: number; fragment: Uint8Array; fill: number } | undefined;
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
          out({ type: h.type, version: h.version, fragment: chunk.subarray(start, start + h.length) });
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
    this.pending = { type: h.type, version: h.version, fragment: new Uint8Array(h.length), fill: 0 };
  }
}
