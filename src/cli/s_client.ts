import { readFileSync, writeFileSync } from 'node:fs';
import { connect as netConnect } from 'node:net';
import type { SessionState } from '../tls/session/state.js';
import { decodeSessionState, encodeSessionState } from '../tls/session/state.js';
import { SessionError } from '../tls/session/errors.js';
import { parsePem } from '../x509/pem.js';
import type { SessionInfo } from '../tls/engine/connection.js';
import type { TLSSocket } from '../tls/node/tls-socket.js';
import type { ClientOptions } from '../tls/node/options.js';
import { startTlsClient } from '../tls/node/connect.js';
import { formatOneline } from '../x509/name.js';
import { encodePem } from '../x509/pem.js';
import { verifyReasonText } from '../x509/verify-reason.js';
import { optionValue, parseArgs } from './args.js';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import {
  PROTOCOL_FLAGS,
  PROTOCOL_OPTIONS,
  cipherVersionText,
  protocolConfig,
} from './protocol-options.js';
import {
  TLS_FLAGS,
  TLS_OPTIONS,
  commonTlsOptions,
  describeTlsError,
  loadPair,
  loadTrust,
  messagePrinter,
  parseHostPort,
  peerSignatureLines,
  sessionSummary,
  tempKeyText,
  verifyReturnText,
} from './tls-options.js';

const USAGE = `usage: postern s_client -connect HOST:PORT [-servername NAME | -noservername] [-CAfile FILE] [-CApath DIR]
                        [-verify_hostname NAME] [-cert FILE [-key FILE]] [-groups LIST] [-alpn LIST]
                        [-tls1_2 | -tls1_3] [-no_tls1_2] [-no_tls1_3] [-cipher LIST] [-ciphersuites LIST]
                        [-dh_min_bits N] [-quiet] [-msg] [-verify_return_error]
                        [-sess_in FILE] [-sess_out FILE] [-reconnect]

Connects with TLS 1.3 or 1.2, prints the chain, the verification result
and the session as 'openssl s_client' does (the cipher by its OpenSSL
name), then relays standard input to the server and the server's data to
standard output. At the end of standard input it goes on reading until the
server closes (openssl's -ign_eof), then sends close_notify and exits 0.

  -servername NAME     server_name to send (default: the -connect host unless it is an IP address)
  -noservername        send no server_name
  -verify_hostname N   check the server certificate against N (no name check without it)
  -verify_return_error fail the handshake when verification fails (by default it is only reported)
  -tls1_2, -tls1_3     offer only that version (default: both)
  -no_tls1_2, -no_tls1_3  do not offer that version
  -cipher LIST         TLS 1.2 suites, an OpenSSL cipher string (e.g. ECDHE+AESGCM, DHE-DSS-AES128-GCM-SHA256)
  -ciphersuites LIST   TLS 1.3 suites, colon-separated IANA names, in preference order
  -dh_min_bits N       the smallest DHE group accepted from the server, at least 1024 (default 2048)
  -groups LIST         key-exchange groups, colon-separated (x25519:P-256:P-384:ffdhe2048...)
  -alpn LIST           ALPN protocols, comma-separated
  -quiet               print only the server's data
  -msg                 print every handshake message with an annotated dump
  -sess_in FILE        offer the session saved in FILE (TLS 1.3: as a PSK; TLS 1.2: its ID or ticket)
  -sess_out FILE       save the session to FILE, each time the server makes one resumable
  -reconnect           after the first handshake, reconnect five times offering the last session,
                       printing 'Reused' or 'New' each time (as openssl s_client -reconnect)`;

/** The PEM label of a saved session (postern's own encoding of SessionState, not OpenSSL's). */
const SESSION_PEM_LABEL = 'POSTERN SESSION PARAMETERS';
/** openssl s_client -reconnect: five more connections. */
const RECONNECTS = 5;
/** TLS 1.3 tickets come after the handshake: how long a reconnect waits for one before closing. */
const TICKET_WAIT_MS = 500;

function readSession(file: string): SessionState {
  let text: string;
  try {
    text = readFileSync(file, 'latin1');
  } catch (e) {
    throw new UsageError(`-sess_in ${file}: ${(e as Error).message}`);
  }
  const block = parsePem(text).find((b) => b.label === SESSION_PEM_LABEL);
  if (block === undefined) throw new UsageError(`-sess_in ${file}: no ${SESSION_PEM_LABEL} block`);
  try {
    return decodeSessionState(block.der);
  } catch (e) {
    if (e instanceof SessionError) throw new UsageError(`-sess_in ${file}: ${e.message}`);
    throw e;
  }
}

/** Keeps the session to offer next: the newest the server gave; a TLS 1.3 ticket only once (RFC 8446 §C.4). */
class SessionKeeper {
  constructor(
    private current: SessionState | undefined,
    private readonly outFile: string | undefined,
  ) {}

