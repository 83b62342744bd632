// Delivery status notifications as RFC 3464 multipart/report messages
// (RFC 6522), in the words Postfix's bounce(8) uses: "Undelivered Mail
// Returned to Sender", "Delayed Mail (still being retried)", "Successful Mail
// Delivery Report". RFC 3461 §4.3 RET=HDRS returns headers only; delay
// warnings always return headers only, as Postfix does.
import type { QueuedMessage } from '../queue/index.js';

export type DsnKind = 'failure' | 'delay' | 'success';

export interface DsnRecipient {
  readonly address: string;
  readonly orcpt?: string;
  readonly dsnStatus: string;
  readonly diagnostic: string;
}

export interface DsnInput {
  readonly kind: DsnKind;
  readonly message: QueuedMessage;
  readonly recipients: readonly DsnRecipient[];
  /** myhostname */
  readonly reportingMta: string;
  readonly now: Date;
  /** A boundary string; injected so output is reproducible in tests. */
  readonly boundary: string;
  /** bounce_size_limit: at most this many bytes of the original are returned. */
  readonly sizeLimit?: number;
}

const SUBJECT: Record<DsnKind, string> = {
  failure: 'Undelivered Mail Returned to Sender',
  delay: 'Delayed Mail (still being retried)',
  success: 'Successful Mail Delivery Report',
};

const ACTION: Record<DsnKind, string> = {
  failure: 'failed',
  delay: 'delayed',
  success: 'delivered',
};

/** RFC 5322 §3.3 date-time. */
export function rfc5322Date(d: Date): string {
  const days = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
  const months = [
    'Jan',
    'Feb',
    'Mar',
    'Apr',
    'May',
    'Jun',
    'Jul',
    'Aug',
    'Sep',
    'Oct',
    'Nov',
    'Dec',
  ];
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${days[d.getUTCDay()]}, ${d.getUTCDate()} ${months[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}

function explanation(input: DsnInput): string {
  const { kind, reportingMta } = input;
  const intro = `This is the mail system at host ${reportingMta}.\r\n\r\n`;
  if (kind === 'failure')
    return (
      intro +
      "I'm sorry to have to inform you that your message could not\r\nbe delivered to one or more recipients. It's attached below.\r\n"
    );
  if (kind === 'delay')
    return (
      intro +
      '####################################################################\r\n# THIS IS A WARNING ONLY.  YOU DO NOT NEED TO RESEND YOUR MESSAGE. #\r\n####################################################################\r\n\r\nYour message could not be delivered for some time.\r\nIt will be retried until it is too old.\r\n'
    );
  return (
    intro + 'Your message was successfully delivered to the destination(s)\r\nlisted below.\r\n'
  );
}

function perRecipientLines(input: DsnInput): string {
  return input.recipients.map((r) => `<${r.address}>: ${r.diagnostic}\r\n`).join('\r\n');
}

function deliveryStatus(input: DsnInput): string {
  const m = input.message;
  const head = [
    `Reporting-MTA: dns; ${input.reportingMta}`,
    `X-Postfix-Queue-ID: ${m.id}`,
    `X-Postfix-Sender: rfc822; ${m.sender}`,
    `Arrival-Date: ${rfc5322Date(new Date(m.arrivalTime))}`,
  ];
  if (m.envid !== undefined) head.unshift(`Original-Envelope-Id: ${m.envid}`);
  const blocks = input.recipients.map((r) => {
    const lines = [`Final-Recipient: rfc822; ${r.address}`];
    if (r.orcpt !== undefined) lines.push(`Original-Recipient: ${r.orcpt}`);
    lines.push(
      `Action: ${ACTION[input.kind]}`,
      `Status: ${r.dsnStatus}`,
      `Diagnostic-Code: X-Postern; ${r.diagnostic.replace(/[\r\n]+/g, ' ')}`,
    );
    if (input.kind === 'delay')
      lines.push(`Will-Retry-Until: ${rfc5322Date(new Date(input.now.getTime() + 5 * 86400_000))}`);
    return lines.join('\r\n');
  });
  return [head.join('\r\n'), ...blocks].join('\r\n\r\n') + '\r\n';
}

function headerSection(content: Uint8Array): Uint8Array {
  for (let i = 0; i + 3 < content.length; i++) {
    if (
      content[i] === 0x0d &&
      content[i + 1] === 0x0a &&
      content[i + 2] === 0x0d &&
      content[i + 3] === 0x0a
    )
      return content.subarray(0, i + 2);
  }
  return content;
}

function returnedPart(input: DsnInput): { type: string; body: Uint8Array } {
  const full = input.kind === 'failure' && input.message.ret !== 'HDRS';
  if (!full) return { type: 'text/rfc822-headers', body: headerSection(input.message.content) };
  const limit = input.sizeLimit ?? 50000;
  const content = input.message.content;
  return content.length <= limit
    ? { type: 'message/rfc822', body: content }
    : { type: 'text/rfc822-headers', body: headerSection(content) };
}

/** The DSN message, CRLF lines, ready for the queue (sender `<>`, recipient the original sender). */
export function buildDsnMessage(input: DsnInput): Uint8Array {
  const b = input.boundary;
  const returned = returnedPart(input);
  const text = [
    `Date: ${rfc5322Date(input.now)}`,
    `From: MAILER-DAEMON@${input.reportingMta} (Mail Delivery System)`,
    `Subject: ${SUBJECT[input.kind]}`,
    `To: ${input.message.sender}`,
    'Auto-Submitted: auto-replied',
    'MIME-Version: 1.0',
    `Content-Type: multipart/report; report-type=delivery-status;\r\n\tboundary="${b}"`,
    'Content-Transfer-Encoding: 8bit',
    '',
    'This is a MIME-encapsulated message.',
    '',
    `--${b}`,
    'Content-Description: Notification',
    'Content-Type: text/plain; charset=us-ascii',
    '',
    explanation(input) + '\r\n' + perRecipientLines(input),
    `--${b}`,
    'Content-Description: Delivery report',
    'Content-Type: message/delivery-status',
    '',
    deliveryStatus(input),
    `--${b}`,
    `Content-Description: ${returned.type === 'message/rfc822' ? 'Undelivered Message' : 'Undelivered Message Headers'}`,
    `Content-Type: ${returned.type}`,
    '',
    '',
  ].join('\r\n');
  const tail = `\r\n--${b}--\r\n`;
  const enc = new TextEncoder();
  return new Uint8Array(Buffer.concat([enc.encode(text), returned.body, enc.encode(tail)]));
}

/** RFC 3461 §4.1: whether the sender asked for this kind of notice (absent NOTIFY means FAILURE,DELAY). */
export function wantsNotice(notify: readonly string[] | undefined, kind: DsnKind): boolean {
  const want = notify ?? ['FAILURE', 'DELAY'];
  return want.includes(kind === 'failure' ? 'FAILURE' : kind === 'delay' ? 'DELAY' : 'SUCCESS');
}
