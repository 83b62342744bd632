// Local and virtual delivery, address rewriting and the postmaster's notices
// (postconf(5): local(8), virtual(8), cleanup(8) parameters).
import { param, type ParameterDefinition } from '../parameter.js';
import { boolean, integer, list, size, someOf, string, tables } from '../parameter-type.js';
import { ORIGINAL } from './mail.js';

const deliveryClasses = someOf(['alias', 'forward', 'include']);

export const deliveryParameters: readonly ParameterDefinition[] = [
  param('mailbox_command', string, '', ORIGINAL, 'A command that delivers to the mailbox instead of local(8) itself (procmail, for example).'),
  param('mailbox_command_maps', tables, '', 'Postfix 2.0 or earlier', 'mailbox_command by user.'),
  param('mailbox_transport', string, '', ORIGINAL, 'A transport that receives local mailbox deliveries instead.'),
  param('mailbox_transport_maps', tables, '', 'Postfix 2.3', 'mailbox_transport by recipient.'),
  param('mailbox_size_limit', size, '51200000', ORIGINAL, 'The largest a mailbox file or message file may grow, in bytes (0: no limit).'),
  param('mailbox_delivery_lock', someOf(['fcntl', 'flock', 'dotlock']), 'fcntl, dotlock', 'Postfix 2.0 or earlier', 'How a mailbox file is locked for delivery.'),
  param('luser_relay', string, '', ORIGINAL, 'Where mail for unknown local recipients goes (empty: it bounces).'),
  param('allow_mail_to_commands', deliveryClasses, 'alias, forward', ORIGINAL, 'Which local deliveries may pipe to a command.'),
  param('allow_mail_to_files', deliveryClasses, 'alias, forward', ORIGINAL, 'Which local deliveries may append to a file.'),
  param('local_command_shell', string, '', 'Postfix 2.0 or earlier', 'The shell of command deliveries (empty: run directly, or /bin/sh for shell syntax).'),
  param('forward_path', list, '$home/.forward${recipient_delimiter}${extension}, $home/.forward', 'Postfix 2.0 or earlier', 'Where local(8) looks for .forward files.'),
  param('owner_request_special', boolean, 'yes', ORIGINAL, 'Treat owner-list and list-request addresses specially.'),
  param('expand_owner_alias', boolean, 'no', ORIGINAL, 'Send mail for owner-list to the owner-list alias, not its expansion.'),
  param('prepend_delivered_header', someOf(['command', 'file', 'forward']), 'command, file, forward', ORIGINAL, 'Which local deliveries get a Delivered-To: header.'),
  param('propagate_unmatched_extensions', someOf(['canonical', 'virtual', 'alias', 'forward', 'include']), 'canonical, virtual', 'Postfix 2.0 or earlier', 'Where an address extension is kept when the rewritten address has none.'),
  param('enable_original_recipient', boolean, 'yes', 'Postfix 2.1', 'Keep the original recipient address for bounces and logging.'),
  param('show_user_unknown_table_name', boolean, 'yes', 'Postfix 2.1', 'Name the recipient table in "User unknown" replies.'),
  param('virtual_mailbox_base', string, '', ORIGINAL, 'The directory prefix of virtual_mailbox_maps paths.'),
  param('virtual_mailbox_limit', size, '51200000', ORIGINAL, 'The largest a virtual mailbox may grow, in bytes.'),
  param('virtual_minimum_uid', integer(1), '100', ORIGINAL, 'The lowest user ID virtual(8) delivers as.'),
  param('virtual_uid_maps', tables, '', ORIGINAL, 'The user ID of each virtual mailbox.'),
  param('virtual_gid_maps', tables, '', ORIGINAL, 'The group ID of each virtual mailbox.'),
  param('canonical_classes', someOf(['envelope_sender', 'envelope_recipient', 'header_sender', 'header_recipient']), 'envelope_sender, envelope_recipient, header_sender, header_recipient', 'Postfix 2.2', 'Which addresses canonical_maps rewrites.'),
  param('sender_canonical_maps', tables, '', ORIGINAL, 'Rewriting of sender addresses.'),
  param('recipient_canonical_maps', tables, '', ORIGINAL, 'Rewriting of recipient addresses.'),
  param('relocated_maps', tables, '', ORIGINAL, 'Addresses that moved, answered with their new address.'),
  param('always_bcc', string, '', ORIGINAL, 'An address that gets a blind copy of every message.'),
  param('sender_bcc_maps', tables, '', 'Postfix 2.1', 'Blind copies by sender.'),
  param('recipient_bcc_maps', tables, '', 'Postfix 2.1', 'Blind copies by recipient.'),
  param('local_header_rewrite_clients', list, 'permit_inet_interfaces', 'Postfix 2.2', 'Clients whose message headers are rewritten to the local domain.'),
  param('remote_header_rewrite_domain', string, '', 'Postfix 2.2', 'The domain added to incomplete header addresses of other clients (empty: none).'),
  param('double_bounce_sender', string, 'double-bounce', ORIGINAL, 'The sender of postmaster notices, whose bounces are discarded.'),
  param('empty_address_recipient', string, 'MAILER-DAEMON', ORIGINAL, 'Where mail to the null address goes.'),
  param('bounce_notice_recipient', string, 'postmaster', ORIGINAL, 'Who receives notices of bounces (notify_classes bounce).'),
  param('2bounce_notice_recipient', string, 'postmaster', ORIGINAL, 'Who receives undeliverable bounces (notify_classes 2bounce).'),
  param('delay_notice_recipient', string, 'postmaster', 'Postfix 2.0 or earlier', 'Who receives delay notices (notify_classes delay).'),
  param('error_notice_recipient', string, 'postmaster', ORIGINAL, 'Who receives protocol and policy error notices.'),
  param('qmgr_message_active_limit', integer(1), '20000', ORIGINAL, 'The most messages in the active queue.'),
  param('qmgr_message_recipient_limit', integer(1), '20000', ORIGINAL, 'The most in-memory recipients of all messages.'),
];
