// The reply codes and actions of the SMTP server's restrictions, and the
// anvil rate-limit clock behind smtpd_client_*_rate_limit (postconf(5)).
import { param, type ParameterDefinition } from '../parameter.js';
import { integer, list, oneOf, string, tables, time } from '../parameter-type.js';
import { ORIGINAL } from './mail.js';

const replyCode = integer(400, 599);
/** What a restriction does when a lookup fails temporarily (postconf(5) reject_tempfail_action). */
const tempfailAction = oneOf(['defer', 'defer_if_permit']);
const VIA_TEMPFAIL = '$reject_tempfail_action';

export const smtpdAccessParameters: readonly ParameterDefinition[] = [
  param('reject_code', replyCode, '554', ORIGINAL, 'The reply code of the reject restriction.'),
  param('defer_code', replyCode, '450', 'Postfix 2.0 or earlier', 'The reply code of the defer restrictions.'),
  param('access_map_reject_code', replyCode, '554', ORIGINAL, 'The reply code of REJECT in an access table.'),
  param('access_map_defer_code', replyCode, '450', 'Postfix 2.6', 'The reply code of DEFER in an access table.'),
  param('invalid_hostname_reject_code', replyCode, '501', ORIGINAL, 'The reply code of reject_invalid_helo_hostname.'),
  param('non_fqdn_reject_code', replyCode, '504', ORIGINAL, 'The reply code of the reject_non_fqdn_* restrictions.'),
  param('unknown_address_reject_code', replyCode, '450', ORIGINAL, 'The reply code of reject_unknown_sender_domain and reject_unknown_recipient_domain.'),
  param('unknown_hostname_reject_code', replyCode, '450', ORIGINAL, 'The reply code of reject_unknown_helo_hostname.'),
  param('unknown_relay_recipient_reject_code', replyCode, '550', 'Postfix 2.0', 'The reply code for a recipient relay_recipient_maps does not list.'),
  param('unknown_virtual_alias_reject_code', replyCode, '550', 'Postfix 2.0', 'The reply code for an unknown virtual alias recipient.'),
  param('unknown_virtual_mailbox_reject_code', replyCode, '550', 'Postfix 2.0', 'The reply code for an unknown virtual mailbox recipient.'),
  param('maps_rbl_reject_code', replyCode, '554', ORIGINAL, 'The reply code of a DNS blocklist match.'),
  param('plaintext_reject_code', replyCode, '450', 'Postfix 2.3', 'The reply code when plaintext authentication is refused.'),
  param('multi_recipient_bounce_reject_code', replyCode, '550', 'Postfix 2.1', 'The reply code of reject_multi_recipient_bounce.'),
  param('unverified_sender_reject_code', replyCode, '450', 'Postfix 2.1', 'The reply code of reject_unverified_sender when the address bounces.'),
  param('unverified_sender_defer_code', replyCode, '450', 'Postfix 2.6', 'The reply code of reject_unverified_sender when the probe is pending.'),
  param('unverified_sender_reject_reason', string, '', 'Postfix 2.6', 'The text of the reject_unverified_sender reply.'),
  param('unverified_recipient_reject_code', replyCode, '450', 'Postfix 2.1', 'The reply code of reject_unverified_recipient when the address bounces.'),
  param('unverified_recipient_defer_code', replyCode, '450', 'Postfix 2.6', 'The reply code of reject_unverified_recipient when the probe is pending.'),
  param('unverified_recipient_reject_reason', string, '', 'Postfix 2.6', 'The text of the reject_unverified_recipient reply.'),
  param('reject_tempfail_action', tempfailAction, 'defer_if_permit', 'Postfix 2.6', 'What a restriction does when a lookup fails temporarily.'),
  param('unknown_address_tempfail_action', tempfailAction, VIA_TEMPFAIL, 'Postfix 2.6', 'The tempfail action of reject_unknown_*_domain.'),
  param('unknown_helo_hostname_tempfail_action', tempfailAction, VIA_TEMPFAIL, 'Postfix 2.6', 'The tempfail action of reject_unknown_helo_hostname.'),
  param('unverified_sender_tempfail_action', tempfailAction, VIA_TEMPFAIL, 'Postfix 2.6', 'The tempfail action of reject_unverified_sender.'),
  param('unverified_recipient_tempfail_action', tempfailAction, VIA_TEMPFAIL, 'Postfix 2.6', 'The tempfail action of reject_unverified_recipient.'),
  param('address_verify_map', tables, 'btree:$data_directory/verify_cache', 'Postfix 2.1', 'The cache of address verification results.'),
  param('smtpd_client_event_limit_exceptions', list, '${smtpd_client_connection_limit_exceptions:$mynetworks}', 'Postfix 2.2', 'Clients exempt from the smtpd_client_*_limit counts and rates.'),
  param('anvil_rate_time_unit', time('s'), '60s', 'Postfix 2.2', 'The time unit of the smtpd_client_*_rate_limit rates.'),
  param('anvil_status_update_time', time('s'), '600s', 'Postfix 2.2', 'How often the connection and rate statistics are logged.'),
  param('smtpd_policy_service_timeout', time('s'), '100s', 'Postfix 2.1', 'The time limit of a policy service request.'),
  param('smtpd_log_access_permit_actions', list, '', 'Postfix 2.10', 'Which permit actions are logged like rejects.'),
  param('smtpd_command_filter', tables, '', 'Postfix 2.7', 'A table rewriting SMTP commands before the server parses them.'),
];
