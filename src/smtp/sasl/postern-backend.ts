// smtpd_sasl_type = postern: PLAIN, LOGIN and (optionally) CRAM-MD5 checked
// against smtpd_sasl_password_maps, whose values are stored secrets
// (stored-secret.ts). A user's key is the authentication identity as sent.
import { constantTimeEqual } from '../../crypto/index.js';
import type { Random } from '../../prng/index.js';
import type { SaslBackend, SaslContext, SaslExchange, SaslStep } from './backend.js';
import { cramMd5Digest } from './cram-md5.js';
import type {
  CramMd5Credentials,
  Credentials,
  PlainCredentials,
  ServerMechanism,
  ServerMechanismStep,
} from './mechanism.js';
import { encodeUtf8 } from './mechanism.js';
import type { ServerSecurityPolicy } from './security-options.js';
import { filterMechanisms, serverOptionsFor } from './security-options.js';
import { BUILTIN_MECHANISMS, createServerMechanism } from './server-mechanisms.js';
import {
  DEFAULT_SCRYPT,
  parseStoredSecret,
  StoredSecretError,
  verifyPassword,
} from './stored-secret.js';
import type { StoredSecret } from './stored-secret.js';

/** Structurally a src/mta/tables Table: the SMTP layer does not import the MTA layer. */
export interface PasswordLookup {
  lookup(user: string): string | undefined;
}

export interface PosternBackendOptions {
  /** smtpd_sasl_password_maps. */
  readonly passwords: PasswordLookup;
  readonly security: ServerSecurityPolicy;
  /**
   * Offer CRAM-MD5. Only users whose secret is `{PLAIN}…` can use it (the
   * server needs the password itself); for the others it fails like a wrong
   * password and logs why. The table cannot be enumerated, so this is a setting.
   */
  readonly cramMd5: boolean;
  readonly random: Random;
  readonly now: () => number;
  /** myhostname, for CRAM-MD5 challenges. */
  readonly hostname: string;
  /** Warnings for the mail log (never a password or a secret). */
  readonly log?: (message: string) => void;
}

const AUTH_FAILURE: SaslStep = {
  kind: 'failure',
  reason: 'authentication failure',
  temporary: false,
};
const BACKEND_ERROR: SaslStep = {
  kind: 'failure',
  reason: 'Authentication backend error',
  temporary: true,
};

// Spent on unknown users so that a wrong user name costs what a wrong password costs.
const DUMMY_SECRET: StoredSecret = {
  scheme: 'scrypt',
  params: DEFAULT_SCRYPT,
  salt: new Uint8Array(16),
  hash: new Uint8Array(32),
};

type SecretResult =
  { kind: 'secret'; secret: StoredSecret } | { kind: 'unknown' } | { kind: 'error' };

export class PosternSaslBackend implements SaslBackend {
  constructor(private readonly options: PosternBackendOptions) {}

  mechanisms(context: SaslContext): readonly string[] {
    const offered = BUILTIN_MECHANISMS.filter((m) => m.name !== 'CRAM-MD5' || this.options.cramMd5);
    return filterMechanisms(offered, serverOptionsFor(this.options.security, context.secured)).map(
      (m) => m.name,
    );
  }

  async start(
    mechanism: string,
    initialResponse: Uint8Array | undefined,
    context: SaslContext,
  ): Promise<{ exchange: SaslExchange; first: SaslStep }> {
    const name = mechanism.toUpperCase();
    const mech = this.mechanisms(context).includes(name)
      ? createServerMechanism(name, this.options)
      : undefined;
    if (mech === undefined) {
      const refused = new PosternExchange(undefined, this);
      return {
        exchange: refused,
        first: {
          kind: 'failure',
          reason: `Invalid authentication mechanism: '${mechanism}'`,
          temporary: false,
        },
      };
    }
    const exchange = new PosternExchange(mech, this);
    return { exchange, first: await exchange.begin(initialResponse) };
  }

  close(): void {}

  /** Turns a mechanism's step into a back-end step, checking credentials. */
  async settle(step: ServerMechanismStep): Promise<SaslStep> {
    if (step.kind === 'challenge') return step;
    if (step.kind === 'malformed')
      return { kind: 'failure', reason: step.reason, temporary: false };
    return this.check(step.credentials);
  }

  private check(credentials: Credentials): Promise<SaslStep> {
    return credentials.kind === 'plain'
      ? this.checkPlain(credentials)
      : Promise.resolve(this.checkCram(credentials));
  }

  private async checkPlain(c: PlainCredentials): Promise<SaslStep> {
    // No proxy authorization: an authzid, when given, must name the same user (RFC 4616 §2).
    if (c.authzid !== '' && c.authzid !== c.authcid)
      return { kind: 'failure', reason: 'authorization failure', temporary: false };
    const found = this.secretOf(c.authcid);
    if (found.kind === 'error') return BACKEND_ERROR;
    const ok = await verifyPassword(
      found.kind === 'secret' ? found.secret : DUMMY_SECRET,
      c.password,
    );
    return ok && found.kind === 'secret' ? { kind: 'success', user: c.authcid } : AUTH_FAILURE;
  }

  private checkCram(c: CramMd5Credentials): SaslStep {
    const found = this.secretOf(c.user);
    if (found.kind === 'error') return BACKEND_ERROR;
    if (found.kind === 'unknown') return AUTH_FAILURE;
    if (found.secret.scheme !== 'plain') {
      this.options.log?.(
        `SASL CRAM-MD5: user ${JSON.stringify(c.user)} has a hashed secret; CRAM-MD5 needs a {PLAIN} one`,
      );
      return AUTH_FAILURE;
    }
    const expected = cramMd5Digest(encodeUtf8(found.secret.password), c.challenge);
    return constantTimeEqual(encodeUtf8(expected), encodeUtf8(c.digest))
      ? { kind: 'success', user: c.user }
      : AUTH_FAILURE;
  }

  private secretOf(user: string): SecretResult {
    let value: string | undefined;
    try {
      value = this.options.passwords.lookup(user);
    } catch (err) {
      this.options.log?.(
        `SASL: smtpd_sasl_password_maps lookup error: ${err instanceof Error ? err.message : String(err)}`,
      );
      return { kind: 'error' };
    }
    if (value === undefined) return { kind: 'unknown' };
    try {
      return { kind: 'secret', secret: parseStoredSecret(value) };
    } catch (err) {
      if (!(err instanceof StoredSecretError)) throw err;
      this.options.log?.(
        `SASL: smtpd_sasl_password_maps: bad secret for user ${JSON.stringify(user)}: ${err.message}`,
      );
      return { kind: 'error' };
    }
  }
}

class PosternExchange implements SaslExchange {
  private over = false;
  constructor(
    private readonly mech: ServerMechanism | undefined,
    private readonly backend: PosternSaslBackend,
  ) {}

  begin(initialResponse: Uint8Array | undefined): Promise<SaslStep> {
    if (this.mech === undefined) return Promise.resolve(AUTH_FAILURE);
    return this.finish(this.mech.start(initialResponse));
  }

  respond(response: Uint8Array): Promise<SaslStep> {
    if (this.over || this.mech === undefined)
      return Promise.resolve({
        kind: 'failure',
        reason: 'no authentication in progress',
        temporary: false,
      });
    return this.finish(this.mech.respond(response));
  }

  abort(): void {
    this.over = true;
  }

  private async finish(step: ServerMechanismStep): Promise<SaslStep> {
    const result = await this.backend.settle(step);
    if (result.kind !== 'challenge') this.over = true;
    return result;
  }
}
