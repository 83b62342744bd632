import type { Aead } from '../../crypto/aead.js';
import { createAead } from '../../crypto/aead.js';
import { CryptoError } from '../../crypto/errors.js';
import type { Tls13Suite } from '../registry/suites.js';
import { MAX_CIPHERTEXT_LENGTH, MAX_PLAINTEXT_LENGTH } from '../registry/record-limits.js';
import { trafficKeys } from '../keys/tls13-key-schedule.js';

/** RFC 8446 §5.2: every protected record has outer type application_data. */
const APPLICATION_DATA = 23;
/** RFC 8446 §5.5: AES-GCM keys must be updated before 2^24.5 records; we stop well under 2^53 for every suite. */
const MAX_SEQUENCE = 2 ** 48;

export { RecordProtectionError };

/** The per-record nonce: the IV XORed with the 64-bit sequence number, left-padded (RFC 8446 §5.3). */
function nonceFor(iv: Uint8Array, seq: number, out: Uint8Array): Uint8Array {
  out.set(iv);
  let s = seq;
  for (let i = out.length - 1; i >= out.length - 8 && s > 0; i--) {
    out[i] = (out[i] as number) ^ (s & 0xff);
    s = Math.floor(s / 256);
  }
  return out;
}

abstract class Direction {
  protected readonly aead: Aead;
  protected readonly iv: Uint8Array;
  protected readonly nonce: Uint8Array;
  protected seq = 0;

  constructor(suite: Tls13Suite, secret: Uint8Array) {
    const keys = trafficKeys(suite.hash, secret, suite.keyLength);
    this.aead = createAead(suite.aead, keys.key);
    this.iv = keys.iv;
    this.nonce = new Uint8Array(keys.iv.length);
  }

  protected nextNonce(): Uint8Array {
    if (this.seq >= MAX_SEQUENCE)
      throw new RecordProtectionError(
        'internal_error',
        'record sequence number exhausted: a key update is required',
      );
    return nonceFor(this.iv, this.seq++, this.nonce);
  }

  get sequence(): number {
    return this.seq;
  }
}

/** Protects outgoing records under one traffic secret. */
export class Tls13RecordSealer extends Direction implements RecordWriter {
  /**
   * Returns the whole TLSCiphertext record (header included). `padding` zero
   * bytes are added to the inner plaintext (RFC 8446 §5.4).
   */
  seal(contentType: number, content: Uint8Array, padding = 0): Uint8Array {
    if (content.length > MAX_PLAINTEXT_LENGTH)
      throw new RecordProtectionError(
        'internal_error',
        `record content of ${content.length} bytes exceeds 2^14`,
      );
    const innerLength = content.length + 1 + padding;
    const inner = new Uint8Array(innerLength);
    inner.set(content);
    inner[content.length] = contentType;
    const length = innerLength + this.aead.tagLength;
    if (length > MAX_CIPHERTEXT_LENGTH)
      throw new RecordProtectionError(
        'internal_error',
        'padding makes the record exceed 2^14 + 256',
      );
    const header = Uint8Array.of(APPLICATION_DATA, 0x03, 0x03, length >> 8, length & 0xff);
    const sealed = this.aead.seal(this.nextNonce(), inner, header);
    const record = new Uint8Array(5 + sealed.length);
    record.set(header);
    record.set(sealed, 5);
    return record;
  }
}

export type { OpenedRecord } from './protection.js';
import type { OpenedRecord, RecordReader, RecordWriter } from './protection.js';
import { RecordProtectionError } from './protection.js';

/** Removes protection from incoming records under one traffic secret. */
export class Tls13RecordOpener extends Direction implements RecordReader {
  readonly maxFragmentLength = MAX_CIPHERTEXT_LENGTH;
  plaintextLimit = MAX_PLAINTEXT_LENGTH + 1;

  /** The record as received: its type, legacy version and fragment (the header is the AEAD's additional data). */
  open(type: number, version: number, encrypted: Uint8Array): OpenedRecord {
    // RFC 8446 §5.2: once keys are on, every record but the compatibility CCS is opaque application_data.
    if (type !== APPLICATION_DATA)
      throw new RecordProtectionError(
        'unexpected_message',
        `unprotected record of type ${type} after keys were set`,
      );
    if (encrypted.length > MAX_CIPHERTEXT_LENGTH)
      throw new RecordProtectionError(
        'record_overflow',
        `protected record of ${encrypted.length} bytes exceeds 2^14 + 256`,
      );
    const header = Uint8Array.of(
      type,
      version >> 8,
      version & 0xff,
      encrypted.length >> 8,
      encrypted.length & 0xff,
    );
    let inner: Uint8Array;
    try {
      inner = this.aead.open(this.nextNonce(), encrypted, header);
    } catch (err) {
      if (err instanceof CryptoError)
        throw new RecordProtectionError('bad_record_mac', 'record authentication failed');
      throw err;
    }
    // RFC 8446 §5.4: padding included, TLSInnerPlaintext is at most 2^14 + 1 bytes; RFC 8449 §4: or the lower record_size_limit we advertised.
    const limit = Math.min(this.plaintextLimit, MAX_PLAINTEXT_LENGTH + 1);
    if (inner.length > limit)
      throw new RecordProtectionError(
        'record_overflow',
        `record plaintext of ${inner.length} bytes exceeds ${limit}`,
      );
    // RFC 8446 §5.4: the content type is the last non-zero byte; all zeros is unexpected_message.
    let end = inner.length - 1;
    while (end >= 0 && inner[end] === 0) end--;
    if (end < 0)
      throw new RecordProtectionError('unexpected_message', 'protected record has no content type');
    return { contentType: inner[end] as number, content: inner.subarray(0, end) };
  }
}
