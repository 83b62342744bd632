// The generated SMTP AUTH user's password; its stored secret is made by the
// SASL code's own hashPassword() (src/smtp/sasl/stored-secret.ts), as
// `postern saslpasswd` makes it: $scrypt$ln=15,r=8,p=1$<salt>$<hash>.
import type { Random } from '../../prng/index.js';

/** 18 random bytes as 24 URL-safe base64 characters: typed or pasted without quoting. */
export function generatePassword(random: Random): string {
  return Buffer.from(random.bytes(18)).toString('base64url');
}
