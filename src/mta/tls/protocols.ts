// smtp_tls_protocols / smtp_tls_mandatory_protocols (postconf(5)): either
// the `!SSLv2, !SSLv3` exclusion form or the Postfix 3.6 `>=TLSv1.2` range
// form; postern speaks TLSv1.2 and TLSv1.3 only, so the answer is a range of those.
import type { TlsVersionName } from '../../tls/index.js';
import { TlsPolicyError } from './security-level.js';

const ORDER = ['SSLv2', 'SSLv3', 'TLSv1', 'TLSv1.1', 'TLSv1.2', 'TLSv1.3'] as const;
type Protocol = (typeof ORDER)[number];

export interface ProtocolRange {
  readonly minVersion: TlsVersionName;
  readonly maxVersion: TlsVersionName;
}

function protocolIndex(name: string, parameter: string): number {
  const i = ORDER.findIndex((p) => p.toLowerCase() === name.toLowerCase());
  if (i < 0)
    throw new TlsPolicyError(
      `${parameter}: unknown protocol "${name}" (known: ${ORDER.join(', ')})`,
    );
  return i;
}

export function parseProtocols(value: string, parameter: string): ProtocolRange {
  const words = value.split(/[\s,:]+/).filter((w) => w !== '');
  const allowed = new Set<Protocol>(ORDER);
  const included = new Set<Protocol>();
  for (const w of words) {
    if (w.startsWith('>='))
      for (const p of ORDER.slice(0, protocolIndex(w.slice(2), parameter))) allowed.delete(p);
    else if (w.startsWith('<='))
      for (const p of ORDER.slice(protocolIndex(w.slice(2), parameter) + 1)) allowed.delete(p);
    else if (w.startsWith('!'))
      allowed.delete(ORDER[protocolIndex(w.slice(1), parameter)] as Protocol);
    else included.add(ORDER[protocolIndex(w, parameter)] as Protocol);
  }
  const usable = (['TLSv1.2', 'TLSv1.3'] as const).filter(
    (p) => allowed.has(p) && (included.size === 0 || included.has(p)),
  );
  const [min] = usable;
  const max = usable.at(-1);
  if (min === undefined || max === undefined)
    throw new TlsPolicyError(
      `${parameter} = ${value}: leaves neither TLSv1.2 nor TLSv1.3, the only protocols postern speaks`,
    );
  return { minVersion: min, maxVersion: max };
}

/** smtp_tls_mandatory_ciphers / smtp_tls_ciphers grades: every postern suite is `high`, so all but `null` allow them. */
export function checkCipherGrade(value: string, parameter: string): void {
  const v = value.trim().toLowerCase();
  if (v === 'null')
    throw new TlsPolicyError(
      `${parameter} = null: postern has no NULL (unencrypted) cipher suites`,
    );
  if (!['export', 'low', 'medium', 'high'].includes(v))
    throw new TlsPolicyError(
      `${parameter}: unknown cipher grade "${value}" (known: export, low, medium, high, null)`,
    );
}
