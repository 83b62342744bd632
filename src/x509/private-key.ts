import { modPow } from '../crypto/bigint.js';
import { ecdsaPublicKey } from '../crypto/ecdsa.js';
import { ed25519PublicKey } from '../crypto/ed25519.js';
import { CryptoError } from '../crypto/errors.js';
import { checkDsaKeySize, checkRsaKeySize } from '../crypto/key-bounds.js';
import type { RsaPrivateKey } from '../crypto/rsa.js';
import { rsaPrivateFromComponents } from '../crypto/rsa.js';
import { parseDer } from './der.js';
import {
  bitString,
  integer,
  isContext,
  octetString,
  oid,
  positiveInteger,
  sequence,
  smallInteger,
  structureError,
} from './der-read.js';
import { X509Error } from './errors.js';
import { checkKeySize } from './key-size.js';
import { OID } from './oid.js';
import type { PemBlock } from './pem.js';
import type { EcCurve, PublicKey } from './public-key.js';
import { dsaParameters, namedCurve, rsaPssKeyParameters } from './public-key.js';

export type PrivateKey =
  | { kind: 'rsa'; key: RsaPrivateKey }
  | { kind: 'dsa'; p: bigint; q: bigint; g: bigint; y: bigint; x: bigint }
  | { kind: 'ec'; curve: EcCurve; d: Uint8Array }
  | { kind: 'ed25519'; seed: Uint8Array };

/** The PEM labels that hold a private key; anything else in a key file is skipped. */
export const PRIVATE_KEY_LABELS = new Set([
  'RSA PRIVATE KEY',
  'DSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
]);

const CURVE_BYTES: Record<EcCurve, number> = { 'P-256': 32, 'P-384': 48 };

function invalidKey(what: string, err: unknown): X509Error {
  return structureError(what, err instanceof Error ? err.message : String(err));
}

/** RFC 8017 A.1.2 RSAPrivateKey (two-prime only), checked for consistency. */
function rsaPrivateKey(der: Uint8Array, what: string): PrivateKey {
  const f = sequence(parseDer(der), what, 9, 10);
  if (smallInteger(f[0], `${what} version`) !== 0)
    throw new X509Error('unsupported_algorithm', `${what}: multi-prime RSA keys are not supported`);
  const [n, e, d, p, q] = [1, 2, 3, 4, 5].map((i) =>
    positiveInteger(f[i], `${what} field ${i}`),
  ) as [bigint, bigint, bigint, bigint, bigint];
  checkKeySize(what, () => checkRsaKeySize(n, e));
  try {
    return { kind: 'rsa', key: rsaPrivateFromComponents(n, e, d, p, q) };
  } catch (err) {
    if (err instanceof CryptoError) throw invalidKey(what, err);
    throw err;
  }
}

function dsaKey(
  p: bigint,
  q: bigint,
  g: bigint,
  x: bigint,
  y: bigint | undefined,
  what: string,
): PrivateKey {
  checkKeySize(what, () => checkDsaKeySize(p, q));
  // FIPS 186-4 §4.1: 0 < x < q, y = g^x mod p.
  if (x <= 0n || x >= q || g <= 1n || g >= p)
    throw structureError(what, 'DSA private key out of range');
  const computed = modPow(g, x, p);
  if (y !== undefined && y !== computed) throw structureError(what, 'DSA y does not match x');
  return { kind: 'dsa', p, q, g, y: computed, x };
}

/** OpenSSL's traditional `DSA PRIVATE KEY`: SEQUENCE { 0, p, q, g, y, x }. */
function dsaPrivateKey(der: Uint8Array, what: string): PrivateKey {
  const f = sequence(parseDer(der), what, 6, 6);
  if (smallInteger(f[0], `${what} version`) !== 0) throw structureError(what, 'unknown version');
  const [p, q, g, y, x] = [1, 2, 3, 4, 5].map((i) =>
    positiveInteger(f[i], `${what} field ${i}`),
  ) as [bigint, bigint, bigint, bigint, bigint];
  return dsaKey(p, q, g, x, y, what);
}

function ecScalar(curve: EcCurve, d: Uint8Array, what: string): PrivateKey {
  const size = CURVE_BYTES[curve];
  if (d.length === 0 || d.length > size)
    throw structureError(what, `EC private key must be at most ${size} bytes`);
  const padded = new Uint8Array(size);
  padded.set(d, size - d.length);
  try {
    ecdsaPublicKey(curve, padded);
  } catch (err) {
    if (err instanceof CryptoError) throw invalidKey(what, err);
    throw err;
  }
  return { kind: 'ec', curve, d: padded };
}

