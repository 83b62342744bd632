// The client-side mechanisms (for smtp(8)'s AUTH), chosen from the server's
// EHLO list through smtp_sasl_*security_options.
import { CRAM_MD5, cramMd5Client } from './cram-md5.js';
import { LOGIN, loginClient } from './login.js';
import type { ClientCredentials, ClientMechanism } from './mechanism.js';
import { PLAIN, plainClient } from './plain.js';
import type { MechanismDescription, SecurityOptions } from './security-options.js';
import { selectClientMechanisms } from './security-options.js';

/** Our preference: the mechanism that does not send the password first. */
export const CLIENT_MECHANISMS: readonly MechanismDescription[] = [CRAM_MD5, PLAIN, LOGIN];

export function createClientMechanism(
  name: string,
  credentials: ClientCredentials,
): ClientMechanism | undefined {
  switch (name.toUpperCase()) {
    case 'PLAIN':
      return plainClient(credentials);
    case 'LOGIN':
      return loginClient(credentials);
    case 'CRAM-MD5':
      return cramMd5Client(credentials);
    default:
      return undefined;
  }
}

/** The first mechanism both sides allow, or undefined (Postfix: "no mechanism available"). */
export function chooseClientMechanism(
  offered: readonly string[],
  options: SecurityOptions,
  credentials: ClientCredentials,
): ClientMechanism | undefined {
  const [name] = selectClientMechanisms(offered, CLIENT_MECHANISMS, options);
  return name === undefined ? undefined : createClientMechanism(name, credentials);
}
