// The generated SMTP AUTH user's secret, in the PHC string format that the
// built-in SASL back end (smtpd_sasl_type = postern) reads from
// smtpd_sasl_password_maps: $scrypt$ln=15,r=8,p=1$<salt>$<hash>, base64
// without padding, as `postern saslpasswd` writes it. Replace with
// hashPassword() of src/smtp/sasl/stored-secret.ts once that is merged.
import { scryptAsync } from '@noble/hashes/scrypt.js';
import type { Random } from '../../prng/index.js';

/** RFC 7914: N = 2^15, r = 8, p = 1 (32 MiB per hash), saslpasswd's default. */
export const FIRST_USER_SCRYPT = { ln: 15, r: 8, p: 1 } as const;

const b64 = (bytes: Uint8Array): string => Buffer.from(bytes).toString('base64').replace(/=+$/, '');

export async function scryptSecret(password: string, random: Random): Promise<string> {
  const salt = random.bytes(16);
  const { ln, r, p } = FIRST_USER_SCRYPT;
  const hash = await scryptAsync(new TextEncoder().encode(password), salt, { N: 2 ** ln, r, p, dkLen: 32 });
  return `$scrypt$ln=${ln},r=${r},p=${p}$${b64(salt)}$${b64(hash)}`;
}

/** 18 random bytes as 24 URL-safe base64 characters: typed or pasted without quoting. */
export function generatePassword(random: Random): string {
  return Buffer.from(random.bytes(18)).toString('base64url');
}
