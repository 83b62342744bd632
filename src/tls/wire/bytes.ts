/**
 * Equality of two public byte strings (session IDs, ticket key names,
 * extension bodies). Not constant-time: secrets are compared with
 * src/crypto/ct.ts's constantTimeEqual.
 */
export function equalBytes(a: Uint8Array | undefined, b: Uint8Array | undefined): boolean {
  if (a === undefined || b === undefined) return a === b;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}
