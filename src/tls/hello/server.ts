import type { HandshakeMessage } from '../codec/handshake.js';
import type { ClientHello } from '../codec/messages.js';
import type { ClientHelloAnswer, ClientHelloQuestion } from '../engine/client-hello-question.js';
import type { HandshakeIO, HandshakeState, PausedState } from '../engine/connection.js';
import { decodeTls12ClientHelloExtensions } from '../codec/extensions.js';
import { unexpectedMessage } from '../engine/unexpected.js';
import { TlsAlert } from '../error/tls-alert.js';
import { offeredAlpn, serverName } from '../negotiate/answers.js';
import { selectServerVersion, serverVersionRange } from '../negotiate/version.js';
import type { ResolvedServerConfig } from '../policy/resolve-config.js';
import { startServer12 } from '../tls12/server.js';
import { startServer13 } from '../tls13/server.js';
import { TLS13 } from '../tls13/traffic.js';
import { equalBytes } from '../wire/bytes.js';

/**
 * The server's first state, the same for both versions (rustls's
 * server/hs.rs is the model): read the ClientHello, ask the caller when
 * configured to (certificates by SNI name, the session by ID), choose the
 * version, then hand over to tls13/ or tls12/.
 */
export function startServer(config: ResolvedServerConfig): HandshakeState {
  return new ExpectClientHello(config);
}

class ExpectClientHello implements HandshakeState {
  readonly name = 'waiting for ClientHello';
  // Any ClientHello decodes the same way; TLS 1.3's options take every extension.
  readonly decodeAs = TLS13;
  constructor(private readonly config: ResolvedServerConfig) {}

  handle(io: HandshakeIO, message: HandshakeMessage, raw: Uint8Array): HandshakeState {
    if (message.kind !== 'client_hello') throw unexpectedMessage(this.name, message);
    if (this.config.askCaller !== undefined)
      return new AwaitCallerAnswer(this.config, message, raw);
    return chooseVersion(io, this.config, message, raw);
  }
}

/** Paused: the caller looks up the certificates for the SNI name and the session the ID names (engine/client-hello-question.ts). */
class AwaitCallerAnswer implements PausedState {
  readonly name = 'waiting for the caller to answer the ClientHello';
  readonly decodeAs = TLS13;
  readonly question: ClientHelloQuestion;
  constructor(
    private readonly config: ResolvedServerConfig,
    private readonly ch: ClientHello,
    private readonly raw: Uint8Array,
  ) {
    const name = serverName(ch);
    this.question = {
      sessionId: Uint8Array.from(ch.legacySessionId),
      alpnProtocols: offeredAlpn(ch),
      ...(name !== undefined ? { serverName: name } : {}),
    };
  }

  handle(_io: HandshakeIO, message: HandshakeMessage): HandshakeState {
    // The connection holds the peer's messages while paused; one reaching here is a bug in the caller's order.
    throw unexpectedMessage(this.name, message);
  }

  answer(io: HandshakeIO, answer: ClientHelloAnswer): HandshakeState {
    return chooseVersion(io, withAnswer(this.config, this.question, answer), this.ch, this.raw);
  }
}

/** The caller's certificates replace the configured ones; its session is the session cache of this handshake. */
function withAnswer(
  config: ResolvedServerConfig,
  question: ClientHelloQuestion,
  answer: ClientHelloAnswer,
): ResolvedServerConfig {
  const certificates =
    answer.certificates !== undefined && answer.certificates.length > 0
      ? answer.certificates
      : config.certificates;
  // RFC 6066 §3: a server that has no certificate for the name may end the handshake with unrecognized_name.
  if (certificates.length === 0)
    throw TlsAlert.because(
      'no_certificate_for_name',
      `no certificate for ${question.serverName ?? 'a client without server_name'}`,
    );
  if (config.askCaller?.session !== true) return { ...config, certificates };
  const { session } = answer;
  return {
    ...config,
    certificates,
    sessionCache: {
      get: (id) =>
        session !== undefined && equalBytes(id, question.sessionId) ? session : undefined,
    },
  };
}

/** The one place the server picks a version (RFC 8446 §4.1.3: with the downgrade sentinel in TLS 1.2 when we speak 1.3). */
function chooseVersion(
  io: HandshakeIO,
  config: ResolvedServerConfig,
  ch: ClientHello,
  raw: Uint8Array,
): HandshakeState {
  const range = serverVersionRange(config);
  if (selectServerVersion(range, ch) === 'TLSv1.2')
    return startServer12(
      io,
      config,
      { ...ch, extensions: decodeTls12ClientHelloExtensions(ch.extensions) },
      raw,
      range.tls13,
    );
  return startServer13(io, config, ch, raw);
}
