/**
 * RFC 8449 record_size_limit: each side tells the other the largest
 * protected record plaintext it accepts; each side caps what it sends to the
 * peer's value.
 */
import type { Extension } from '../codec/extensions.js';
import { ExtensionType } from '../registry/constants.js';
import { MAX_PLAINTEXT_LENGTH } from '../registry/record-limits.js';

/** RFC 8449 §4: values below 64 are illegal. */
export const MIN_RECORD_SIZE_LIMIT = 64;
/** RFC 8449 §4: the protocol's own limit, which counts TLS 1.3's content type byte. */
export const MAX_RECORD_SIZE_LIMIT_13 = MAX_PLAINTEXT_LENGTH + 1;
export const MAX_RECORD_SIZE_LIMIT_12 = MAX_PLAINTEXT_LENGTH;

export type LimitVersion = 'tls1.3' | 'tls1.2';

/** The value a server answers with: its configured limit, never above the protocol's (RFC 8449 §4). */
export function serverRecordSizeLimit(
  configured: number | undefined,
  version: LimitVersion,
): number {
  const max = version === 'tls1.3' ? MAX_RECORD_SIZE_LIMIT_13 : MAX_RECORD_SIZE_LIMIT_12;
  return Math.min(configured ?? max, max);
}

/**
 * The content bytes one protected record we send may carry under the
 * peer's limit: RFC 8449 §4, in TLS 1.3 the limit includes the content type
 * byte (we add no padding); a limit above the protocol's is the protocol's.
 */
export function sendContentLimit(peerLimit: number, version: LimitVersion): number {
  return Math.min(MAX_PLAINTEXT_LENGTH, version === 'tls1.3' ? peerLimit - 1 : peerLimit);
}

export function recordSizeLimitExtension(limit: number): Extension {
  return { kind: 'record_size_limit', type: ExtensionType.record_size_limit, limit };
}
