import type { HandshakeIO, HandshakeState, TrafficState } from '../engine/connection.js';
import { KeyUpdateRequest } from '../registry/constants.js';
import type { DecodeOptions, HandshakeMessage } from '../codec/handshake.js';
import type { Tls13Suite } from '../registry/suites.js';
import type { MasterSecret } from '../keys/tls13-key-schedule.js';
import { nextTrafficSecret } from '../keys/tls13-key-schedule.js';
import type { TicketSubject } from './psk.js';
import { sessionFromTicket } from './psk.js';
import { unexpectedMessage } from '../engine/unexpected.js';

export const TLS13: DecodeOptions = { version: 'tls1.3' };

/** After the handshake: NewSessionTicket (to a client) and KeyUpdate both ways (RFC 8446 §4.6). */
export class Traffic13 implements TrafficState {
  readonly name = 'connected';
  readonly decodeAs = TLS13;
  constructor(
    private readonly role: 'client' | 'server',
    private readonly suite: Tls13Suite,
    readonly master: MasterSecret,
    private writeSecret: Uint8Array,
    private readSecret: Uint8Array,
    readonly resumptionSecret: Uint8Array,
    /** Client side: what the tickets the server sends will resume. */
    private readonly ticketSubject?: TicketSubject,
  ) {}

  handle(io: HandshakeIO, message: HandshakeMessage): HandshakeState {
    if (message.kind === 'new_session_ticket_13' && this.role === 'client') {
      if (this.ticketSubject !== undefined) {
        const state = sessionFromTicket(
          this.ticketSubject,
          this.resumptionSecret,
          message,
          io.now().getTime(),
        );
        if (state !== undefined) io.emitSession(state);
      }
      return this;
    }
    if (message.kind !== 'key_update') throw unexpectedMessage(this.name, message);
    // RFC 8446 §4.6.3: update our read keys; answer a request by updating ours, without requesting again.
    this.readSecret = nextTrafficSecret(this.suite.hash, this.readSecret);
    io.setReadKeys(this.suite, this.readSecret);
    if (message.requestUpdate === KeyUpdateRequest.update_requested) this.updateKeys(io, false);
    return this;
  }

  updateKeys(io: HandshakeIO, requestPeer: boolean): void {
    io.send({
      kind: 'key_update',
      requestUpdate: requestPeer
        ? KeyUpdateRequest.update_requested
        : KeyUpdateRequest.update_not_requested,
    });
    this.writeSecret = nextTrafficSecret(this.suite.hash, this.writeSecret);
    io.setWriteKeys(this.suite, this.writeSecret);
  }
}
