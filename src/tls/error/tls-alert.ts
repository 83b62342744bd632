import type { AlertDescriptionName } from '../registry/alert.js';
import { AlertDescription, AlertLevel } from '../registry/alert.js';

/**
 * The one error the TLS codecs throw: the alert to send (or that was
 * received). `description` is the RFC name, so a caller can switch on it.
 */
export class TlsAlert extends Error {
  readonly code: number;
  constructor(
    readonly description: AlertDescriptionName,
    message?: string,
    readonly level: AlertLevel = description === 'close_notify' || description === 'user_canceled' || description === 'no_renegotiation'
      ? AlertLevel.warning
      : AlertLevel.fatal,
  ) {
    super(message === undefined ? description : `${description}: ${message}`);
    this.name = 'TlsAlert';
    this.code = AlertDescription[description];
  }
}
