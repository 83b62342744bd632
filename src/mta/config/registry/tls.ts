// TLS settings shared by server and client (postconf(5) tls_*).
import { param, type ParameterDefinition } from '../parameter.js';
import { boolean, list, oneOf, string, tables } from '../parameter-type.js';

export const tlsParameters: readonly ParameterDefinition[] = [
  param('tls_high_cipherlist', string, 'aNULL:-aNULL:HIGH:@STRENGTH', 'Postfix 2.3', 'The cipher list of the "high" grade (OpenSSL syntax).'),
  param('tls_medium_cipherlist', string, 'aNULL:-aNULL:HIGH:MEDIUM:+RC4:@STRENGTH', 'Postfix 2.3', 'The cipher list of the "medium" grade (OpenSSL syntax).'),
  param('tls_low_cipherlist', string, 'aNULL:-aNULL:HIGH:MEDIUM:LOW:+RC4:@STRENGTH', 'Postfix 2.3', 'The cipher list of the "low" grade (OpenSSL syntax).'),
  param('tls_export_cipherlist', string, 'aNULL:-aNULL:HIGH:MEDIUM:LOW:EXPORT:+RC4:@STRENGTH', 'Postfix 2.3', 'The cipher list of the "export" grade (OpenSSL syntax).'),
  param('tls_null_cipherlist', string, 'eNULL:!aNULL', 'Postfix 2.3', 'The cipher list of the "null" grade (no encryption).'),
  param('tls_eecdh_auto_curves', list, 'X25519 X448 prime256v1 secp521r1 secp384r1', 'Postfix 3.2', 'The ECDHE curves of the "auto" grade, in preference order.'),
  param('tls_eecdh_strong_curve', string, 'prime256v1', 'Postfix 2.6', 'The ECDHE curve of the "strong" grade.'),
  param('tls_eecdh_ultra_curve', string, 'secp384r1', 'Postfix 2.6', 'The ECDHE curve of the "ultra" grade.'),
  param('tls_preempt_cipherlist', boolean, 'no', 'Postfix 2.8', 'The server picks the cipher by its own preference, not the client\'s.'),
  param('tls_server_sni_maps', tables, '', 'Postfix 3.4', 'Key and certificate chain files by the server name the client asks for (SNI).'),
  param('tls_session_ticket_cipher', oneOf(['aes-256-cbc', 'aes-128-cbc'], true), 'aes-256-cbc', 'Postfix 2.11', 'The cipher protecting session tickets (empty: no tickets).'),
  param('tls_ssl_options', list, '', 'Postfix 2.11', 'Extra TLS library option names or a hexadecimal mask.'),
  param('tls_disable_workarounds', list, '', 'Postfix 2.11', 'TLS library bug workarounds to turn off.'),
  param('tls_append_default_CA', boolean, 'no', 'Postfix 2.4', 'Also trust the system\'s default CA certificates.'),
  param('tls_wildcard_matches_multiple_labels', boolean, 'yes', 'Postfix 2.11', 'Let a certificate\'s *.domain match names several labels deep.'),
  param('tls_legacy_public_key_fingerprints', boolean, 'no', 'Postfix 2.9', 'Compute public-key fingerprints over the whole certificate\'s key encoding as Postfix 2.9.0-2.9.5 did.'),
  param('tls_fast_shutdown_enable', boolean, 'yes', 'Postfix 2.11', 'Do not wait for the peer\'s close_notify.'),
  param('tls_dane_digests', list, 'sha512 sha256', 'Postfix 2.11', 'The digests DANE TLSA records may use, strongest first.'),
  param('tlsmgr_service_name', string, 'tlsmgr', 'Postfix 2.11', 'The master.cf name of the tlsmgr service.'),
];
