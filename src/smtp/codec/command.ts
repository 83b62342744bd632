// SMTP command lines (RFC 5321 §4.1.1) and the ESMTP parameters of MAIL and
// RCPT: SIZE (RFC 1870), BODY (RFC 6152), SMTPUTF8 (RFC 6531), RET/ENVID and
// NOTIFY/ORCPT (RFC 3461), AUTH= (RFC 4954 §5).
import { parsePath } from './path.js';
import type { Reply } from './reply.js';
import { reply } from './reply.js';

export interface MailParams {
  size?: number;
  body?: '7BIT' | '8BITMIME';
  smtputf8?: boolean;
  ret?: 'FULL' | 'HDRS';
  envid?: string;
  /** RFC 4954 §5: the xtext-decoded AUTH= mailbox, '' for `<>`. */
  auth?: string;
}

export interface RcptParams {
  notify?: readonly ('NEVER' | 'SUCCESS' | 'FAILURE' | 'DELAY')[];
  orcpt?: { addrType: string; address: string };
}

export type Command =
  | { verb: 'EHLO' | 'HELO'; domain: string }
  | { verb: 'MAIL'; address: string; unicode: boolean; params: MailParams }
  | { verb: 'RCPT'; address: string; unicode: boolean; params: RcptParams }
  | { verb: 'DATA' | 'RSET' | 'QUIT' | 'STARTTLS' | 'NOOP' }
  | { verb: 'VRFY'; argument: string }
  | { verb: 'HELP' }
  | { verb: 'BDAT'; size: number; last: boolean }
  | { verb: 'AUTH'; mechanism: string; initialResponse?: string }
  | { verb: 'UNKNOWN'; name: string };

/** A command that could not be parsed, with the reply it gets. */
export interface CommandError {
  verb: 'ERROR';
  reply: Reply;
}

const syntax = (usage: string): CommandError => ({
  verb: 'ERROR',
  reply: reply(501, '5.5.4', `Syntax: ${usage}`),
});
const error = (code: number, enhanced: string, text: string): CommandError => ({
  verb: 'ERROR',
  reply: reply(code, enhanced, text),
});

/** Parses one command line (its CRLF removed). */
export function parseCommand(line: string): Command | CommandError {
  const m = /^([A-Za-z]+)(?: (.*))?$/s.exec(line);
  if (m === null) return error(502, '5.5.2', 'Error: command not recognized');
  const verb = (m[1] as string).toUpperCase();
  const arg = m[2] ?? '';
  switch (verb) {
    case 'EHLO':
    case 'HELO':
      return helo(verb, arg);
    case 'MAIL':
      return mail(arg);
    case 'RCPT':
      return rcpt(arg);
    case 'DATA':
    case 'RSET':
    case 'QUIT':
    case 'STARTTLS':
      return noArgument(verb, arg);
    case 'NOOP':
      // RFC 5321 §4.1.1.9: NOOP may carry a string, which is ignored.
      return { verb: 'NOOP' };
    case 'VRFY':
      return arg.trim() === '' ? syntax('VRFY address') : { verb: 'VRFY', argument: arg.trim() };
    case 'HELP':
      return { verb: 'HELP' };
    case 'BDAT':
      return bdat(arg);
    case 'AUTH':
      return auth(arg);
    default:
      return { verb: 'UNKNOWN', name: verb };
  }
}

function noArgument(
  verb: 'DATA' | 'RSET' | 'QUIT' | 'STARTTLS',
  arg: string,
): Command | CommandError {
  return arg.trim() === '' ? { verb } : syntax(verb);
}

function helo(verb: 'EHLO' | 'HELO', arg: string): Command | CommandError {
  const domain = arg.trim();
  if (domain === '' || /\s/.test(domain)) return syntax(`${verb} hostname`);
  return { verb, domain };
}

function mail(arg: string): Command | CommandError {
  const m = /^FROM:(.*)$/is.exec(arg);
  if (m === null) return syntax('MAIL FROM:<address>');
  const path = parsePath(m[1] as string, false);
  if (!path.ok) return error(501, '5.1.7', 'Bad sender address syntax');
  const params = mailParams(path.rest);
  if ('verb' in params) return params;
  return { verb: 'MAIL', address: path.address, unicode: path.unicode, params };
}

function rcpt(arg: string): Command | CommandError {
  const m = /^TO:(.*)$/is.exec(arg);
  if (m === null) return syntax('RCPT TO:<address>');
  const path = parsePath(m[1] as string, true);
  if (!path.ok || path.address === '') return error(501, '5.1.3', 'Bad recipient address syntax');
  const params = rcptParams(path.rest);
  if ('verb' in params) return params;
  return { verb: 'RCPT', address: path.address, unicode: path.unicode, params };
}

/** `KEY=value` pairs after the path (RFC 5321 §4.1.2 Mail-parameters). */
function keywords(
  rest: string,
): { key: string; value: string | undefined; raw: string }[] | undefined {
  const words = rest.split(' ').filter((w) => w !== '');
  if (rest !== '' && !rest.startsWith(' ')) return undefined;
  return words.map((raw) => {
    const eq = raw.indexOf('=');
    return eq < 0
      ? { key: raw.toUpperCase(), value: undefined, raw }
      : { key: raw.slice(0, eq).toUpperCase(), value: raw.slice(eq + 1), raw };
  });
}

