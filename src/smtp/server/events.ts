// What the session tells its owner; each waiting event names the method
// that answers it (the session does nothing until then).
import type { MailParams, RcptParams } from '../codec/command.js';
import type { SessionFacts, SessionTlsFacts } from './policy.js';

/** TLS facts beyond the policy's, for the Received header and the log (filled by the adapter). */
export interface TlsDetails extends SessionTlsFacts {
  /** The suite's symmetric strength (`256/256 bits`). */
  readonly cipherBits: number;
  /** The key-exchange group as Postfix logs it (`X25519`, `ECDHE (prime256v1)`, `DHE (2048 bits)`), when known. */
  readonly keyExchange?: string;
  /** Our own signature (`RSA-PSS (2048 bits)`) and digest (`SHA256`), when the TLS library reports them. */
  readonly serverSignature?: string;
  readonly serverDigest?: string;
  readonly resumed: boolean;
}

export interface Recipient {
  readonly address: string;
  readonly params: RcptParams;
}

/** An accepted message, handed to the owner for delivery. */
export interface ReceivedMessage {
  readonly sender: string;
  readonly mailParams: MailParams;
  readonly recipients: readonly Recipient[];
  /** The content, dot-unstuffed, CRLF line ends, in the chunks it arrived in. */
  readonly content: readonly Uint8Array[];
  readonly size: number;
  readonly client: { address: string; port: number; name: string };
  readonly helo: string | undefined;
  /** RFC 3848 protocol name: SMTP, ESMTP, ESMTPS, ESMTPA, ESMTPSA. */
  readonly protocol: string;
  readonly tls: TlsDetails | undefined;
  readonly saslUser: string | undefined;
  readonly saslMethod: string | undefined;
  readonly receivedAt: Date;
  /** A DISCARD or HOLD restriction result, for the queue. */
  readonly discard: string | undefined;
  readonly hold: string | undefined;
}

/** The owner's answer to a `message` event. */
export type DeliveryVerdict =
  | { readonly ok: true; readonly queueId: string }
  | { readonly ok: false; readonly code: number; readonly enhanced: string; readonly text: string };

export type SessionEvent =
  /** Answer with `policyVerdict()`. */
  | { readonly type: 'policy'; readonly facts: SessionFacts }
  /** Answer with `saslStep()`; `initialResponse` is decoded (RFC 4954 §4). */
  | {
      readonly type: 'sasl-start';
      readonly mechanism: string;
      readonly initialResponse: Uint8Array | undefined;
    }
  /** A decoded client response in the running exchange; answer with `saslStep()`. */
  | { readonly type: 'sasl-response'; readonly response: Uint8Array }
  /** The client cancelled (`*`) or the session ended during the exchange: abort it; no answer. */
  | { readonly type: 'sasl-abort' }
  /** Flush the output (the 220), then start TLS and call `tlsEstablished()` or `tlsFailed()`. */
  | { readonly type: 'starttls' }
  /** Deliver, then call `deliveryVerdict()`. */
  | { readonly type: 'message'; readonly message: ReceivedMessage }
  /** Wait `ms` (smtpd_error_sleep_time), then call `wake()`. */
  | { readonly type: 'sleep'; readonly ms: number }
  /** Flush the output, then close the connection. */
  | { readonly type: 'close'; readonly reason: string }
  /** A line for the mail log (Postfix wording where there is one). */
  | { readonly type: 'log'; readonly level: 'info' | 'warning' | 'error'; readonly text: string };
