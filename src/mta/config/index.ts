// The configuration of a postern mail system, read as Postfix 3.x reads it.
//
//   const config = loadConfiguration('/etc/postfix');     // main.cf + master.cf, checked
//   config.main.bool('smtpd_use_tls');                     // typed, expanded at use
//   config.main.time('smtpd_tls_session_cache_timeout');  // seconds
//   config.main.tables('smtp_tls_policy_maps');            // ['hash:/etc/postfix/tls_policy']
//   for (const service of config.services) {
//     const params = config.forService(service);           // main.cf + that service's -o overrides
//     params.bool('smtpd_tls_wrappermode');
//   }
//
// Every parameter is declared once in registry/ (name, type, default, one line
// of documentation, the Postfix version it comes from). A getter of the wrong
// type, an unknown name, or a bad value is a ConfigError naming the file,
// line, parameter, value and what was expected; unknown parameters in main.cf
// are ConfigWarnings ("unused parameter"), as Postfix warns about them.
// parameterSetFrom({ name: 'value' }) builds a checked set for tests. main.cf, master.cf and
// the services file are read as UTF-8.

export {
  loadConfiguration,
  loadMainParameters,
  DEFAULT_CONFIG_DIRECTORY,
  DEFAULT_SERVICES_FILE,
  type Configuration,
  type LoadOptions,
} from './configuration.js';
export {
  ConfigError,
  type ConfigErrorDetails,
  type ConfigLocation,
  type ConfigWarning,
} from './config-error.js';
export { ParameterSet, parameterSetFrom, type Setting } from './parameter-set.js';
export type { MasterService, ServiceType } from './master-cf.js';
export type { ServiceAddress } from './service-address.js';
export type { ParameterDefinition } from './parameter.js';
export type { ParameterType, TimeUnit } from './parameter-type.js';
export { registry, definitionOf } from './registry/index.js';
export { parseTableSpec, type TableSpec } from './table-spec.js';
export {
  parseTlsProtocols,
  TLS_PROTOCOL_NAMES,
  type TlsProtocolList,
  type TlsProtocolName,
} from './tls-protocols.js';
export { compareLevels } from './compatibility-level.js';
export { SMTPD_SECURITY_LEVELS, FINGERPRINT_DIGESTS } from './registry/smtpd-tls.js';
export { SMTP_SECURITY_LEVELS } from './registry/smtp-tls.js';
export { SASL_SECURITY_OPTIONS } from './registry/smtpd.js';
