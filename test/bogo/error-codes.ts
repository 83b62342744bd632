// What the shim prints on standard error when a connection fails. The runner
// looks for BoringSSL's error code in it (ssl/test/PORTING.md), through the
// ErrorMap of config.json: postern's names on the left of that map are made
// here, in one place.
import { TlsConnectionError } from '../../src/tls/index.js';
import { ShimCheckError } from './checks.js';

/** BoringSSL's codes for an alert received from the peer (ssl/ssl_lib.c: SSL_AD_REASON_OFFSET names). */
function receivedAlertCode(alert: string): string {
  const ssl3 = new Set([
    'close_notify',
    'unexpected_message',
    'bad_record_mac',
    'decompression_failure',
    'handshake_failure',
    'no_certificate',
    'bad_certificate',
    'unsupported_certificate',
    'certificate_revoked',
    'certificate_expired',
    'certificate_unknown',
    'illegal_parameter',
  ]);
  const base = alert.replace(/_RESERVED$/, '');
  const prefix = ssl3.has(base) ? 'SSLV3_ALERT_' : 'TLSV1_ALERT_';
  const names: Record<string, string> = {
    certificate_required: 'TLSV1_ALERT_CERTIFICATE_REQUIRED',
    no_application_protocol: 'TLSV1_ALERT_NO_APPLICATION_PROTOCOL',
  };
  return names[base] ?? prefix + base.toUpperCase();
}

/**
 * The error line: `:CODE:` then a human-readable reason. For an alert we sent
 * the code is `POSTERN_<ALERT>` (config.json maps BoringSSL's specific codes
 * to these); for one we received it is BoringSSL's own `…_ALERT_…` code.
 */
export function errorLine(err: unknown): string {
  if (err instanceof TlsConnectionError) {
    const code =
      err.origin === 'remote' ? receivedAlertCode(err.alert) : `POSTERN_${err.alert.toUpperCase()}`;
    return `:${code}: ${err.message}`;
  }
  if (err instanceof ShimCheckError) return `:POSTERN_CHECK_FAILED: ${err.message}`;
  if (err instanceof TransportError) return `:${err.code}: ${err.message}`;
  return `:POSTERN_SHIM_ERROR: ${err instanceof Error ? err.message : String(err)}`;
}

/** The socket ended, failed or went quiet before the exchange was over. */
export class TransportError extends Error {
  constructor(
    readonly code:
      | 'POSTERN_UNEXPECTED_EOF'
      | 'POSTERN_SOCKET_ERROR'
      | 'READ_TIMEOUT_EXPIRED'
      | 'POSTERN_NO_CLOSE_NOTIFY',
    message: string,
  ) {
    super(message);
    this.name = 'TransportError';
  }
}
