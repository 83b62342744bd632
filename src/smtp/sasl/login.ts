// LOGIN (draft-murchison-sasl-login-00): the server asks "Username:" then
// "Password:", and the client answers each with the bare value.
import type {
  ClientCredentials,
  ClientMechanism,
  ServerMechanism,
  ServerMechanismStep,
} from './mechanism.js';
import { AFTER_END, SaslClientError, decodeUtf8, encodeUtf8 } from './mechanism.js';
import type { MechanismDescription } from './security-options.js';

export const LOGIN: MechanismDescription = { name: 'LOGIN', properties: new Set(['plaintext']) };

export const USERNAME_CHALLENGE = encodeUtf8('Username:');
export const PASSWORD_CHALLENGE = encodeUtf8('Password:');

// The draft bounds neither field; 255 octets as PLAIN keeps one limit for both.
const MAX_FIELD = 255;

class LoginServer implements ServerMechanism {
  readonly name = 'LOGIN';
  private user: string | undefined;
  private done = false;

  start(initialResponse: Uint8Array | undefined): ServerMechanismStep {
    // draft §2.1: an initial response, where clients send one, is the user name.
    if (initialResponse === undefined) return { kind: 'challenge', challenge: USERNAME_CHALLENGE };
    return this.respond(initialResponse);
  }

  respond(response: Uint8Array): ServerMechanismStep {
    if (this.done) return AFTER_END;
    const value = response.length <= MAX_FIELD ? decodeUtf8(response) : undefined;
    if (value === undefined || value.includes('\0')) {
      this.done = true;
      return {
        kind: 'malformed',
        reason: 'LOGIN response is not a UTF-8 string of at most 255 octets',
      };
    }
    if (this.user === undefined) {
      if (value === '') {
        this.done = true;
        return { kind: 'malformed', reason: 'LOGIN with an empty user name' };
      }
      this.user = value;
      return { kind: 'challenge', challenge: PASSWORD_CHALLENGE };
    }
    this.done = true;
    return {
      kind: 'credentials',
      credentials: { kind: 'plain', authzid: '', authcid: this.user, password: value },
    };
  }
}

export function loginServer(): ServerMechanism {
  return new LoginServer();
}

function sameText(challenge: Uint8Array, expected: string): boolean {
  return decodeUtf8(challenge)?.trim().toLowerCase() === expected;
}

class LoginClient implements ClientMechanism {
  readonly name = 'LOGIN';
  private step: 'user' | 'password' | 'done' = 'user';
  constructor(private readonly credentials: ClientCredentials) {}

  initialResponse(): undefined {
    return undefined;
  }

  respond(challenge: Uint8Array): Uint8Array {
    // Servers vary the prompt text ("User Name", "Username:"); the order is what counts.
    if (this.step === 'user') {
      if (sameText(challenge, 'password:'))
        throw new SaslClientError('LOGIN', 'server asked for the password before the user name');
      this.step = 'password';
      return encodeUtf8(this.credentials.user);
    }
    if (this.step === 'password') {
      this.step = 'done';
      return encodeUtf8(this.credentials.password);
    }
    throw new SaslClientError('LOGIN', 'unexpected third server challenge');
  }
}

export function loginClient(credentials: ClientCredentials): ClientMechanism {
  if (
    credentials.authzid !== undefined &&
    credentials.authzid !== '' &&
    credentials.authzid !== credentials.user
  ) {
    throw new SaslClientError('LOGIN', 'LOGIN cannot carry an authorization identity');
  }
  return new LoginClient(credentials);
}
