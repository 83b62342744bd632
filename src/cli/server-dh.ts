import { readFileSync } from 'node:fs';
import type { Random } from '../prng/random.js';
import { DEFAULT_DH_MIN_BITS, LOWEST_DH_MIN_BITS } from '../tls/policy/defaults.js';
import type { DhParameters } from '../x509/dh-params.js';
import { loadDhParameters, MIN_DH_PARAMETER_BITS } from '../x509/dh-params.js';
import { X509Error } from '../x509/errors.js';

/** What `-dhparam FILE` gives the server: a group for DHE, or a note that the file is not used. */
export type ServerDh = { use: DhParameters } | { ignored: DhParameters; notice: string };

export class DhParamFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DhParamFileError';
  }
}

/**
 * Reads and checks a PKCS#3 parameter file (safe prime, generator in
 * range; see src/x509/dh-params). A group of at least 1024 bits but below
 * `minBits` is refused: the administrator asked for a group the server
 * would then not serve. One below 1024 bits (the dh512 file of old Postfix
 * configurations) is checked the same way and then set aside, as modern
 * Postfix ignores `smtpd_tls_dh512_param_file`: no suite uses it.
 */
export function loadServerDh(file: string, minBits: number | undefined, random: Random): ServerDh {
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch (err) {
    throw new DhParamFileError(
      `-dhparam ${file}: ${err instanceof Error ? err.message : String(err)}`,
    );
  }
  let params: DhParameters;
  try {
    params = loadDhParameters(text, random, MIN_DH_PARAMETER_BITS);
  } catch (err) {
    if (err instanceof X509Error) throw new DhParamFileError(`-dhparam ${file}: ${err.message}`);
    throw err;
  }
  const min = minBits ?? DEFAULT_DH_MIN_BITS;
  if (params.bits < LOWEST_DH_MIN_BITS) {
    const notice =
      `-dhparam ${file}: a ${params.bits}-bit DH group, parsed and validated; ` +
      `no suite uses DH groups below the minimum of ${min} bits (as Postfix ignores smtpd_tls_dh512_param_file), ` +
      'so DHE uses the default group (ffdhe2048, RFC 7919)';
    return { ignored: params, notice };
  }
  if (params.bits < min) {
    throw new DhParamFileError(
      `-dhparam ${file}: a ${params.bits}-bit DH group is below the minimum of ${min} bits (-dh_min_bits ${LOWEST_DH_MIN_BITS} allows it for old peers)`,
    );
  }
  return { use: params };
}
