// The server-side mechanisms postern implements itself, by name.
import { CRAM_MD5, cramMd5Server } from './cram-md5.js';
import type { CramMd5ServerOptions } from './cram-md5.js';
import { LOGIN, loginServer } from './login.js';
import type { ServerMechanism } from './mechanism.js';
import { PLAIN, plainServer } from './plain.js';
import type { MechanismDescription } from './security-options.js';

/** In the order EHLO advertises them. */
export const BUILTIN_MECHANISMS: readonly MechanismDescription[] = [PLAIN, LOGIN, CRAM_MD5];

export function createServerMechanism(
  name: string,
  cram: CramMd5ServerOptions,
): ServerMechanism | undefined {
  switch (name.toUpperCase()) {
    case 'PLAIN':
      return plainServer();
    case 'LOGIN':
      return loginServer();
    case 'CRAM-MD5':
      return cramMd5Server(cram);
    default:
      return undefined;
  }
}
