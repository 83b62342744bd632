/** Why a protected record was refused, with the alert it maps to. */
export class RecordProtectionError extends Error {
  constructor(
    readonly alert: 'bad_record_mac' | 'record_overflow' | 'unexpected_message' | 'internal_error',
    message: string,
  ) {
    super(message);
    this.name = 'RecordProtectionError';
  }
}

/** A decrypted record: its real content type and its content. */
export interface OpenedRecord {
  contentType: number;
  content: Uint8Array;
}

/**
 * Removes one direction's record protection (TLS 1.3 AEAD, TLS 1.2 AEAD or
 * CBC). Throws an error with the alert to send (`bad_record_mac`,
 * `record_overflow`, `unexpected_message`).
 */
export interface RecordReader {
  /** The longest protected fragment this protection allows (RFC 8446 §5.2: 2^14 + 256; RFC 5246 §6.2.3: 2^14 + 2048). */
  readonly maxFragmentLength: number;
  /**
   * The largest plaintext accepted, record_overflow above it: the protocol's
   * (2^14 + 1 with TLS 1.3's content type and padding, 2^14 in TLS 1.2), or
   * the lower RFC 8449 record_size_limit we advertised.
   */
  plaintextLimit: number;
  open(type: number, version: number, fragment: Uint8Array): OpenedRecord;
}

/** Adds one direction's record protection; returns the whole record, header included. */
export interface RecordWriter {
  seal(contentType: number, content: Uint8Array): Uint8Array;
}
