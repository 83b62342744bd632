// PLAIN (RFC 4616): one message, [authzid] NUL authcid NUL passwd.
import type {
  ClientCredentials,
  ClientMechanism,
  ServerMechanism,
  ServerMechanismStep,
} from './mechanism.js';
import { AFTER_END, SaslClientError, decodeUtf8, encodeUtf8 } from './mechanism.js';
import type { MechanismDescription } from './security-options.js';

export const PLAIN: MechanismDescription = { name: 'PLAIN', properties: new Set(['plaintext']) };

// RFC 4616 §2: each field is 1 to 255 octets (authzid may be empty) and holds no NUL.
const MAX_FIELD = 255;

export function decodePlainMessage(message: Uint8Array): ServerMechanismStep {
  const first = message.indexOf(0);
  const second = first < 0 ? -1 : message.indexOf(0, first + 1);
  if (first < 0 || second < 0)
    return { kind: 'malformed', reason: 'PLAIN message without two NUL separators' };
  if (message.indexOf(0, second + 1) >= 0)
    return { kind: 'malformed', reason: 'PLAIN message with a NUL in the password' };
  const fields = [
    message.subarray(0, first),
    message.subarray(first + 1, second),
    message.subarray(second + 1),
  ];
  const [authzid, authcid, password] = fields.map(decodeUtf8);
  if (authzid === undefined || authcid === undefined || password === undefined)
    return { kind: 'malformed', reason: 'PLAIN message is not UTF-8' };
  if (fields.some((f) => f.length > MAX_FIELD))
    return { kind: 'malformed', reason: 'PLAIN field longer than 255 octets' };
  if (authcid === '' || password === '')
    return {
      kind: 'malformed',
      reason: 'PLAIN message with an empty authentication identity or password',
    };
  return { kind: 'credentials', credentials: { kind: 'plain', authzid, authcid, password } };
}

class PlainServer implements ServerMechanism {
  readonly name = 'PLAIN';
  private done = false;

  start(initialResponse: Uint8Array | undefined): ServerMechanismStep {
    // RFC 4616 §2: without an initial response the server sends an empty challenge.
    if (initialResponse === undefined) return { kind: 'challenge', challenge: new Uint8Array(0) };
    return this.respond(initialResponse);
  }

  respond(response: Uint8Array): ServerMechanismStep {
    if (this.done) return AFTER_END;
    this.done = true;
    return decodePlainMessage(response);
  }
}

export function plainServer(): ServerMechanism {
  return new PlainServer();
}

export function encodePlainMessage(credentials: ClientCredentials): Uint8Array {
  const parts = [credentials.authzid ?? '', credentials.user, credentials.password].map(encodeUtf8);
  for (const part of parts) {
    if (part.includes(0))
      throw new SaslClientError('PLAIN', 'a NUL in the user name, password or authzid');
    if (part.length > MAX_FIELD)
      throw new SaslClientError('PLAIN', 'a field longer than 255 octets');
  }
  if (parts[1]?.length === 0 || parts[2]?.length === 0)
    throw new SaslClientError('PLAIN', 'an empty user name or password');
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 2));
  let at = 0;
  parts.forEach((p, i) => {
    out.set(p, at);
    at += p.length + (i < 2 ? 1 : 0);
  });
  return out;
}

class PlainClient implements ClientMechanism {
  readonly name = 'PLAIN';
  private sent = false;
  constructor(private readonly message: Uint8Array) {}

  initialResponse(): Uint8Array {
    this.sent = true;
    return this.message;
  }

  respond(challenge: Uint8Array): Uint8Array {
    // An empty challenge asks for the message when it was not sent as an initial response.
    if (this.sent || challenge.length !== 0)
      throw new SaslClientError('PLAIN', 'unexpected server challenge');
    this.sent = true;
    return this.message;
  }
}

export function plainClient(credentials: ClientCredentials): ClientMechanism {
  return new PlainClient(encodePlainMessage(credentials));
}
