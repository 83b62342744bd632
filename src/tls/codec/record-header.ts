import { TlsAlert } from '../error/tls-alert.js';
import { ContentType } from '../registry/constants.js';
import type { Writer } from '../wire/writer.js';
import { describe } from '../registry/names.js';
import { MAX_CIPHERTEXT_LENGTH, RECORD_HEADER_LENGTH } from '../registry/record-limits.js';

export interface RecordHeader {
  type: number;
  /** legacy_record_version: any 0x03xx is plausible; the caller decides what it accepts. */
  version: number;
  length: number;
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
  w.u16(
    header.version,
    () => `legacy_record_version: 0x${header.version.toString(16).padStart(4, '0')}`,
  );
  w.u16(header.length, () => `length: ${header.length}`);
}

/** Decodes the 5-byte header at `offset`, checking the type and the length against `maxLength`. */
export function decodeRecordHeader(
  b: Uint8Array,
  offset = 0,
  maxLength = MAX_CIPHERTEXT_LENGTH,
): RecordHeader {
  if (b.length - offset < RECORD_HEADER_LENGTH)
    throw new TlsAlert('decode_error', 'record header truncated');
  const type = b[offset]!;
  const version = (b[offset + 1]! << 8) | b[offset + 2]!;
  const length = (b[offset + 3]! << 8) | b[offset + 4]!;
  checkHeader(type, length, maxLength);
  return { type, version, length };
}

function checkHeader(type: number, length: number, maxLength: number): void {
  // RFC 8446 §5: "If a TLS implementation receives an unexpected record type, it MUST terminate the connection with an unexpected_message alert."
  if (!isKnownContentType(type))
    throw new TlsAlert('unexpected_message', `unknown record content type ${type}`);
  // RFC 8446 §5.2: a record over 2^14 + 256 "MUST terminate the connection with a record_overflow alert".
  if (length > maxLength)
    throw new TlsAlert('record_overflow', `record of ${length} bytes exceeds ${maxLength}`);
}
