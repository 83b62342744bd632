// *_tls_protocols and *_tls_mandatory_protocols (postconf(5)) as the version
// range postern negotiates. Both syntaxes (`!SSLv2, !SSLv3` and `>=TLSv1.2`)
// arrive parsed; postern speaks only TLSv1.2 and TLSv1.3 (DESIGN.md), so the
// range is what of those two the list leaves.
import type { TlsVersionName } from '../../tls/index.js';
import type { TlsProtocolList, TlsProtocolName } from '../config/index.js';

const ORDER: readonly TlsProtocolName[] = [
  'SSLv2',
  'SSLv3',
  'TLSv1',
  'TLSv1.1',
  'TLSv1.2',
  'TLSv1.3',
];
const SPOKEN: readonly TlsVersionName[] = ['TLSv1.2', 'TLSv1.3'];

export class ProtocolRangeError extends Error {
  constructor(parameter: string, value: string) {
    super(
      `${parameter} = ${value}: leaves neither TLSv1.2 nor TLSv1.3, the only protocols postern speaks`,
    );
    this.name = 'ProtocolRangeError';
  }
}

function allowed(list: TlsProtocolList, v: TlsProtocolName): boolean {
  const at = ORDER.indexOf(v);
  if (list.min !== undefined && at < ORDER.indexOf(list.min)) return false;
  if (list.max !== undefined && at > ORDER.indexOf(list.max)) return false;
  if (list.exclude.includes(v)) return false;
  return list.include.length === 0 || list.include.includes(v);
}

export function protocolRange(
  list: TlsProtocolList,
  parameter: string,
  value: string,
): { minVersion: TlsVersionName; maxVersion: TlsVersionName } {
  const ok = SPOKEN.filter((v) => allowed(list, v));
  const min = ok[0];
  const max = ok.at(-1);
  if (min === undefined || max === undefined) throw new ProtocolRangeError(parameter, value);
  return { minVersion: min, maxVersion: max };
}
