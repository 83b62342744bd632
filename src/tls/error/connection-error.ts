import type { AlertDescriptionName } from '../registry/alert.js';
import type { TlsErrorKind, TlsErrorReason } from './reasons.js';

/** A fatal end of the connection: the alert we sent, or the one we received. */
export class TlsConnectionError extends Error {
  constructor(
    readonly alert: AlertDescriptionName | `unknown_alert(${number})`,
    readonly origin: 'local' | 'remote',
    message: string,
    override readonly cause?: unknown,
    /** Whose fault (error/reasons.ts); `peer_alert` when the peer reported the failure. */
    readonly kind: TlsErrorKind | 'peer_alert' = origin === 'remote' ? 'peer_alert' : 'local',
    /** The named reason of a local failure, when the site had one. */
    readonly reason?: TlsErrorReason,
  ) {
    super(message);
    this.name = 'TlsConnectionError';
  }
}
