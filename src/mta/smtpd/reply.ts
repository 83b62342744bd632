// smtpd_check_reject(): how a restriction's rejection becomes one SMTP reply.
// The enhanced code's class follows the reply code's first digit, an
// address-specific detail (X.1.Y) is fixed for the thing rejected
// (smtpd_dsn_fix.c), and the text is cut to 510 octets of printable ASCII.

/** The "reply_class" names of smtpd_dsn_fix.h, which the texts quote. */
export const REPLY_CLASS = {
  client: 'Client host',
  saslUser: 'SASL login name',
  ccert: 'Client certificate',
  helo: 'Helo command',
  sender: 'Sender address',
  recipient: 'Recipient address',
  data: 'Data command',
  eod: 'End-of-data',
} as const;

export type ReplyClass = (typeof REPLY_CLASS)[keyof typeof REPLY_CLASS];

export interface Reply {
  readonly code: number;
  readonly enhanced: string;
  readonly text: string;
}

export const SERVER_CONFIGURATION_ERROR: Reply = {
  code: 451,
  enhanced: '4.3.5',
  text: 'Server configuration error',
};
// Postfix: a bad reply code or DSN in the configuration becomes this, and a warning.
const SERVICE_UNAVAILABLE: Reply = { code: 450, enhanced: '4.7.1', text: 'Service unavailable' };

const SENDER_DSN: Record<string, string> = {
  '1': '4.1.8',
  '2': '4.1.8',
  '3': '4.1.7',
  '4': '4.1.8',
  '5': '4.1.0',
  '6': '4.1.8',
  '7': '4.1.7',
  '8': '4.1.8',
};
const RECIPIENT_DSN: Record<string, string> = {
  '1': '4.1.1',
  '2': '4.1.2',
  '3': '4.1.3',
  '4': '4.1.4',
  '5': '4.1.5',
  '6': '4.1.6',
  '7': '4.1.3',
  '8': '4.1.2',
};

/** smtpd_dsn_fix(): an address DSN (X.1.Y) rewritten for what is being rejected. */
export function fixDsn(dsn: string, replyClass: ReplyClass): string {
  const m = /^(\d)\.1\.(\d{1,3})$/.exec(dsn);
  if (m === null) return dsn;
  if (replyClass === REPLY_CLASS.sender) return SENDER_DSN[m[2] as string] ?? '4.1.0';
  if (replyClass === REPLY_CLASS.recipient) return RECIPIENT_DSN[m[2] as string] ?? '4.1.0';
  return '4.0.0';
}

const DSN = /^[245]\.\d{1,3}\.\d{1,3}$/;

/** Postfix dsn_split(): text that starts with a DSN gives it, else the default. */
export function splitDsn(defaultDsn: string, text: string): { dsn: string; text: string } {
  const m = /^([245]\.\d{1,3}\.\d{1,3})(?:\s+|$)(.*)$/s.exec(text);
  return m === null ? { dsn: defaultDsn, text } : { dsn: m[1] as string, text: m[2] as string };
}

/** printable(…, ' ') and vstring_truncate(…, 510) of the whole "code dsn text" line. */
function cleanText(code: number, dsn: string, text: string): string {
  const printable = text.replace(/[^\x20-\x7e]/g, ' ');
  const room = 510 - `${code} ${dsn} `.length;
  return printable.slice(0, Math.max(0, room));
}

/** The reply smtpd sends, or the generic 450 when the configured code or DSN is bad (plus a warning). */
export function makeReply(
  code: number,
  dsn: string,
  text: string,
  warn: (message: string) => void,
): Reply {
  if (!Number.isInteger(code) || code < 400 || code > 599) {
    warn(`SMTP reply code configuration error: ${code} ${dsn} ${text}`);
    return SERVICE_UNAVAILABLE;
  }
  if (!DSN.test(dsn)) {
    warn(`DSN detail code configuration error: ${code} ${dsn} ${text}`);
    return SERVICE_UNAVAILABLE;
  }
  // The DSN class is the reply code's first digit.
  const enhanced = `${String(code)[0]}${dsn.slice(1)}`;
  return { code, enhanced, text: cleanText(code, enhanced, text) };
}
