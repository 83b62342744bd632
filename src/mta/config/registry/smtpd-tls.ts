// The SMTP server's TLS (postconf(5) smtpd_tls_*, and the Postfix/TLS patch
// names the seed uses: smtpd_use_tls, smtpd_enforce_tls, smtpd_tls_cipherlist).
import { param, type ParameterDefinition } from '../parameter.js';
import {
  boolean,
  cipherGrade,
  integer,
  list,
  oneOf,
  string,
  tables,
  time,
  tlsProtocols,
} from '../parameter-type.js';

const PATCH = 'Postfix/TLS patch';

/** smtpd_tls_security_level (Postfix 2.3): TLS_README "Server TLS security levels". */
export const SMTPD_SECURITY_LEVELS = ['none', 'may', 'encrypt'];
/** *_tls_fingerprint_digest: the digests Postfix accepts. */
export const FINGERPRINT_DIGESTS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'];
const FINGERPRINT_DEFAULT = '${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}';

export { FINGERPRINT_DEFAULT };

export const smtpdTlsParameters: readonly ParameterDefinition[] = [
  param(
    'smtpd_use_tls',
    boolean,
    'no',
    PATCH,
    'Offer STARTTLS (smtpd_tls_security_level = may, which takes precedence when set).',
  ),
  param(
    'smtpd_enforce_tls',
    boolean,
    'no',
    PATCH,
    'Require STARTTLS before any command but QUIT (smtpd_tls_security_level = encrypt; implies smtpd_use_tls).',
  ),
  param(
    'smtpd_tls_security_level',
    oneOf(SMTPD_SECURITY_LEVELS, true),
    '',
    'Postfix 2.3',
    'The server TLS security level: none, may or encrypt; when set it overrides smtpd_use_tls and smtpd_enforce_tls.',
  ),
  param(
    'smtpd_tls_wrappermode',
    boolean,
    'no',
    PATCH,
    'Speak TLS from the first byte (the smtps port, 465) instead of STARTTLS.',
  ),
  param(
    'smtpd_tls_cert_file',
    string,
    '',
    PATCH,
    'The RSA server certificate in PEM; its key and chain may share the file (server certificate first).',
  ),
  param(
    'smtpd_tls_key_file',
    string,
    '$smtpd_tls_cert_file',
    PATCH,
    'The RSA server private key in PEM, not encrypted.',
  ),
  param('smtpd_tls_dcert_file', string, '', PATCH, 'The DSA server certificate in PEM.'),
  param(
    'smtpd_tls_dkey_file',
    string,
    '$smtpd_tls_dcert_file',
    PATCH,
    'The DSA server private key in PEM.',
  ),
  param('smtpd_tls_eccert_file', string, '', 'Postfix 2.6', 'The ECDSA server certificate in PEM.'),
  param(
    'smtpd_tls_eckey_file',
    string,
    '$smtpd_tls_eccert_file',
    'Postfix 2.6',
    'The ECDSA server private key in PEM.',
  ),
  param(
    'smtpd_tls_chain_files',
    list,
    '',
    'Postfix 3.4',
    'Files of keys each followed by its certificate chain, in place of the *_cert_file/*_key_file pairs.',
  ),
  param(
    'smtpd_tls_CAfile',
    string,
    '',
    PATCH,
    'Trusted CA certificates in PEM; their names are sent in the client certificate request.',
  ),
  param(
    'smtpd_tls_CApath',
    string,
    '',
    PATCH,
    'A directory of trusted CA certificates hashed by c_rehash (not sent to clients).',
  ),
  param(
    'smtpd_tls_ccert_verifydepth',
    integer(1),
    '9',
    PATCH,
    "The longest client certificate chain verified (the patch's default was 5).",
  ),
  param(
    'smtpd_tls_loglevel',
    integer(0),
    '0',
    PATCH,
    'TLS logging: 0 none, 1 certificates, 2 negotiation, 3 and 4 hex dumps.',
  ),
  param(
    'smtpd_tls_received_header',
    boolean,
    'no',
    PATCH,
    'Write the protocol, cipher and client certificate names into the Received: header.',
  ),
  param('smtpd_tls_ask_ccert', boolean, 'no', PATCH, 'Ask the client for a certificate.'),
  param(
    'smtpd_tls_req_ccert',
    boolean,
    'no',
    PATCH,
    'Require a verified client certificate when TLS is enforced (implies smtpd_tls_ask_ccert).',
  ),
  param(
    'smtpd_tls_auth_only',
    boolean,
    'no',
    PATCH,
    'Offer and accept AUTH only inside a TLS session.',
  ),
  param(
    'smtpd_starttls_timeout',
    time('s'),
    '${stress?{10}:{300}}s',
    PATCH,
    'The time limit of each read and write of the TLS handshake and shutdown.',
  ),
  param(
    'smtpd_tls_cipherlist',
    string,
    '',
    `${PATCH} (replaced by smtpd_tls_ciphers in Postfix 2.3)`,
    'An OpenSSL cipher list for the server (empty: the built-in default).',
  ),
  param(
    'smtpd_tls_ciphers',
    cipherGrade,
    'medium',
    'Postfix 2.6',
    'The cipher grade of opportunistic TLS.',
  ),
  param(
    'smtpd_tls_mandatory_ciphers',
    cipherGrade,
    'medium',
    'Postfix 2.3',
    'The cipher grade when TLS is enforced.',
  ),
  param(
    'smtpd_tls_exclude_ciphers',
    list,
    '',
    'Postfix 2.3',
    'Ciphers or cipher types left out at every grade.',
  ),
  param(
    'smtpd_tls_mandatory_exclude_ciphers',
    list,
    '',
    'Postfix 2.3',
    'Ciphers or cipher types left out when TLS is enforced.',
  ),
  param(
    'smtpd_tls_protocols',
    tlsProtocols,
    '>=TLSv1',
    'Postfix 2.6',
    'The TLS protocols of opportunistic TLS (!SSLv3 style or >=TLSv1.2 style).',
  ),
  param(
    'smtpd_tls_mandatory_protocols',
    tlsProtocols,
    '>=TLSv1',
    'Postfix 2.3',
    'The TLS protocols when TLS is enforced.',
  ),
  param(
    'smtpd_tls_eecdh_grade',
    oneOf(['none', 'strong', 'ultra', 'auto']),
    'auto',
    'Postfix 2.6',
    'Which ECDHE curves the server uses: none, strong, ultra, or auto (tls_eecdh_auto_curves).',
  ),
  param(
    'smtpd_tls_dh1024_param_file',
    string,
    '',
    PATCH,
    'DH parameters (PEM) for DHE suites; empty: the built-in ffdhe2048 group.',
  ),
  param(
    'smtpd_tls_dh512_param_file',
    string,
    '',
    PATCH,
    'DH parameters of the export suites; parsed and checked, unused (no export suites).',
  ),
  param(
    'smtpd_tls_session_cache_database',
    tables,
    '',
    PATCH,
    'The shared server session cache (sdbm: of old configurations is served by the embedded database).',
  ),
  param(
    'smtpd_tls_session_cache_timeout',
    time('s', 0),
    '3600s',
    PATCH,
    'How long a cached server session may be resumed.',
  ),
  param(
    'smtpd_tls_always_issue_session_ids',
    boolean,
    'yes',
    'Postfix 2.8',
    'Issue session IDs even without a session cache database.',
  ),
  param(
    'smtpd_tls_fingerprint_digest',
    oneOf(FINGERPRINT_DIGESTS),
    FINGERPRINT_DEFAULT,
    'Postfix 2.5 (sha256 from compatibility level 3.6)',
    'The digest of client certificate fingerprints (relay_clientcerts, check_ccert_access).',
  ),
];