  /** The session for the next connection, dropped if it is a single-use TLS 1.3 ticket. */
  take(): SessionState | undefined {
    const s = this.current;
    if (s?.version === 'TLSv1.3') this.current = undefined;
    return s;
  }

  keep(state: SessionState): void {
    this.current = state;
    if (this.outFile !== undefined)
      writeFileSync(this.outFile, encodePem(SESSION_PEM_LABEL, encodeSessionState(state)));
  }
}

function chainText(session: SessionInfo): string {
  const lines = ['---', 'Certificate chain'];
  session.peerCertificates.forEach((c, i) => {
    lines.push(` ${i} s:${formatOneline(c.subject)}`, `   i:${formatOneline(c.issuer)}`);
  });
  const leaf = session.peerCertificates[0];
  if (leaf !== undefined) {
    lines.push('---', 'Server certificate', encodePem('CERTIFICATE', leaf.der).trimEnd());
    lines.push(`subject=${formatOneline(leaf.subject)}`, `issuer=${formatOneline(leaf.issuer)}`);
  }
  return lines.join('\n') + '\n';
}

/** The handshake report, in the order and words of `openssl s_client`. */
function handshakeReport(session: SessionInfo): string {
  const v = session.verification;
  const lines = [
    '---',
    ...(session.peerSignatureScheme !== undefined
      ? peerSignatureLines(session.peerSignatureScheme)
      : []),
    ...(session.group !== undefined
      ? [`Server Temp Key: ${tempKeyText(session.group)}`]
      : session.dhBits !== undefined
        ? [`Server Temp Key: DH, ${session.dhBits} bits`]
        : []),
    '---',
    v === undefined || v.ok
      ? 'Verification: OK'
      : `Verification error: ${verifyReasonText(v.reason)}`,
    '---',
    reuseLine(session),
    session.alpnProtocol !== undefined
      ? `ALPN protocol: ${session.alpnProtocol}`
      : 'No ALPN negotiated',
    `Verify return code: ${verifyReturnText(session) ?? '0 (ok)'}`,
    '---',
  ];
  return chainText(session) + lines.join('\n') + '\n' + sessionSummary(session) + '---\n';
}

/** openssl's 'New, TLSv1.3, Cipher is …' or 'Reused, …'. */
function reuseLine(session: SessionInfo): string {
  return `${session.resumed ? 'Reused' : 'New'}, ${cipherVersionText(session.cipher)}, Cipher is ${session.cipher.opensslName}`;
}

interface ClientSetup {
  host: string;
  port: number;
  options: ClientOptions;
  quiet: boolean;
  msg: boolean;
  reconnect: boolean;
  sessions: SessionKeeper;
}

function clientOptions(args: string[]): ClientSetup {
  const parsed = parseArgs(args, {
    flags: [...TLS_FLAGS, ...PROTOCOL_FLAGS, 'noservername', 'reconnect'],
    options: [
      ...TLS_OPTIONS,
      ...PROTOCOL_OPTIONS,
      'connect',
      'servername',
      'verify_hostname',
      'sess_in',
      'sess_out',
    ],
  });
  if (parsed.positional.length > 0)
    throw new UsageError(`unexpected argument ${parsed.positional[0]}`);
  const connect = optionValue(parsed, 'connect');
  if (connect === undefined) throw new UsageError('-connect HOST:PORT is required');
  const { host, port } = parseHostPort(connect, 'connect', false);
  if (host === undefined) throw new UsageError('-connect needs a host');
  const servername = optionValue(parsed, 'servername');
  if (servername !== undefined && parsed.flags.has('noservername'))
    throw new UsageError('-servername and -noservername exclude each other');
  const trustStore = loadTrust(parsed);
  const certificate = loadPair(parsed, 'cert', 'key');
  const options: ClientOptions = {
    ...commonTlsOptions(parsed),
    ...protocolConfig(parsed),
    ...(!parsed.flags.has('noservername') && { serverName: servername ?? host }),
    // openssl s_client checks no name unless asked with -verify_hostname; '' turns the engine's SNI check off.
    verifyHostname: optionValue(parsed, 'verify_hostname') ?? '',
    ...(trustStore !== undefined && { trustStore }),
    ...(certificate !== undefined && { certificate }),
  };
  const sessIn = optionValue(parsed, 'sess_in');
  const sessions = new SessionKeeper(
    sessIn === undefined ? undefined : readSession(sessIn),
    optionValue(parsed, 'sess_out'),
  );
  return {
    host,
    port,
    options,
    quiet: parsed.flags.has('quiet'),
    msg: parsed.flags.has('msg'),
    reconnect: parsed.flags.has('reconnect'),
    sessions,
  };
}

