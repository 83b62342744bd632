import { TlsAlert } from '../error/tls-alert.js';
import type { HandshakeMessage } from '../codec/handshake.js';

/** DESIGN.md (one state, one place): a message the state does not take is unexpected_message, in either version. */
export function unexpectedMessage(state: string, message: HandshakeMessage): TlsAlert {
  return TlsAlert.because('unexpected_message', `${message.kind} received while ${state}`);
}
