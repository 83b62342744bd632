/** What is wrong with a configuration (policy/resolve-config.ts raises each). */
export type TlsConfigReason =
  | 'version_range_empty'
  | 'no_certificate'
  | 'no_supported_group'
  | 'bad_record_size_limit'
  | 'dh_min_bits_too_low'
  | 'dh_group_too_small';

/**
 * A local configuration mistake (a client whose minVersion is above its
 * maxVersion, a server without a certificate): thrown by the connection
 * factories before any byte is written, never sent as an alert.
 */
export class TlsConfigError extends Error {
  readonly kind = 'configuration';
  constructor(
    readonly reason: TlsConfigReason,
    message: string,
  ) {
    super(message);
    this.name = 'TlsConfigError';
  }
}