/** Stops reading standard input so the process can exit while it is still open (a terminal, a pipe). */
function releaseInput(stdin: NodeJS.ReadableStream): void {
  stdin.pause();
  if ('destroy' in stdin && typeof stdin.destroy === 'function')
    (stdin as NodeJS.ReadableStream & { destroy(): void }).destroy();
}

/**
 * One handshake-only connection of -reconnect: offer the kept session,
 * print whether it was reused, wait briefly for TLS 1.3 tickets, close.
 */
function reconnectOnce(
  io: CommandIO,
  host: string,
  port: number,
  options: ClientOptions,
  sessions: SessionKeeper,
  first: boolean,
): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const tcp = netConnect({ host, port });
    const failed = (err: Error): void => {
      io.stderr.write(`postern s_client: ${describeTlsError(err)}\n`);
      resolve(false);
    };
    tcp.once('error', failed);
    tcp.once('connect', () => {
      tcp.off('error', failed);
      const session = sessions.take();
      const socket = startTlsClient(tcp, { ...options, ...(session !== undefined && { session }) });
      let ticketCame: (() => void) | undefined;
      socket.on('session', (state: SessionState) => {
        sessions.keep(state);
        ticketCame?.();
      });
      socket.once('error', failed);
      socket.once('secureConnect', (info: SessionInfo) => {
        io.stdout.write(
          first
            ? handshakeReport(info)
            : `drop connection and then reconnect\nCONNECTED(${tcp.remoteAddress ?? host}:${tcp.remotePort ?? port})\n${reuseLine(info)}\n`,
        );
        const close = (): void => {
          socket.off('error', failed);
          socket.end();
          socket.destroy();
          resolve(true);
        };
        if (info.protocol !== 'TLSv1.3') {
          close();
          return;
        }
        // The first ticket, or TICKET_WAIT_MS without one.
        const wait = setTimeout(close, TICKET_WAIT_MS);
        ticketCame = () => {
          ticketCame = undefined;
          clearTimeout(wait);
          close();
        };
      });
    });
  });
}

function relay(
  io: CommandIO,
  host: string,
  port: number,
  options: ClientOptions,
  quiet: boolean,
  sessions: SessionKeeper,
): Promise<number> {
  return new Promise<number>((resolve) => {
    let settled = false;
    let tls: TLSSocket | undefined;
    const finish = (code: number, message?: string): void => {
      if (settled) return;
      settled = true;
      if (message !== undefined) io.stderr.write(`postern s_client: ${message}\n`);
      io.stdin.unpipe();
      releaseInput(io.stdin);
      if (code !== 0) tls?.destroy();
      resolve(code);
    };
    // A closed standard output (`| head`) ends the session instead of crashing on EPIPE.
    io.stdout.on('error', (err: Error) => finish(1, `standard output: ${err.message}`));
    const tcp = netConnect({ host, port });
    const refused = (err: Error): void => finish(1, `connect: ${err.message}`);
    tcp.once('error', refused);
    tcp.once('connect', () => {
      tcp.off('error', refused);
      if (!quiet)
        io.stdout.write(`CONNECTED(${tcp.remoteAddress ?? host}:${tcp.remotePort ?? port})\n`);
      const session = sessions.take();
      const socket = startTlsClient(tcp, { ...options, ...(session !== undefined && { session }) });
      socket.on('session', (state: SessionState) => sessions.keep(state));
      tls = socket;
      socket.on('error', (err: Error) => finish(1, describeTlsError(err)));
      socket.once('secureConnect', (info: SessionInfo) => {
        if (!quiet) io.stdout.write(handshakeReport(info));
        // At the end of standard input, keep the connection open and go on reading (openssl -ign_eof).
        io.stdin.pipe(socket, { end: false });
      });
      socket.on('data', (data: Buffer) => io.stdout.write(data));
      socket.once('truncated', () => {
        if (!quiet)
          io.stderr.write(
            'postern s_client: the server closed the connection without close_notify\n',
          );
      });
      socket.once('end', () => {
        // The server is done: answer its close_notify with ours (RFC 8446 §6.1), then exit.
        io.stdin.unpipe(socket);
        socket.once('close', () => finish(0));
        socket.end();
      });
    });
  });
}

export const sClientCommand: Command = {
  name: 's_client',
  summary: 'connect to a TLS server and relay standard input and output (like openssl s_client)',
  usage: USAGE,
  async run(args, io) {
    const { host, port, options: base, quiet, msg, reconnect, sessions } = clientOptions(args);
    const options = msg ? { ...base, onMessage: messagePrinter(io.stdout) } : base;
    if (reconnect) {
      if (!quiet) io.stdout.write(`CONNECTED(${host}:${port})\n`);
      for (let i = 0; i <= RECONNECTS; i++) {
        if (!(await reconnectOnce(io, host, port, options, sessions, i === 0))) return 1;
      }
      return 0;
    }
    return relay(io, host, port, options, quiet, sessions);
  },
};
