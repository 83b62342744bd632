// CRAM-MD5 (RFC 2195): the server sends a unique challenge in msg-id form,
// the client answers "user SP hex(HMAC-MD5(secret, challenge))".
import { hmac } from '../../crypto/index.js';
import type { Random } from '../../prng/index.js';
import type {
  ClientCredentials,
  ClientMechanism,
  ServerMechanism,
  ServerMechanismStep,
} from './mechanism.js';
import { AFTER_END, SaslClientError, decodeUtf8, encodeUtf8 } from './mechanism.js';
import type { MechanismDescription } from './security-options.js';

// Dovecot's flags for it (lib-sasl's CRAM-MD5): open to dictionary and to active attacks, not plaintext.
export const CRAM_MD5: MechanismDescription = {
  name: 'CRAM-MD5',
  properties: new Set(['dictionary', 'active']),
};

export interface CramMd5ServerOptions {
  readonly random: Random;
  /** Milliseconds since the epoch. */
  readonly now: () => number;
  /** The server's host name (myhostname) for the challenge's right-hand side. */
  readonly hostname: string;
}

/** RFC 2195 §2: `<random.timestamp@hostname>`; 8 random bytes as decimal digits keep it unique. */
export function makeCramMd5Challenge(options: CramMd5ServerOptions): Uint8Array {
  const rnd = options.random.bytes(8);
  const digits = Array.from(rnd, (b) => b.toString().padStart(3, '0')).join('');
  const seconds = Math.floor(options.now() / 1000);
  return encodeUtf8(`<${digits}.${seconds}@${options.hostname}>`);
}

export function cramMd5Digest(secret: Uint8Array, challenge: Uint8Array): string {
  return Buffer.from(hmac('md5', secret, challenge)).toString('hex');
}

class CramMd5Server implements ServerMechanism {
  readonly name = 'CRAM-MD5';
  private challenge: Uint8Array | undefined;
  private done = false;
  constructor(private readonly options: CramMd5ServerOptions) {}

  start(initialResponse: Uint8Array | undefined): ServerMechanismStep {
    // RFC 2195 has the server speak first: an initial response cannot be valid.
    if (initialResponse !== undefined) {
      this.done = true;
      return { kind: 'malformed', reason: 'CRAM-MD5 takes no initial response' };
    }
    this.challenge = makeCramMd5Challenge(this.options);
    return { kind: 'challenge', challenge: this.challenge };
  }

  respond(response: Uint8Array): ServerMechanismStep {
    if (this.done || this.challenge === undefined) return AFTER_END;
    this.done = true;
    const text = decodeUtf8(response);
    const space = text?.lastIndexOf(' ') ?? -1;
    const user = text?.slice(0, space);
    const digest = text?.slice(space + 1).toLowerCase();
    if (
      text === undefined ||
      space <= 0 ||
      user === undefined ||
      digest === undefined ||
      !/^[0-9a-f]{32}$/.test(digest)
    ) {
      return { kind: 'malformed', reason: 'CRAM-MD5 response is not "user digest"' };
    }
    return {
      kind: 'credentials',
      credentials: { kind: 'cram-md5', user, challenge: this.challenge, digest },
    };
  }
}

export function cramMd5Server(options: CramMd5ServerOptions): ServerMechanism {
  return new CramMd5Server(options);
}

class CramMd5Client implements ClientMechanism {
  readonly name = 'CRAM-MD5';
  private answered = false;
  constructor(private readonly credentials: ClientCredentials) {}

  initialResponse(): undefined {
    return undefined;
  }

  respond(challenge: Uint8Array): Uint8Array {
    if (this.answered) throw new SaslClientError('CRAM-MD5', 'unexpected second server challenge');
    if (challenge.length === 0) throw new SaslClientError('CRAM-MD5', 'empty server challenge');
    this.answered = true;
    const digest = cramMd5Digest(encodeUtf8(this.credentials.password), challenge);
    return encodeUtf8(`${this.credentials.user} ${digest}`);
  }
}

export function cramMd5Client(credentials: ClientCredentials): ClientMechanism {
  return new CramMd5Client(credentials);
}
