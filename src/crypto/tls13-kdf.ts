import type { HashAlgorithm } from './hash.js';
import { hashOutputLen } from './hash.js';
import { hkdfExpand } from './hkdf.js';
import { CryptoError } from './errors.js';

const PREFIX = new TextEncoder().encode('tls13 ');

/** The key schedule uses a dozen fixed labels; each is encoded once. */
const LABELS = new Map<string, Uint8Array>();
const MAX_CACHED_LABELS = 64;

function encodedLabel(label: string): Uint8Array {
  let bytes = LABELS.get(label);
  if (bytes === undefined) {
    bytes = new TextEncoder().encode(label);
    if (LABELS.size < MAX_CACHED_LABELS) LABELS.set(label, bytes);
  }
  return bytes;
}

/**
 * RFC 8446 §7.1: HKDF-Expand-Label(Secret, Label, Context, Length) =
 * HKDF-Expand(Secret, HkdfLabel, Length), where HkdfLabel is
 * uint16 length || opaque label<7..255> = "tls13 " + Label || opaque context<0..255>.
 */
export function hkdfExpandLabel(
  hash: HashAlgorithm,
  secret: Uint8Array,
  label: string,
  context: Uint8Array,
  length: number,
): Uint8Array {
  const labelBytes = encodedLabel(label);
  const fullLabelLength = PREFIX.length + labelBytes.length;
  if (fullLabelLength > 255)
    throw new CryptoError('invalid_parameter', `HKDF label "${label}" is too long`);
  if (context.length > 255)
    throw new CryptoError('invalid_parameter', 'HKDF label context is over 255 bytes');
  if (!Number.isInteger(length) || length < 0 || length > 0xffff) {
    throw new CryptoError(
      'invalid_parameter',
      `HKDF-Expand-Label length ${length} does not fit in uint16`,
    );
  }
  const info = new Uint8Array(2 + 1 + fullLabelLength + 1 + context.length);
  info[0] = length >>> 8;
  info[1] = length & 0xff;
  info[2] = fullLabelLength;
  info.set(PREFIX, 3);
  info.set(labelBytes, 3 + PREFIX.length);
  info[3 + fullLabelLength] = context.length;
  info.set(context, 4 + fullLabelLength);
  return hkdfExpand(hash, secret, info, length);
}

/**
 * RFC 8446 §7.1: Derive-Secret(Secret, Label, Messages) =
 * HKDF-Expand-Label(Secret, Label, Transcript-Hash(Messages), Hash.length).
 * Takes the transcript hash itself: the TLS layer keeps a forkable running hash.
 */
export function deriveSecret(
  hash: HashAlgorithm,
  secret: Uint8Array,
  label: string,
  transcriptHash: Uint8Array,
): Uint8Array {
  return hkdfExpandLabel(hash, secret, label, transcriptHash, hashOutputLen(hash));
}
