// The secrets of the built-in back end (smtpd_sasl_type = postern), one per
// user as the value of smtpd_sasl_password_maps, in PHC string format
// (https://github.com/P-H-C/phc-string-format), base64 without padding:
//
//   $scrypt$ln=15,r=8,p=1$<salt>$<hash>          RFC 7914, N = 2^ln
//   $argon2id$v=19$m=65536,t=3,p=1$<salt>$<hash>  RFC 9106, m in KiB
//   {PLAIN}<password>                             Dovecot's scheme prefix
//
// {PLAIN} keeps the password itself in the table. It is discouraged: anyone
// who reads the table has every password. It exists because CRAM-MD5 needs
// the password on the server side (RFC 2195 §2), so only users stored that
// way can use CRAM-MD5.
import { argon2idDerive, constantTimeEqual, scryptDerive } from '../../crypto/index.js';
import type { Argon2idParams, ScryptParams } from '../../crypto/index.js';
import type { Random } from '../../prng/index.js';
import { encodeUtf8 } from './mechanism.js';

export type StoredSecret =
  | {
      readonly scheme: 'scrypt';
      readonly params: ScryptParams;
      readonly salt: Uint8Array;
      readonly hash: Uint8Array;
    }
  | {
      readonly scheme: 'argon2id';
      readonly params: Argon2idParams;
      readonly salt: Uint8Array;
      readonly hash: Uint8Array;
    }
  | { readonly scheme: 'plain'; readonly password: string };

export class StoredSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoredSecretError';
  }
}

// Bounds on what a table may ask us to compute per login: a bad or hostile
// entry must not take a server's memory (scrypt 128·r·N bytes, Argon2 m KiB).
const LIMITS = {
  scryptLn: [10, 22],
  scryptR: [1, 32],
  scryptP: [1, 16],
  argonM: [8, 4 * 1024 * 1024],
  argonT: [1, 64],
  argonP: [1, 64],
  hash: [16, 64],
  salt: [8, 64],
};

function inRange(value: number, [lo, hi]: number[]): boolean {
  return Number.isSafeInteger(value) && value >= (lo as number) && value <= (hi as number);
}

function b64decode(text: string, what: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]+$/.test(text) || text.length % 4 === 1)
    throw new StoredSecretError(`${what} is not unpadded base64`);
  return new Uint8Array(Buffer.from(text, 'base64'));
}

const b64encode = (bytes: Uint8Array): string =>
  Buffer.from(bytes).toString('base64').replace(/=+$/, '');

function parseParams(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const pair of text.split(',')) {
    const m = /^([a-z]+)=(\d{1,10})$/.exec(pair);
    if (m === null || out.has(m[1] as string))
      throw new StoredSecretError(`bad parameter '${pair}'`);
    out.set(m[1] as string, Number(m[2]));
  }
  return out;
}

function param(params: Map<string, number>, name: string, range: number[]): number {
  const value = params.get(name);
  if (value === undefined || !inRange(value, range))
    throw new StoredSecretError(`parameter ${name} missing or outside ${range.join('..')}`);
  return value;
}

function saltAndHash(saltText: string, hashText: string): { salt: Uint8Array; hash: Uint8Array } {
  const salt = b64decode(saltText, 'salt');
  const hash = b64decode(hashText, 'hash');
  if (!inRange(salt.length, LIMITS.salt) || !inRange(hash.length, LIMITS.hash))
    throw new StoredSecretError('salt or hash length out of range');
  return { salt, hash };
}

/** `ln=15,r=8,p=1`, within the bounds a login may cost. */
export function parseScryptParams(text: string): ScryptParams {
  const p = parseParams(text);
  const params = {
    ln: param(p, 'ln', LIMITS.scryptLn),
    r: param(p, 'r', LIMITS.scryptR),
    p: param(p, 'p', LIMITS.scryptP),
  };
  if (p.size !== 3) throw new StoredSecretError('scrypt takes exactly ln, r and p');
  return params;
}

