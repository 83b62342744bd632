import type { AlertDescriptionName } from '../registry/alert.js';
import { AlertDescription, AlertLevel } from '../registry/alert.js';
import type { TlsErrorKind, TlsErrorReason } from './reasons.js';
import { kindOfAlert, REASONS } from './reasons.js';

/**
 * The error a protocol failure throws: the alert to send (or that was
 * received), its kind (error/reasons.ts), and a named reason when the site
 * has one. `description` is the RFC name, so a caller can switch on it;
 * tests match `reason` or `description`, never the message text.
 */
export class TlsAlert extends Error {
  readonly code: number;
  readonly kind: TlsErrorKind;

  constructor(
    readonly description: AlertDescriptionName,
    message?: string,
    readonly level: AlertLevel = description === 'close_notify' ||
    description === 'user_canceled' ||
    description === 'no_renegotiation'
      ? AlertLevel.warning
      : AlertLevel.fatal,
    /** Set when raised by `TlsAlert.because`. */
    readonly reason?: TlsErrorReason,
  ) {
    super(message === undefined ? description : `${description}: ${message}`);
    this.name = 'TlsAlert';
    this.code = AlertDescription[description];
    this.kind = reason === undefined ? kindOfAlert(description) : REASONS[reason].kind;
  }

  /** A failure with a named reason: its alert and kind come from REASONS. */
  static because(reason: TlsErrorReason, message: string): TlsAlert {
    return new TlsAlert(REASONS[reason].alert, message, undefined, reason);
  }
}
