import type { HandshakeIO, HandshakeState } from '../engine/connection.js';
import type { DecodeOptions, HandshakeMessage } from '../codec/handshake.js';
import type { Tls12Suite } from '../registry/suites.js';
import { decodeAs12 } from './common.js';
import { unexpectedMessage } from '../engine/unexpected.js';

/**
 * After a TLS 1.2 handshake. Renegotiation is always refused (RFC 5746
 * §4.2 and §4.4): a HelloRequest at a client, or a ClientHello at a server,
 * gets a no_renegotiation warning and the connection goes on. KeyUpdate does
 * not exist in TLS 1.2; anything else is unexpected_message.
 */
export class Traffic12 implements HandshakeState {
  readonly name = 'connected';
  readonly decodeAs: DecodeOptions;
  /** RFC 5746 §3.1: the verify_data of both Finished messages, kept for renegotiation_info. */
  constructor(
    private readonly role: 'client' | 'server',
    suite: Tls12Suite,
    readonly clientVerifyData: Uint8Array,
    readonly serverVerifyData: Uint8Array,
  ) {
    this.decodeAs = decodeAs12(suite);
  }

  handle(io: HandshakeIO, message: HandshakeMessage): HandshakeState {
    const refused =
      (this.role === 'client' && message.kind === 'hello_request') ||
      (this.role === 'server' && message.kind === 'client_hello');
    if (!refused) throw unexpectedMessage(this.name, message);
    io.sendWarningAlert('no_renegotiation');
    return this;
  }
}
