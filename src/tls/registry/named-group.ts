/**
 * RFC 8446 §4.2.7 NamedGroup (RFC 8422 curves, RFC 7919 FFDHE groups), and
 * X25519MLKEM768 (draft-ietf-tls-ecdhe-mlkem) as a code point only.
 */
export const NamedGroup = {
  secp256r1: 0x0017,
  secp384r1: 0x0018,
  secp521r1: 0x0019,
  x25519: 0x001d,
  x448: 0x001e,
  ffdhe2048: 0x0100,
  ffdhe3072: 0x0101,
  ffdhe4096: 0x0102,
  ffdhe6144: 0x0103,
  ffdhe8192: 0x0104,
  X25519MLKEM768: 0x11ec,
} as const;

/** RFC 7919 §2: the FFDHE range. */
export function isFfdheGroup(group: number): boolean {
  return group >= 0x0100 && group <= 0x01ff;
}
