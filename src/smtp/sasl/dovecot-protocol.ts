// The client side of Dovecot's authentication protocol 1.x, sans-IO: the
// lines smtpd sends and the lines it reads (Dovecot's doc "Authentication
// Protocol"; Postfix xsasl_dovecot_server.c). Lines end in LF, fields are
// separated by TAB, values are tab-escaped (\001 escapes).
import type { MechanismDescription, MechanismProperty } from './security-options.js';

export const AUTH_PROTOCOL_MAJOR = 1;
export const AUTH_PROTOCOL_MINOR = 2;
// Dovecot's AUTH_CLIENT_MAX_LINE_LENGTH: a longer line is a broken peer.
export const MAX_LINE_LENGTH = 16384;

export class DovecotProtocolError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'DovecotProtocolError';
  }
}

/** Dovecot's str_tabunescape: \001 followed by 1, t, r, n or 0. */
export function tabUnescape(value: string): string {
  const map: Record<string, string> = { '1': '\x01', t: '\t', r: '\r', n: '\n', '0': '\0' };
  return value.replace(/\x01(.)/gs, (_m, c: string) => map[c] ?? c);
}

/** Our first lines: VERSION and CPID (the process id, for Dovecot's logs). */
export function encodeHandshake(pid: number): string {
  return `VERSION\t${AUTH_PROTOCOL_MAJOR}\t${AUTH_PROTOCOL_MINOR}\nCPID\t${pid}\n`;
}

const PROPERTY_NAMES: readonly MechanismProperty[] = [
  'plaintext',
  'anonymous',
  'dictionary',
  'active',
  'mutual-auth',
  'forward-secrecy',
  'private',
];

export type HandshakeState =
  | { readonly kind: 'more' }
  | { readonly kind: 'done'; readonly mechanisms: readonly MechanismDescription[] };

/** Reads the server's handshake: VERSION, MECH…, SPID, CUID, COOKIE, DONE. */
export class HandshakeReader {
  private readonly mechanisms: MechanismDescription[] = [];
  private versionSeen = false;

  line(line: string): HandshakeState {
    const [cmd, ...args] = line.split('\t');
    if (cmd === 'VERSION') this.version(args);
    else if (cmd === 'MECH') this.mech(args);
    // Postfix's test: auth-master and auth-userdb sockets send SPID but no MECH line.
    else if (cmd === 'SPID' && this.mechanisms.length === 0)
      throw new DovecotProtocolError(
        'connected to the wrong auth socket (auth-master or auth-userdb, not auth-client)',
      );
    else if (cmd === 'DONE') return this.done();
    return { kind: 'more' };
  }

  private version(args: string[]): void {
    const [major, minor] = args;
    if (major === undefined || minor === undefined || !/^\d+$/.test(major) || !/^\d+$/.test(minor))
      throw new DovecotProtocolError('bad VERSION line');
    if (Number(major) !== AUTH_PROTOCOL_MAJOR)
      throw new DovecotProtocolError(
        `protocol version mismatch (${major} vs. ${AUTH_PROTOCOL_MAJOR})`,
      );
    this.versionSeen = true;
  }

  private mech(args: string[]): void {
    const [name, ...flags] = args;
    if (name === undefined || name === '')
      throw new DovecotProtocolError('MECH line without a name');
    // Unknown flags are ignored, as Postfix's NAME_MASK_IGNORE does.
    const properties = new Set(
      flags
        .map((f) => f.toLowerCase())
        .filter((f): f is MechanismProperty => (PROPERTY_NAMES as readonly string[]).includes(f)),
    );
    this.mechanisms.push({ name: name.toUpperCase(), properties });
  }

  private done(): HandshakeState {
    if (!this.versionSeen) throw new DovecotProtocolError('DONE before VERSION');
    return { kind: 'done', mechanisms: this.mechanisms };
  }
}

export interface AuthRequest {
  readonly id: number;
  readonly mechanism: string;
  readonly service: string;
  readonly localAddress?: string;
  readonly remoteAddress: string;
  readonly secured: boolean;
  /** Already decoded; sent as base64 (empty for `AUTH MECH =`). */
  readonly initialResponse?: Uint8Array;
}

function checkField(value: string, what: string): string {
  if (/[\t\n\r\0\x01]/.test(value))
    throw new DovecotProtocolError(`${what} holds a control character`);
  return value;
}

/** `AUTH id mech service=… nologin lip=… rip=… [secured] [resp=…]`, as Postfix sends it. */
export function encodeAuth(r: AuthRequest): string {
  const fields = [
    'AUTH',
    String(r.id),
    checkField(r.mechanism, 'mechanism'),
    `service=${checkField(r.service, 'service')}`,
    'nologin',
  ];
  if (r.localAddress !== undefined && r.localAddress !== '')
    fields.push(`lip=${checkField(r.localAddress, 'local address')}`);
  fields.push(`rip=${checkField(r.remoteAddress, 'remote address')}`);
  if (r.secured) fields.push('secured');
  if (r.initialResponse !== undefined)
    fields.push(`resp=${Buffer.from(r.initialResponse).toString('base64')}`);
  return fields.join('\t') + '\n';
}

export function encodeCont(id: number, response: Uint8Array): string {
  return `CONT\t${id}\t${Buffer.from(response).toString('base64')}\n`;
}

export type AuthReply =
  | { readonly kind: 'ok'; readonly id: number; readonly user: string | undefined }
  | { readonly kind: 'cont'; readonly id: number; readonly challenge: Uint8Array }
  | {
      readonly kind: 'fail';
      readonly id: number;
      readonly reason: string | undefined;
      readonly temporary: boolean;
    };

function parseArgs(args: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const arg of args) {
    const eq = arg.indexOf('=');
    out.set(eq < 0 ? arg : arg.slice(0, eq), eq < 0 ? '' : tabUnescape(arg.slice(eq + 1)));
  }
  return out;
}

function decodeChallenge(text: string): Uint8Array {
  if (!/^[A-Za-z0-9+/]*={0,2}$/.test(text) || text.length % 4 !== 0)
    throw new DovecotProtocolError('CONT data is not base64');
  return new Uint8Array(Buffer.from(text, 'base64'));
}

/** A reply line after the handshake; undefined for lines that are not replies (ignored, as Postfix does). */
export function parseAuthReply(line: string): AuthReply | undefined {
  const [cmd, idText, ...rest] = line.split('\t');
  if (cmd !== 'OK' && cmd !== 'CONT' && cmd !== 'FAIL') return undefined;
  if (idText === undefined || !/^\d{1,10}$/.test(idText))
    throw new DovecotProtocolError(`${cmd} line without a request id`);
  const id = Number(idText);
  if (cmd === 'CONT') {
    if (rest[0] === undefined) throw new DovecotProtocolError('CONT line without data');
    return { kind: 'cont', id, challenge: decodeChallenge(rest[0]) };
  }
  const args = parseArgs(rest);
  if (cmd === 'OK') return { kind: 'ok', id, user: args.get('user') };
  return { kind: 'fail', id, reason: args.get('reason'), temporary: args.has('temp') };
}

/** Splits a byte stream into LF-terminated lines; a line over MAX_LINE_LENGTH is an error. */
export class LineSplitter {
  private pending = '';

  push(chunk: string): string[] {
    this.pending += chunk;
    const parts = this.pending.split('\n');
    this.pending = parts.pop() ?? '';
    if (this.pending.length > MAX_LINE_LENGTH || parts.some((p) => p.length > MAX_LINE_LENGTH))
      throw new DovecotProtocolError('line too long');
    return parts;
  }
}