function mailParams(rest: string): MailParams | CommandError {
  const words = keywords(rest);
  if (words === undefined) return error(501, '5.1.7', 'Bad sender address syntax');
  const p: MailParams = {};
  for (const { key, value, raw } of words) {
    const bad = mailParam(p, key, value);
    if (bad === 'unsupported') return error(555, '5.5.4', `Unsupported option: ${raw}`);
    if (bad !== undefined) return bad;
  }
  return p;
}

function mailParam(
  p: MailParams,
  key: string,
  value: string | undefined,
): CommandError | 'unsupported' | undefined {
  switch (key) {
    case 'SIZE':
      if (value === undefined || !/^\d{1,20}$/.test(value))
        return error(501, '5.5.4', 'Bad message size syntax');
      p.size = Number(value);
      return undefined;
    case 'BODY': {
      const body = value?.toUpperCase();
      if (body !== '7BIT' && body !== '8BITMIME')
        return error(501, '5.5.4', 'Bad BODY keyword syntax');
      p.body = body;
      return undefined;
    }
    case 'SMTPUTF8':
      if (value !== undefined) return error(501, '5.5.4', 'Bad SMTPUTF8 syntax');
      p.smtputf8 = true;
      return undefined;
    case 'RET': {
      const ret = value?.toUpperCase();
      if (ret !== 'FULL' && ret !== 'HDRS') return error(501, '5.5.4', 'Bad RET parameter syntax');
      p.ret = ret;
      return undefined;
    }
    case 'ENVID':
      return xtextParam(value, 'ENVID', 100, (v) => (p.envid = v));
    case 'AUTH':
      return xtextParam(value, 'AUTH', 500, (v) => (p.auth = v === '<>' ? '' : v));
    default:
      return 'unsupported';
  }
}

function xtextParam(
  value: string | undefined,
  name: string,
  max: number,
  set: (v: string) => void,
): CommandError | undefined {
  const decoded = value === undefined ? undefined : decodeXtext(value);
  if (decoded === undefined || decoded.length > max)
    return error(501, '5.5.4', `Bad ${name} parameter syntax`);
  set(decoded);
  return undefined;
}

function rcptParams(rest: string): RcptParams | CommandError {
  const words = keywords(rest);
  if (words === undefined) return error(501, '5.1.3', 'Bad recipient address syntax');
  const p: RcptParams = {};
  for (const { key, value, raw } of words) {
    if (key === 'NOTIFY') {
      const notify = parseNotify(value);
      if (notify === undefined) return error(501, '5.5.4', 'Error: Bad NOTIFY parameter syntax');
      p.notify = notify;
    } else if (key === 'ORCPT') {
      const orcpt = parseOrcpt(value);
      if (orcpt === undefined) return error(501, '5.5.4', 'Error: Bad ORCPT parameter syntax');
      p.orcpt = orcpt;
    } else return error(555, '5.5.4', `Unsupported option: ${raw}`);
  }
  return p;
}

/** RFC 3461 §4.1: NEVER alone, or a comma list of SUCCESS, FAILURE, DELAY. */
function parseNotify(value: string | undefined): RcptParams['notify'] {
  if (value === undefined) return undefined;
  const items = value.toUpperCase().split(',');
  if (items.length === 1 && items[0] === 'NEVER') return ['NEVER'];
  const ok =
    items.every((i) => i === 'SUCCESS' || i === 'FAILURE' || i === 'DELAY') &&
    new Set(items).size === items.length;
  return ok ? (items as ('SUCCESS' | 'FAILURE' | 'DELAY')[]) : undefined;
}

/** RFC 3461 §4.2: `addr-type;xtext`. */
function parseOrcpt(value: string | undefined): RcptParams['orcpt'] {
  const semi = value?.indexOf(';') ?? -1;
  if (value === undefined || semi <= 0) return undefined;
  const addrType = value.slice(0, semi);
  const address = decodeXtext(value.slice(semi + 1));
  if (!/^[A-Za-z0-9-]+$/.test(addrType) || address === undefined || address === '')
    return undefined;
  return { addrType, address };
}

/** RFC 3461 §4: xtext, `+HH` for the characters outside `!`–`~` and `+`, `=`. */
export function decodeXtext(s: string): string | undefined {
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 0x2b) {
      const hex = s.slice(i + 1, i + 3);
      if (!/^[0-9A-F]{2}$/.test(hex)) return undefined;
      out += String.fromCharCode(parseInt(hex, 16));
      i += 2;
    } else if (c < 0x21 || c > 0x7e || c === 0x3d) return undefined;
    else out += s[i];
  }
  return out;
}

function bdat(arg: string): Command | CommandError {
  // RFC 3030 §3: BDAT chunk-size [ SP end-marker ].
  const m = /^(\d{1,15})(?: +(LAST))? *$/i.exec(arg);
  if (m === null) return syntax('BDAT count [LAST]');
  return { verb: 'BDAT', size: Number(m[1]), last: m[2] !== undefined };
}

function auth(arg: string): Command | CommandError {
  // RFC 4954 §4: AUTH mechanism [initial-response].
  const m = /^([A-Za-z0-9_-]{1,20})(?: +(\S+))? *$/.exec(arg);
  if (m === null) return syntax('AUTH mechanism');
  const mechanism = (m[1] as string).toUpperCase();
  return m[2] === undefined
    ? { verb: 'AUTH', mechanism }
    : { verb: 'AUTH', mechanism, initialResponse: m[2] };
}
