/** A finite-field Diffie–Hellman group: prime p and generator g (its own file so the RFC 7919 groups in ffdhe.ts and dh.ts share it without importing each other). */
export interface DhGroup {
  name?: string;
  p: bigint;
  g: bigint;
  /** The order of g when known (RFC 7919 groups: (p - 1) / 2). */
  q?: bigint;
}