/** RFC 5915 §3 ECPrivateKey; the curve comes from its [0] parameters or from the PKCS#8 algorithm. */
function ecPrivateKey(der: Uint8Array, what: string, outerCurve?: EcCurve): PrivateKey {
  const f = sequence(parseDer(der), what, 2, 4);
  if (smallInteger(f[0], `${what} version`) !== 1)
    throw structureError(what, 'ECPrivateKey version must be 1');
  const d = octetString(f[1], `${what} privateKey`);
  let curve = outerCurve;
  let publicKey: Uint8Array | undefined;
  for (const part of f.slice(2)) {
    if (isContext(part, 0) && part.children.length === 1) {
      const inner = namedCurve(part.children[0], what);
      if (curve !== undefined && inner !== curve)
        throw structureError(what, 'curve differs from the PKCS#8 algorithm');
      curve = inner;
    } else if (isContext(part, 1) && part.children.length === 1) {
      const bits = bitString(part.children[0], `${what} publicKey`);
      publicKey = bits.bytes;
    } else throw structureError(what, 'unexpected element');
  }
  if (curve === undefined) throw structureError(what, 'no named curve');
  const key = ecScalar(curve, d, what);
  if (
    publicKey !== undefined &&
    key.kind === 'ec' &&
    publicKey[0] === 4 &&
    !bytesSame(publicKey, ecdsaPublicKey(curve, key.d))
  ) {
    throw structureError(what, 'EC public key does not match the private key');
  }
  return key;
}

function bytesSame(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/** RFC 5208 / RFC 5958 PrivateKeyInfo: RSA (rsaEncryption and id-RSASSA-PSS), DSA, EC, Ed25519 (RFC 8410 §7). */
export function parsePkcs8(der: Uint8Array, what = 'PrivateKeyInfo'): PrivateKey {
  const f = sequence(parseDer(der), what, 3, 5);
  const version = smallInteger(f[0], `${what} version`);
  if (version > 1) throw structureError(what, `unknown version ${version}`);
  const [algNode, params] = sequence(f[1], `${what} algorithm`, 1, 2);
  const algorithm = oid(algNode, `${what} algorithm`);
  const inner = octetString(f[2], `${what} privateKey`);
  switch (algorithm) {
    case OID.rsaEncryption:
      return rsaPrivateKey(inner, `${what} RSAPrivateKey`);
    case OID.rsassaPss: {
      // RFC 8017 A.2.3 / RFC 4055: the same RSAPrivateKey, restricted to PSS by the algorithm identifier.
      const pss = rsaPssKeyParameters(params, what);
      const key = rsaPrivateKey(inner, `${what} RSAPrivateKey`);
      if (key.kind !== 'rsa') throw structureError(what, 'not an RSA key');
      return { kind: 'rsa', key: { ...key.key, pss } };
    }
    case OID.dsa: {
      const [p, q, g] = dsaParameters(params, what);
      return dsaKey(p, q, g, integer(parseDer(inner), `${what} DSA x`), undefined, what);
    }
    case OID.ecPublicKey:
      return ecPrivateKey(inner, `${what} ECPrivateKey`, namedCurve(params, what));
    case OID.ed25519: {
      const seed = octetString(parseDer(inner), `${what} CurvePrivateKey`);
      if (seed.length !== 32) throw structureError(what, 'Ed25519 private key must be 32 bytes');
      return { kind: 'ed25519', seed };
    }
    default:
      throw new X509Error(
        'unsupported_algorithm',
        `${what}: unsupported key algorithm ${algorithm}`,
      );
  }
}

/** One PEM block holding a private key. Encrypted keys are refused: Postfix reads keys without a passphrase. */
export function parsePrivateKeyPem(block: PemBlock): PrivateKey {
  if (
    block.label === 'ENCRYPTED PRIVATE KEY' ||
    (block.headers.get('Proc-Type') ?? '').includes('ENCRYPTED')
  ) {
    throw new X509Error('encrypted_key', 'private key must not be encrypted');
  }
  switch (block.label) {
    case 'RSA PRIVATE KEY':
      return rsaPrivateKey(block.der, 'RSAPrivateKey');
    case 'DSA PRIVATE KEY':
      return dsaPrivateKey(block.der, 'DSAPrivateKey');
    case 'EC PRIVATE KEY':
      return ecPrivateKey(block.der, 'ECPrivateKey');
    case 'PRIVATE KEY':
      return parsePkcs8(block.der);
    default:
      throw structureError(block.label, 'not a private key');
  }
}

/** The public half, for matching a key with its certificate. */
export function publicKeyOf(key: PrivateKey): PublicKey {
  switch (key.kind) {
    case 'rsa':
      return key.key.pss === undefined
        ? { kind: 'rsa', n: key.key.n, e: key.key.e }
        : { kind: 'rsa', n: key.key.n, e: key.key.e, pss: key.key.pss };
    case 'dsa':
      return { kind: 'dsa', p: key.p, q: key.q, g: key.g, y: key.y };
    case 'ec':
      return { kind: 'ec', curve: key.curve, point: ecdsaPublicKey(key.curve, key.d) };
    case 'ed25519':
      return { kind: 'ed25519', key: ed25519PublicKey(key.seed) };
  }
}
