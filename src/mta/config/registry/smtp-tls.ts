// The SMTP client's TLS (postconf(5) smtp_tls_*, and the Postfix/TLS patch
// names the seed uses: smtp_use_tls, smtp_enforce_tls, smtp_tls_per_site).
import { param, type ParameterDefinition } from '../parameter.js';
import { boolean, cipherGrade, integer, list, oneOf, string, tables, time, tlsProtocols } from '../parameter-type.js';
import { FINGERPRINT_DEFAULT, FINGERPRINT_DIGESTS } from './smtpd-tls.js';

const PATCH = 'Postfix/TLS patch';

/** smtp_tls_security_level (Postfix 2.3; dane 2.11): TLS_README "Client TLS security levels". */
export const SMTP_SECURITY_LEVELS = ['none', 'may', 'encrypt', 'dane', 'dane-only', 'fingerprint', 'verify', 'secure'];

export const smtpTlsParameters: readonly ParameterDefinition[] = [
  param('smtp_use_tls', boolean, 'no', PATCH, 'Use STARTTLS when the server offers it (smtp_tls_security_level = may takes precedence when set).'),
  param('smtp_enforce_tls', boolean, 'no', PATCH, 'Deliver only over TLS with a verified server certificate (smtp_tls_security_level = verify/encrypt).'),
  param('smtp_tls_enforce_peername', boolean, 'yes', PATCH, 'With smtp_enforce_tls, require the server name to match its certificate.'),
  param('smtp_tls_security_level', oneOf(SMTP_SECURITY_LEVELS, true), '', 'Postfix 2.3', 'The default client TLS security level; when set it overrides smtp_use_tls and smtp_enforce_tls.'),
  param('smtp_tls_per_site', tables, '', PATCH, 'Per next-hop and per MX host TLS policy: NONE, MAY, MUST or MUST_NOPEERMATCH.'),
  param('smtp_tls_policy_maps', tables, '', 'Postfix 2.3', 'Per-destination TLS security level and options (supersedes smtp_tls_per_site).'),
  param('smtp_tls_wrappermode', boolean, 'no', 'Postfix 3.0', 'Speak TLS from the first byte (port 465) instead of STARTTLS.'),
  param('smtp_tls_cert_file', string, '', PATCH, 'The RSA client certificate in PEM (empty: none is presented).'),
  param('smtp_tls_key_file', string, '$smtp_tls_cert_file', PATCH, 'The RSA client private key in PEM.'),
  param('smtp_tls_dcert_file', string, '', PATCH, 'The DSA client certificate in PEM.'),
  param('smtp_tls_dkey_file', string, '$smtp_tls_dcert_file', PATCH, 'The DSA client private key in PEM.'),
  param('smtp_tls_eccert_file', string, '', 'Postfix 2.6', 'The ECDSA client certificate in PEM.'),
  param('smtp_tls_eckey_file', string, '$smtp_tls_eccert_file', 'Postfix 2.6', 'The ECDSA client private key in PEM.'),
  param('smtp_tls_chain_files', list, '', 'Postfix 3.4', 'Files of client keys each followed by its certificate chain.'),
  param('smtp_tls_CAfile', string, '', PATCH, 'Trusted CA certificates in PEM for server verification.'),
  param('smtp_tls_CApath', string, '', PATCH, 'A directory of trusted CA certificates hashed by c_rehash.'),
  param('smtp_tls_trust_anchor_file', list, '', 'Postfix 2.11', 'Trust anchor files (certificates or public keys) for the secure and verify levels.'),
  param('smtp_tls_scert_verifydepth', integer(1), '9', PATCH, 'The longest server certificate chain verified (the patch\'s default was 5).'),
  param('smtp_tls_loglevel', integer(0), '0', PATCH, 'TLS logging: 0 none, 1 certificates, 2 negotiation, 3 and 4 hex dumps.'),
  param('smtp_tls_note_starttls_offer', boolean, 'no', PATCH, 'Log the servers that offer STARTTLS when TLS is not used with them.'),
  param('smtp_starttls_timeout', time('s'), '300s', PATCH, 'The time limit of each read and write of the TLS handshake and shutdown.'),
  param('smtp_tls_cipherlist', string, '', `${PATCH} (replaced by smtp_tls_ciphers in Postfix 2.3)`, 'An OpenSSL cipher list for the client (empty: the built-in default).'),
  param('smtp_tls_ciphers', cipherGrade, 'medium', 'Postfix 2.6', 'The cipher grade of opportunistic TLS.'),
  param('smtp_tls_mandatory_ciphers', cipherGrade, 'medium', 'Postfix 2.3', 'The cipher grade at the mandatory levels.'),
  param('smtp_tls_exclude_ciphers', list, '', 'Postfix 2.3', 'Ciphers or cipher types left out at every grade.'),
  param('smtp_tls_mandatory_exclude_ciphers', list, '', 'Postfix 2.3', 'Ciphers or cipher types left out at the mandatory levels.'),
  param('smtp_tls_protocols', tlsProtocols, '>=TLSv1', 'Postfix 2.6', 'The TLS protocols of opportunistic TLS.'),
  param('smtp_tls_mandatory_protocols', tlsProtocols, '>=TLSv1', 'Postfix 2.3', 'The TLS protocols at the mandatory levels.'),
  param('smtp_tls_session_cache_database', tables, '', PATCH, 'The shared client session cache (sdbm: of old configurations is served by the embedded database).'),
  param('smtp_tls_session_cache_timeout', time('s', 0), '3600s', PATCH, 'How long a cached client session may be reused.'),
  param('smtp_tls_fingerprint_digest', oneOf(FINGERPRINT_DIGESTS), FINGERPRINT_DEFAULT, 'Postfix 2.5 (sha256 from compatibility level 3.6)', 'The digest of server certificate fingerprints at the fingerprint level.'),
  param('smtp_tls_fingerprint_cert_match', list, '', 'Postfix 2.5', 'The certificate or public-key fingerprints accepted at the fingerprint level.'),
  param('smtp_tls_verify_cert_match', list, 'hostname', 'Postfix 2.5', 'How the server certificate must name the server at the verify level (hostname, nexthop, dot-nexthop, domains).'),
  param('smtp_tls_secure_cert_match', list, 'nexthop, dot-nexthop', 'Postfix 2.5', 'How the server certificate must name the server at the secure level.'),
  param('smtp_tls_servername', string, '', 'Postfix 3.4', 'The SNI name sent: empty for none, hostname, nexthop, or a literal name.'),
  param('smtp_tls_block_early_mail_reply', boolean, 'no', 'Postfix 2.7', 'Treat a reply that arrives before MAIL FROM was sent as an attack (CVE-2009-3555 era defence).'),
  param('smtp_tls_connection_reuse', boolean, 'no', 'Postfix 3.4', 'Reuse TLS connections through tlsproxy and the connection cache.'),
  param('smtp_tls_dane_insecure_mx_policy', oneOf(['dane', 'may', 'encrypt']), '${{$smtp_tls_security_level} == {dane} ? {dane} : {may}}', 'Postfix 3.6', 'The level for an MX host found without DNSSEC while the destination is at the dane level.'),
];
