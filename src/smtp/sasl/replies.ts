// The SMTP replies of an AUTH exchange, worded as Postfix's smtpd_sasl_glue.c
// and smtpd_sasl_proto.c write them (RFC 4954 §6 codes).
import type { SaslStep } from './backend.js';

export interface AuthReply {
  readonly code: number;
  readonly enhanced: string;
  readonly text: string;
}

export const AUTH_SUCCESS: AuthReply = {
  code: 235,
  enhanced: '2.7.0',
  text: 'Authentication successful',
};
export const AUTH_ABORTED: AuthReply = {
  code: 501,
  enhanced: '5.7.0',
  text: 'Authentication aborted',
};

/** The reply that ends an exchange with `step`; undefined for a challenge (334, the session's to encode). */
export function authStepReply(step: SaslStep): AuthReply | undefined {
  if (step.kind === 'challenge') return undefined;
  if (step.kind === 'success') return AUTH_SUCCESS;
  if (step.temporary)
    return {
      code: 454,
      enhanced: '4.7.0',
      text: `Temporary authentication failure: ${step.reason}`,
    };
  return { code: 535, enhanced: '5.7.8', text: `Error: authentication failed: ${step.reason}` };
}
