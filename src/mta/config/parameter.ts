import type { ParameterType } from './parameter-type.js';

/** Answers what a computed default needs: another parameter's expanded value, or whether it was set. */
export interface DefaultContext {
  expanded(name: string): string;
  isSet(name: string): boolean;
}

/**
 * One parameter, declared once (Postfix's mail_params.h is the model). The
 * default is a string as `postconf -d` prints it, and may refer to other
 * parameters (`$smtpd_tls_cert_file`) or depend on compatibility_level; a few
 * host-dependent ones (myhostname) are computed like Postfix computes them.
 */
export interface ParameterDefinition {
  readonly name: string;
  readonly type: ParameterType;
  readonly default: string | ((context: DefaultContext) => string);
  readonly doc: string;
  /** The Postfix version ("Postfix 2.3"), patch or RFC the parameter comes from. */
  readonly since: string;
  /** An older name whose explicit setting this parameter takes when it is not set itself. */
  readonly previousName?: string;
}

export interface ParamOptions {
  readonly previousName?: string;
}

export function param(
  name: string,
  type: ParameterType,
  defaultValue: ParameterDefinition['default'],
  since: string,
  doc: string,
  options: ParamOptions = {},
): ParameterDefinition {
  return { name, type, default: defaultValue, since, doc, ...options };
}
