import type { CertifiedKey } from '../policy/config.js';
import type { SessionState } from '../session/state.js';

/**
 * What a paused server asks its caller once the ClientHello is read
 * (rustls's Acceptor / ChooseConfig is the model): the certificate for the
 * SNI name, and the TLS 1.2 session the ID names, both of which may live
 * behind an asynchronous lookup (SNI maps, a Redis session cache).
 */
export interface ClientHelloQuestion {
  /** RFC 6066 §3: the host_name the client asked for, when it sent one. */
  serverName?: string;
  /** RFC 5246 §7.4.1.2: the session the client wants to resume (empty: none). */
  sessionId: Uint8Array;
  /** RFC 7301: the protocols the client offers, in its order. */
  alpnProtocols: string[];
}

/** The caller's answer: absent fields fall back to the configuration. */
export interface ClientHelloAnswer {
  /** The chains to choose from for this name; empty or absent: the configured ones. */
  certificates?: readonly CertifiedKey[];
  /** The session stored under `sessionId`, when the caller found one. */
  session?: SessionState;
}
