// The mechanisms' two sides as small sans-IO state machines. A server side
// turns the client's responses into challenges and finally into credentials
// for a back end to check; a client side answers challenges.
import type { MechanismDescription } from './security-options.js';

/** PLAIN and LOGIN end with a password to verify (RFC 4616 §2). */
export interface PlainCredentials {
  readonly kind: 'plain';
  /** The authorization identity; empty when the client asked for none. */
  readonly authzid: string;
  readonly authcid: string;
  readonly password: string;
}

/** CRAM-MD5 ends with the challenge and the client's keyed digest (RFC 2195 §2). */
export interface CramMd5Credentials {
  readonly kind: 'cram-md5';
  readonly user: string;
  readonly challenge: Uint8Array;
  /** Lower-case hex of HMAC-MD5(secret, challenge), as sent. */
  readonly digest: string;
}

export type Credentials = PlainCredentials | CramMd5Credentials;

export type ServerMechanismStep =
  | { readonly kind: 'challenge'; readonly challenge: Uint8Array }
  | { readonly kind: 'credentials'; readonly credentials: Credentials }
  /** The client's response breaks the mechanism's syntax (535 with this reason). */
  | { readonly kind: 'malformed'; readonly reason: string };

export interface ServerMechanism {
  readonly name: string;
  /** The first step, given the initial response of `AUTH MECH ir` if any. */
  start(initialResponse: Uint8Array | undefined): ServerMechanismStep;
  respond(response: Uint8Array): ServerMechanismStep;
}

export interface ClientCredentials {
  readonly user: string;
  readonly password: string;
  /** PLAIN's authorization identity (RFC 4616 §2); omitted when absent. */
  readonly authzid?: string;
}

export class SaslClientError extends Error {
  constructor(
    readonly mechanism: string,
    message: string,
  ) {
    super(`SASL ${mechanism}: ${message}`);
    this.name = 'SaslClientError';
  }
}

export interface ClientMechanism {
  readonly name: string;
  /** The initial response to send with AUTH (RFC 4954 §4), or undefined to wait for a challenge. */
  initialResponse(): Uint8Array | undefined;
  /** The answer to one server challenge; throws SaslClientError when the challenge makes no sense. */
  respond(challenge: Uint8Array): Uint8Array;
}

export type { MechanismDescription };

const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Strict UTF-8 decoding; undefined for invalid sequences (RFC 4616 §2 asks for UTF-8). */
export function decodeUtf8(bytes: Uint8Array): string | undefined {
  try {
    return utf8Decoder.decode(bytes);
  } catch (err) {
    if (err instanceof TypeError) return undefined;
    throw err;
  }
}

export const encodeUtf8 = (text: string): Uint8Array => new TextEncoder().encode(text);

/** An ended mechanism answers every further response with this. */
export const AFTER_END: ServerMechanismStep = {
  kind: 'malformed',
  reason: 'response after the end of the exchange',
};
