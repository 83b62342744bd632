/** The one UTF-8 encoder and decoder of the TLS layer (host names, ALPN protocol names). */
const encoder = new TextEncoder();
/** Lenient: a peer's ill-formed name becomes U+FFFD, which then matches nothing. */
const decoder = new TextDecoder('utf-8', { fatal: false });
/** Strict: our own stored sessions must round-trip exactly. */
const strictDecoder = new TextDecoder('utf-8', { fatal: true });

export function encodeUtf8(text: string): Uint8Array {
  return encoder.encode(text);
}

export function decodeUtf8(bytes: Uint8Array): string {
  return decoder.decode(bytes);
}

/** Throws a TypeError on ill-formed UTF-8. */
export function decodeUtf8Strict(bytes: Uint8Array): string {
  return strictDecoder.decode(bytes);
}
