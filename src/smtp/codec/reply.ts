// SMTP replies (RFC 5321 §4.2) with RFC 3463 enhanced status codes (RFC 2034 §3).

/** One reply: a three-digit code, an optional enhanced code and one or more text lines. */
export interface Reply {
  readonly code: number;
  /** RFC 3463 class.subject.detail, e.g. `2.1.0`; absent for the greeting and EHLO lines (as Postfix). */
  readonly enhanced?: string;
  readonly lines: readonly string[];
}

/** A problem in a reply we are asked to send or parse (a bug or a peer's bad reply). */
export class ReplyError extends Error {
  override readonly name = 'ReplyError';
}

const ENHANCED = /^[245]\.\d{1,3}\.\d{1,3}$/;

/** Builds a reply, checking the code and that the enhanced code's class matches (RFC 3463 §3.1). */
export function reply(code: number, enhanced: string | undefined, ...lines: string[]): Reply {
  checkReply(code, enhanced, lines);
  return enhanced === undefined ? { code, lines } : { code, enhanced, lines };
}

function checkReply(code: number, enhanced: string | undefined, lines: readonly string[]): void {
  if (!Number.isInteger(code) || code < 200 || code > 599)
    throw new ReplyError(`reply code ${code} is not 2yz–5yz`);
  if (enhanced !== undefined) {
    if (!ENHANCED.test(enhanced)) throw new ReplyError(`bad enhanced status code ${enhanced}`);
    if (enhanced[0] !== String(code)[0] && code !== 354 && code !== 334)
      throw new ReplyError(`enhanced code ${enhanced} does not match ${code}`);
  }
  if (lines.length === 0) throw new ReplyError('a reply has at least one line');
  for (const l of lines) if (/[\r\n]/.test(l)) throw new ReplyError('reply text with CR or LF');
}

/** A reply's text as one string (the lines joined by spaces), for logs. */
export function replyText(r: Reply): string {
  const prefix = r.enhanced === undefined ? '' : `${r.enhanced} `;
  return `${r.code} ${prefix}${r.lines.join(' ')}`;
}

/** True for 4yz and 5yz replies (what smtpd counts as errors). */
export function isErrorReply(r: Reply): boolean {
  return r.code >= 400;
}
