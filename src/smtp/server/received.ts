// The Received header (RFC 5321 §4.4), as Postfix's smtpd writes it,
// with smtpd_tls_received_header's TLS clause and RFC 3848 protocol names.
import type { ReceivedMessage } from './events.js';
import { cipherClause, commonName, kexClause } from './tls-summary.js';

export interface ReceivedOptions {
  myhostname: string;
  /** mail_name, in `by HOST (NAME)`. */
  mailName: string;
  queueId: string;
  /** smtpd_tls_received_header. */
  tlsReceivedHeader: boolean;
  /** smtpd_tls_ask_ccert: decides between "No client certificate requested" and "Client did not present a certificate". */
  askCcert: boolean;
}

/**
 * The header, folded as Postfix folds it (continuation lines start with a
 * tab), ending in CRLF:
 *
 *     Received: from helo (name [addr])
 *     	(using TLSv1.3 with cipher … (256/256 bits)
 *     	 key-exchange X25519 server-signature … server-digest SHA256)
 *     	(No client certificate requested)
 *     	by myhostname (postern) with ESMTPS id QUEUEID
 *     	for <rcpt>; Wed,  2 Dec 2026 18:00:00 +0000 (UTC)
 */
export function formatReceived(m: ReceivedMessage, o: ReceivedOptions): string {
  const lines = [
    `Received: from ${m.helo ?? m.client.name} (${m.client.name} [${m.client.address}])`,
  ];
  if (o.tlsReceivedHeader && m.tls !== undefined) lines.push(...tlsLines(m, o.askCcert));
  lines.push(`\tby ${o.myhostname} (${o.mailName}) with ${m.protocol} id ${o.queueId}`);
  // Postfix names the recipient only when there is exactly one (privacy).
  const only = m.recipients.length === 1 ? m.recipients[0] : undefined;
  const date = rfc5322Date(m.receivedAt);
  if (only !== undefined) lines.push(`\tfor <${only.address}>; ${date}`);
  else lines[lines.length - 1] += `; ${date}`;
  return lines.join('\r\n') + '\r\n';
}

function tlsLines(m: ReceivedMessage, askCcert: boolean): string[] {
  const t = m.tls;
  if (t === undefined) return [];
  const kex = kexClause(t);
  const using =
    kex === '' ? [`\t(using ${cipherClause(t)})`] : [`\t(using ${cipherClause(t)}`, `\t ${kex})`];
  const leaf = t.peerCertificates[0];
  let cert: string;
  if (leaf !== undefined) {
    cert = `\t(Client CN "${commonName(leaf.subject)}", Issuer "${commonName(leaf.issuer)}" (${t.peerVerified ? 'verified OK' : 'not verified'}))`;
  } else
    cert = askCcert
      ? '\t(Client did not present a certificate)'
      : '\t(No client certificate requested)';
  return [...using, cert];
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 §3.3 date in UTC, the day padded with a space as Postfix's mail_date (`%e`). */
export function rfc5322Date(d: Date): string {
  const p2 = (n: number): string => String(n).padStart(2, '0');
  const day = String(d.getUTCDate()).padStart(2, ' ');
  const time = `${p2(d.getUTCHours())}:${p2(d.getUTCMinutes())}:${p2(d.getUTCSeconds())}`;
  return `${DAYS[d.getUTCDay()]}, ${day} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${time} +0000 (UTC)`;
}
