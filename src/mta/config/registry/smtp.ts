// The SMTP client: MX handling, connection cache, timeouts, SASL (postconf(5) smtp_*).
import { param, type ParameterDefinition } from '../parameter.js';
import { boolean, integer, list, oneOf, someOf, string, tables, time } from '../parameter-type.js';
import { ORIGINAL } from './mail.js';
import { SASL_SECURITY_OPTIONS } from './smtpd.js';

const saslOptions = someOf(SASL_SECURITY_OPTIONS);

export const smtpParameters: readonly ParameterDefinition[] = [
  param('smtp_helo_name', string, '$myhostname', 'Postfix 2.0 or earlier', 'The name the client sends in HELO or EHLO.'),
  param('smtp_mx_address_limit', integer(0), '5', 'Postfix 2.1', 'The most MX and A addresses tried per delivery (0: no limit).'),
  param('smtp_mx_session_limit', integer(0), '2', 'Postfix 2.1', 'The most SMTP sessions per delivery before giving up or trying the fallback relay.'),
  param('smtp_connection_cache_on_demand', boolean, 'yes', 'Postfix 2.2', 'Cache connections to destinations with a backlog in the active queue.'),
  param('smtp_connection_cache_destinations', list, '', 'Postfix 2.2', 'Destinations whose connections are always cached.'),
  param('smtp_connection_cache_time_limit', time('s'), '2s', 'Postfix 2.2', 'How long an unused cached connection is kept.'),
  param('smtp_connection_reuse_time_limit', time('s'), '300s', 'Postfix 2.3', 'How long a cached connection may be reused at all.'),
  param('smtp_connect_timeout', time('s'), '30s', ORIGINAL, 'The time limit of a TCP connect (0: the system\'s).'),
  param('smtp_helo_timeout', time('s'), '300s', ORIGINAL, 'The time limit of the greeting and the HELO/EHLO reply.'),
  param('smtp_mail_timeout', time('s'), '300s', ORIGINAL, 'The time limit of the MAIL FROM reply.'),
  param('smtp_rcpt_timeout', time('s'), '300s', ORIGINAL, 'The time limit of each RCPT TO reply.'),
  param('smtp_data_init_timeout', time('s'), '120s', ORIGINAL, 'The time limit of the DATA reply.'),
  param('smtp_data_xfer_timeout', time('s'), '180s', ORIGINAL, 'The time limit of each write of message content.'),
  param('smtp_data_done_timeout', time('s'), '600s', ORIGINAL, 'The time limit of the reply to the final dot.'),
  param('smtp_quit_timeout', time('s'), '300s', ORIGINAL, 'The time limit of the QUIT reply.'),
  param('smtp_rset_timeout', time('s'), '20s', 'Postfix 2.1', 'The time limit of the RSET reply.'),
  param('smtp_line_length_limit', integer(0), '998', ORIGINAL, 'Longer message lines are folded when sent (RFC 5322 §2.1.1: 998 characters).'),
  param('smtp_skip_5xx_greeting', boolean, 'yes', ORIGINAL, 'Try the next MX host after a 5xx greeting.'),
  param('smtp_always_send_ehlo', boolean, 'yes', ORIGINAL, 'Send EHLO even when the greeting does not mention ESMTP.'),
  param('smtp_never_send_ehlo', boolean, 'no', ORIGINAL, 'Send HELO, never EHLO.'),
  param('smtp_host_lookup', someOf(['dns', 'native']), 'dns', 'Postfix 2.1', 'How server addresses are found: DNS, the system resolver, or both.'),
  param('smtp_dns_servers', list, '', 'postern (no Postfix counterpart)', 'DNS servers (address or address:port) for MX and address lookups; empty: the system\'s resolvers (Postfix always uses the system\'s).'),
  param('smtp_address_preference', oneOf(['ipv4', 'ipv6', 'any']), 'any', 'Postfix 2.8', 'Which address family is tried first.'),
  param('smtp_randomize_addresses', boolean, 'yes', 'Postfix 2.1', 'Shuffle server addresses of equal preference.'),
  param('smtp_bind_address', string, '', ORIGINAL, 'The local IPv4 address of outgoing connections.'),
  param('smtp_bind_address6', string, '', 'Postfix 2.2', 'The local IPv6 address of outgoing connections.'),
  param('smtp_tcp_port', string, 'smtp', 'Postfix 2.0 or earlier', 'The server port when the next hop names none (a number or /etc/services name).'),
  // $fallback_relay: the pre-2.3 name, no longer a parameter of its own, still honoured when set.
  param('smtp_fallback_relay', list, '$fallback_relay', 'Postfix 2.3', 'Hosts tried when the destination\'s own hosts fail.'),
  param('smtp_generic_maps', tables, '', 'Postfix 2.2', 'Address rewriting of mail leaving through the SMTP client.'),
  param('smtp_sasl_auth_enable', boolean, 'no', 'Postfix 2.0 or earlier', 'Authenticate to servers with SMTP AUTH.'),
  param('smtp_sasl_type', string, 'cyrus', 'Postfix 2.3', 'The SASL implementation the client uses.'),
  param('smtp_sasl_path', string, '', 'Postfix 2.3', 'The SASL implementation\'s configuration name or socket path.'),
  param('smtp_sasl_password_maps', tables, '', 'Postfix 2.0 or earlier', 'user:password by next hop or server host (and sender, with sender-dependent authentication).'),
  param('smtp_sasl_security_options', saslOptions, 'noplaintext, noanonymous', 'Postfix 2.0 or earlier', 'Which SASL mechanisms the client may use without TLS.'),
  param('smtp_sasl_tls_security_options', saslOptions, '$smtp_sasl_security_options', 'Postfix/TLS patch', 'Which SASL mechanisms the client may use inside TLS.'),
  param('smtp_sasl_tls_verified_security_options', saslOptions, '$smtp_sasl_tls_security_options', 'Postfix/TLS patch', 'Which SASL mechanisms the client may use inside TLS with a verified server.'),
  param('smtp_sasl_mechanism_filter', list, '', 'Postfix 2.2', 'Which server-offered mechanisms the client considers.'),
  param('smtp_sasl_auth_soft_bounce', boolean, 'yes', 'Postfix 2.5', 'Defer, not bounce, mail after an authentication failure.'),
  param('smtp_sasl_auth_cache_name', string, '', 'Postfix 2.5', 'A table remembering failed logins, so passwords known bad are not retried.'),
  param('smtp_sasl_auth_cache_time', time('d'), '90d', 'Postfix 2.5', 'How long a failed login is remembered.'),
];