/** `m=65536,t=3,p=4` (m in KiB, at least 8·p as RFC 9106 §3.1 asks). */
export function parseArgon2idParams(text: string): Argon2idParams {
  const p = parseParams(text);
  const params = {
    m: param(p, 'm', LIMITS.argonM),
    t: param(p, 't', LIMITS.argonT),
    p: param(p, 'p', LIMITS.argonP),
    version: 0x13,
  };
  if (p.size !== 3) throw new StoredSecretError('argon2id takes exactly m, t and p');
  if (params.m < 8 * params.p)
    throw new StoredSecretError('argon2id m must be at least 8·p (RFC 9106 §3.1)');
  return params;
}

function parseScrypt(fields: string[]): StoredSecret {
  const [paramText, saltText, hashText] = fields;
  if (
    fields.length !== 3 ||
    paramText === undefined ||
    saltText === undefined ||
    hashText === undefined
  )
    throw new StoredSecretError('$scrypt$ wants params$salt$hash');
  return {
    scheme: 'scrypt',
    params: parseScryptParams(paramText),
    ...saltAndHash(saltText, hashText),
  };
}

function parseArgon2id(fields: string[]): StoredSecret {
  const [versionText, paramText, saltText, hashText] = fields;
  if (
    fields.length !== 4 ||
    versionText !== 'v=19' ||
    paramText === undefined ||
    saltText === undefined ||
    hashText === undefined
  ) {
    throw new StoredSecretError('$argon2id$ wants v=19$m=,t=,p=$salt$hash');
  }
  return {
    scheme: 'argon2id',
    params: parseArgon2idParams(paramText),
    ...saltAndHash(saltText, hashText),
  };
}

export function parseStoredSecret(value: string): StoredSecret {
  if (value.startsWith('{PLAIN}'))
    return { scheme: 'plain', password: value.slice('{PLAIN}'.length) };
  const [empty, scheme, ...rest] = value.split('$');
  if (empty !== '') throw new StoredSecretError('a stored secret starts with $scheme$ or {PLAIN}');
  if (scheme === 'scrypt') return parseScrypt(rest);
  if (scheme === 'argon2id') return parseArgon2id(rest);
  throw new StoredSecretError(
    `unsupported password scheme '${scheme ?? ''}' (scrypt, argon2id or {PLAIN})`,
  );
}

/** True when `password` matches; the final comparison is constant-time. */
export async function verifyPassword(secret: StoredSecret, password: string): Promise<boolean> {
  const given = encodeUtf8(password);
  if (secret.scheme === 'plain') return constantTimeEqual(given, encodeUtf8(secret.password));
  const derived =
    secret.scheme === 'scrypt'
      ? await scryptDerive(given, secret.salt, secret.params, secret.hash.length)
      : await argon2idDerive(given, secret.salt, secret.params, secret.hash.length);
  return constantTimeEqual(derived, secret.hash);
}

/** scrypt N = 2^15, r = 8 (32 MiB per hash, 128·r·N), and RFC 9106 §4's second recommended option (t = 3, p = 4, 64 MiB). */
export const DEFAULT_SCRYPT: ScryptParams = { ln: 15, r: 8, p: 1 };
export const DEFAULT_ARGON2ID: Argon2idParams = { m: 65536, t: 3, p: 4, version: 0x13 };

export type HashScheme = 'scrypt' | 'argon2id';

export async function hashPassword(
  password: string,
  scheme: HashScheme,
  random: Random,
  params: { scrypt?: ScryptParams; argon2id?: Argon2idParams } = {},
): Promise<string> {
  const salt = random.bytes(16);
  const given = encodeUtf8(password);
  if (scheme === 'scrypt') {
    const p = params.scrypt ?? DEFAULT_SCRYPT;
    const hash = await scryptDerive(given, salt, p, 32);
    return `$scrypt$ln=${p.ln},r=${p.r},p=${p.p}$${b64encode(salt)}$${b64encode(hash)}`;
  }
  const p = params.argon2id ?? DEFAULT_ARGON2ID;
  const hash = await argon2idDerive(given, salt, p, 32);
  return `$argon2id$v=19$m=${p.m},t=${p.t},p=${p.p}$${b64encode(salt)}$${b64encode(hash)}`;
}
