// Postfix cipher grades (postconf(5) smtpd_tls_ciphers, tls_high_cipherlist …):
// a grade names an OpenSSL cipher list, from which *_exclude_ciphers are
// removed. The seed's older smtpd_tls_cipherlist, when set, is the list
// itself, as the Postfix/TLS patch used it. TLS 1.3 suites are not governed
// by these lists (OpenSSL's ciphersuites are separate), as in Postfix.
import type { ParameterSet } from '../config/index.js';

const GRADE_PARAMETER: Record<string, string> = {
  high: 'tls_high_cipherlist',
  medium: 'tls_medium_cipherlist',
  low: 'tls_low_cipherlist',
  export: 'tls_export_cipherlist',
  null: 'tls_null_cipherlist',
};

/** The OpenSSL cipher string for one side ('smtpd' or 'smtp') at the given strictness. */
export function cipherString(
  params: ParameterSet,
  side: 'smtpd' | 'smtp',
  mandatory: boolean,
): string {
  const legacy = params.string(`${side}_tls_cipherlist`);
  const grade = params.string(mandatory ? `${side}_tls_mandatory_ciphers` : `${side}_tls_ciphers`);
  const base =
    legacy !== '' ? legacy : params.string(GRADE_PARAMETER[grade] ?? 'tls_medium_cipherlist');
  const excluded = [
    ...params.list(`${side}_tls_exclude_ciphers`),
    ...(mandatory ? params.list(`${side}_tls_mandatory_exclude_ciphers`) : []),
  ];
  return [base, ...excluded.map((c) => `!${c}`)].join(':');
}
