// smtpd_sasl_type: which back end serves AUTH. Postfix's other type, cyrus,
// is refused by name rather than silently replaced.
import type { SaslBackend } from './backend.js';
import type { DovecotBackendOptions } from './dovecot-backend.js';
import { DovecotSaslBackend } from './dovecot-backend.js';
import type { PosternBackendOptions } from './postern-backend.js';
import { PosternSaslBackend } from './postern-backend.js';

export type SaslBackendType = 'dovecot' | 'postern';

export class SaslTypeError extends Error {
  constructor(value: string) {
    super(
      value === 'cyrus'
        ? 'smtpd_sasl_type = cyrus is not supported by postern: use dovecot (smtpd_sasl_path to its auth socket) or postern (smtpd_sasl_password_maps)'
        : `smtpd_sasl_type: unknown type '${value}' (dovecot or postern)`,
    );
    this.name = 'SaslTypeError';
  }
}

export function parseSaslType(value: string): SaslBackendType {
  const v = value.trim().toLowerCase();
  if (v === 'dovecot' || v === 'postern') return v;
  throw new SaslTypeError(v);
}

export type SaslBackendOptions =
  | { readonly type: 'dovecot'; readonly dovecot: DovecotBackendOptions }
  | { readonly type: 'postern'; readonly postern: PosternBackendOptions };

/** The back end for smtpd_sasl_type; a dovecot one still needs `open()` before it knows its mechanisms. */
export function createSaslBackend(options: SaslBackendOptions): SaslBackend {
  return options.type === 'dovecot'
    ? new DovecotSaslBackend(options.dovecot)
    : new PosternSaslBackend(options.postern);
}
