// postcat(1) output for a queue file: envelope records, the message, then
// the records the queue manager appended, in the section layout Postfix's
// postcat prints (`*** ENVELOPE RECORDS deferred/ID ***`, `*** MESSAGE
// CONTENTS … ***`, `*** HEADER EXTRACTED … ***`, `*** MESSAGE FILE END … ***`).
import type { QueuedMessage } from './message.js';
import type { QueueName } from './queue-names.js';

function asctime(ms: number): string {
  return new Date(ms).toString().replace(/ GMT.*$/, '');
}

export function formatPostcat(queue: QueueName, message: QueuedMessage): string {
  const name = `${queue}/${message.id}`;
  const lines = [
    `*** ENVELOPE RECORDS ${name} ***`,
    `message_arrival_time: ${asctime(message.arrivalTime)}`,
  ];
  if (message.client !== undefined) {
    lines.push(
      `named_attribute: client_name=${message.client.name}`,
      `named_attribute: client_address=${message.client.address}`,
    );
    if (message.client.helo !== undefined)
      lines.push(`named_attribute: helo_name=${message.client.helo}`);
    lines.push(`named_attribute: protocol_name=${message.client.protocol}`);
    if (message.client.saslUser !== undefined)
      lines.push(`named_attribute: sasl_username=${message.client.saslUser}`);
    if (message.client.tls !== undefined)
      lines.push(
        `named_attribute: tls_protocol=${message.client.tls.protocol}`,
        `named_attribute: tls_cipher=${message.client.tls.cipher}`,
      );
  }
  if (message.envid !== undefined) lines.push(`dsn_envelope_id: ${message.envid}`);
  if (message.ret !== undefined) lines.push(`dsn_ret_flags: ${message.ret}`);
  lines.push(`sender: ${message.sender}`);
  for (const r of message.recipients) {
    if (r.orcpt !== undefined) lines.push(`original_recipient: ${r.orcpt}`);
    if (r.notify !== undefined)
      lines.push(`dsn_notify_flags: ${r.notify.length === 0 ? 'NEVER' : r.notify.join(',')}`);
    lines.push(`recipient: ${r.address}`);
  }
  lines.push(`*** MESSAGE CONTENTS ${name} ***`);
  const body = new TextDecoder().decode(message.content).replace(/\r\n/g, '\n').replace(/\n$/, '');
  lines.push(body);
  lines.push(`*** HEADER EXTRACTED ${name} ***`);
  for (const d of message.deferrals) lines.push(`deferred: ${asctime(d.time)}: ${d.reason}`);
  for (const r of message.results)
    lines.push(
      `done_recipient: ${message.recipients[r.index]?.address ?? r.index}: ${r.status} ${r.dsnStatus} (${r.diagnostic})`,
    );
  if (message.warned) lines.push('delay_warning_sent: yes');
  lines.push(`*** MESSAGE FILE END ${name} ***`);
  return lines.join('\n') + '\n';
}
