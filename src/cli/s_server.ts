import type { Server } from 'node:net';
import type { Socket } from 'node:net';
import type { SessionInfo } from '../tls/engine/connection.js';
import type { TLSSocket } from '../tls/node/tls-socket.js';
import type { ServerOptions } from '../tls/node/options.js';
import { createServer } from '../tls/node/create-server.js';
import { groupName } from '../tls/keys/key-exchange.js';
import { createSystemRandom } from '../prng/system.js';
import type { CertifiedKey } from '../tls/policy/config.js';
import { loadCertificates } from '../x509/load.js';
import { certificateText } from '../x509/cert-text.js';
import { encodePem } from '../x509/pem.js';
import { optionValue, parseArgs } from './args.js';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import {
  PROTOCOL_FLAGS,
  PROTOCOL_OPTIONS,
  cipherVersionText,
  protocolConfig,
} from './protocol-options.js';
import { loadServerDh } from './server-dh.js';
import { openSessionStore, parseSessionCacheSpec } from '../mta/tls/session-cache-spec.js';
import {
  TLS_FLAGS,
  TLS_OPTIONS,
  commonTlsOptions,
  describeTlsError,
  loadPair,
  loadTrust,
  messagePrinter,
  parseHostPort,
  peerSubjectText,
  sessionSummary,
  verifyReturnText,
} from './tls-options.js';

const USAGE = `usage: postern s_server -accept [HOST:]PORT -cert FILE [-key FILE] [-cert2 FILE [-key2 FILE]] [-dcert FILE [-dkey FILE]]
                        [-CAfile FILE] [-CApath DIR] [-verify N | -Verify N] [-verify_return_error]
                        [-tls1_2 | -tls1_3] [-no_tls1_2] [-no_tls1_3] [-cipher LIST] [-ciphersuites LIST]
                        [-dhparam FILE] [-dh_min_bits N] [-groups LIST] [-alpn LIST] [-www] [-quiet] [-msg]
                        [-sess_cache SPEC] [-no_ticket]

Serves TLS 1.3 and 1.2 to many clients at once until SIGTERM or SIGINT.
Prints ACCEPT when listening and, for each handshake, its protocol, the
OpenSSL name of its cipher, its group and the client certificate's subject.
Echoes each line a client sends back to it (and prints it, unless -quiet);
with -www answers any request with an HTTP/1.0 text page describing the
session, as 'openssl s_server -www' does.

  -cert2/-key2         a second certificate (e.g. ECDSA beside RSA), chosen by the client's signature_algorithms
  -dcert/-dkey         an additional certificate of any key type, as OpenSSL's (e.g. DSA for the DHE-DSS suites of
                       TLS 1.2, or ECDSA beside RSA); -cert may then be left out
  -tls1_2, -tls1_3     serve only that version (default: both)
  -no_tls1_2, -no_tls1_3  do not serve that version
  -cipher LIST         TLS 1.2 suites, an OpenSSL cipher string (e.g. HIGH:!aNULL, kRSA:@STRENGTH); the
                       default offers forward-secret suites only
  -ciphersuites LIST   TLS 1.3 suites, colon-separated IANA names, in preference order
  -dhparam FILE        the TLS 1.2 DHE group, a PKCS#3 'DH PARAMETERS' file (default: ffdhe2048); a file below
                       1024 bits (an old dh512 file) is checked, then not used
  -dh_min_bits N       the smallest DH group served or accepted, at least 1024 (default 2048)
  -verify N            ask for a client certificate, verify depth N
  -Verify N            require a client certificate, verify depth N
  -CAfile FILE         trust anchors for client certificates; their names go in the CertificateRequest
  -verify_return_error fail the handshake when a client certificate does not verify
  -groups LIST         key-exchange groups in preference order, colon-separated
  -alpn LIST           ALPN protocols served, comma-separated, in preference order
  -msg                 print every handshake message with an annotated dump
  -sess_cache SPEC     where TLS 1.2 sessions and the ticket keys are kept, written as Postfix's
                       *_session_cache_database: btree:PATH, lmdb:PATH or sdbm:PATH (one SQLite file
                       shared by the processes of a host), redis:HOST:PORT or redis://... (shared by
                       hosts); in memory when absent. Servers with the same SPEC resume each other's sessions.
  -no_ticket           issue no session tickets (TLS 1.3 NewSessionTicket, RFC 5077); TLS 1.2 IDs still work`;

interface ServerSetup {
  host?: string;
  port: number;
  options: ServerOptions;
  www: boolean;
  quiet: boolean;
  /** Printed at startup: why a -dhparam file is not used. */
  notices: string[];
  /** -sess_cache, opened when the server starts. */
  sessionCache: string | undefined;
}

function depth(value: string, option: string): number {
  if (!/^\d+$/.test(value))
    throw new UsageError(`-${option} needs a verify depth (a non-negative integer)`);
  return Number(value);
}

function serverSetup(args: string[], io: CommandIO): ServerSetup {
  const parsed = parseArgs(args, {
    flags: [...TLS_FLAGS, ...PROTOCOL_FLAGS, 'www', 'no_ticket'],
    options: [
      ...TLS_OPTIONS,
      ...PROTOCOL_OPTIONS,
      'accept',
      'cert2',
      'key2',
      'dcert',
      'dkey',
      'dhparam',
      'verify',
      'Verify',
      'sess_cache',
    ],
  });
  if (parsed.positional.length > 0)
    throw new UsageError(`unexpected argument ${parsed.positional[0]}`);
  const accept = optionValue(parsed, 'accept');
  if (accept === undefined) throw new UsageError('-accept [HOST:]PORT is required');
  const protocol = protocolConfig(parsed);
  // OpenSSL's -dcert/-dkey: an additional certificate of any key type (historically the DSA one).
  const extra = loadPair(parsed, 'dcert', 'dkey');
  const first = loadPair(parsed, 'cert', 'key');
  if (first === undefined && extra === undefined) throw new UsageError('-cert FILE is required');
  const second = loadPair(parsed, 'cert2', 'key2');
  const ask = optionValue(parsed, 'verify');
  const require = optionValue(parsed, 'Verify');
  if (ask !== undefined && require !== undefined)
    throw new UsageError('-verify and -Verify exclude each other');
  const dhFile = optionValue(parsed, 'dhparam');
  const dh =
    dhFile === undefined
      ? undefined
      : loadServerDh(dhFile, protocol.dhMinBits, createSystemRandom());
  const trustStore = loadTrust(parsed);
  const caFile = optionValue(parsed, 'CAfile');
  const options: ServerOptions = {
    ...commonTlsOptions(parsed),
    ...protocol,
    certificates: [first, second, extra].filter((c): c is CertifiedKey => c !== undefined),
    ...(dh !== undefined && 'use' in dh && { dhParams: dh.use }),
    ...(trustStore !== undefined && { trustStore }),
    ...(ask !== undefined && { clientAuth: 'optional', verifyDepth: depth(ask, 'verify') }),
    ...(require !== undefined && { clientAuth: 'required', verifyDepth: depth(require, 'Verify') }),
    // RFC 8446 §4.2.4: the CertificateRequest names the CAs of -CAfile (not -CApath, as Postfix does).
    ...(caFile !== undefined && {
      clientCaNames: loadCertificates(caFile).map((c) => c.subject.der),
    }),
    ...(parsed.flags.has('msg') && { onMessage: messagePrinter(io.stdout) }),
    ...(parsed.flags.has('no_ticket') && { sessionTickets: false }),
  };
  const sessionCache = optionValue(parsed, 'sess_cache');
  // Checked now, so that a bad SPEC is a usage error before anything is opened.
  if (sessionCache !== undefined) parseSessionCacheSpec(sessionCache);
  return {
    ...parseHostPort(accept, 'accept', true),
    options,
    www: parsed.flags.has('www'),
    quiet: parsed.flags.has('quiet'),
    notices: dh !== undefined && 'notice' in dh ? [dh.notice] : [],
    sessionCache,
  };
}

/** `address:port` of a client, taken when it connects (a destroyed socket no longer knows it). */
const peerNames = new WeakMap<object, string>();

function peerName(tls: TLSSocket): string {
  return peerNames.get(tls.transport) ?? 'client';
}

/** One line per handshake: who, protocol, cipher, group, client certificate. */
function handshakeLine(who: string, s: SessionInfo): string {
  const verify = verifyReturnText(s);
  const group =
    s.group !== undefined
      ? groupName(s.group)
      : s.dhBits !== undefined
        ? `DH ${s.dhBits} bits`
        : 'none';
  return `${who}: ${s.protocol}, ${s.cipher.opensslName}, group ${group}, ${peerSubjectText(s)}${verify !== undefined ? `, verify return code ${verify}` : ''}${s.resumed ? ', session reused' : ''}\n`;
}

/** OpenSSL's www_body after the session: the client certificate as `x509 -text` and PEM, or a line saying there is none. */
function clientCertificateText(s: SessionInfo): string {
  const leaf = s.peerCertificates[0];
  if (leaf === undefined) return 'no client certificate available\n';
  return `Client certificate\n${certificateText(leaf)}${encodePem('CERTIFICATE', leaf.der)}`;
}

/** The `-www` answer: like `openssl s_server -www`, a page describing the session, in plain text. */
function wwwPage(s: SessionInfo): string {
  const body = `postern s_server -www\n${s.resumed ? 'Reused' : 'New'}, ${cipherVersionText(s.cipher)}, Cipher is ${s.cipher.opensslName}\n${sessionSummary(s)}---\n${clientCertificateText(s)}`;
  return `HTTP/1.0 200 ok\r\nContent-type: text/plain\r\n\r\n${body}`;
}

/** HTTP ends a request's header with an empty line (RFC 1945 §4.1). */
function requestComplete(text: string): boolean {
  return text.includes('\r\n\r\n') || text.includes('\n\n');
}

function serveWww(tls: TLSSocket, session: SessionInfo): void {
  let request = '';
  let answered = false;
  const answer = (): void => {
    if (answered) return;
    answered = true;
    tls.end(wwwPage(session));
  };
  tls.on('data', (d: Buffer) => {
    request += d.toString('latin1');
    if (requestComplete(request)) answer();
  });
  tls.on('end', answer);
}

function serveEcho(tls: TLSSocket, io: CommandIO, quiet: boolean): void {
  let pending = Buffer.alloc(0);
  const echo = (line: Buffer): void => {
    if (!quiet) io.stdout.write(line);
    if (tls.writable) tls.write(line);
  };
  tls.on('data', (d: Buffer) => {
    pending = Buffer.concat([pending, d]);
    let nl: number;
    while ((nl = pending.indexOf(0x0a)) >= 0) {
      echo(pending.subarray(0, nl + 1));
      pending = pending.subarray(nl + 1);
    }
  });
  tls.on('end', () => {
    if (pending.length > 0) echo(pending);
    tls.end();
  });
}

function serve(setup: ServerSetup, io: CommandIO): Promise<number> {
  return new Promise<number>((resolve) => {
    const open = new Set<Socket>();
    const server: Server = createServer(setup.options, (tls) => {
      const who = peerName(tls);
      const session = tls.session;
      if (session === undefined) return;
      if (!setup.quiet) io.stdout.write(handshakeLine(who, session));
      tls.on('error', (err: Error) =>
        io.stderr.write(`postern s_server: ${who}: ${describeTlsError(err)}\n`),
      );
      if (setup.www) serveWww(tls, session);
      else serveEcho(tls, io, setup.quiet);
    });
    server.on('connection', (tcp: Socket) => {
      open.add(tcp);
      peerNames.set(tcp, `${tcp.remoteAddress ?? '?'}:${tcp.remotePort ?? 0}`);
      tcp.once('close', () => open.delete(tcp));
    });
    server.on('sessionStoreError', (err: Error) =>
      io.stderr.write(`postern s_server: session cache: ${err.message}\n`),
    );
    server.on('tlsClientError', (err: Error, tls: TLSSocket) => {
      io.stderr.write(
        `postern s_server: handshake failed: ${peerName(tls)}: ${describeTlsError(err)}\n`,
      );
    });
    const stop = (): void => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      server.close(() => {
        const store = setup.options.sessionStore;
        if (store === undefined) resolve(0);
        else
          store.close().then(
            () => resolve(0),
            (err: Error) => {
              io.stderr.write(`postern s_server: session cache: ${err.message}\n`);
              resolve(1);
            },
          );
      });
      for (const tcp of open) tcp.destroy();
    };
    server.once('error', (err: Error) => {
      process.off('SIGTERM', stop);
      process.off('SIGINT', stop);
      io.stderr.write(`postern s_server: ${err.message}\n`);
      resolve(1);
    });
    process.on('SIGTERM', stop);
    process.on('SIGINT', stop);
    for (const notice of setup.notices) io.stderr.write(`postern s_server: warning: ${notice}\n`);
    server.listen({ port: setup.port, ...(setup.host !== undefined && { host: setup.host }) }, () =>
      io.stdout.write('ACCEPT\n'),
    );
  });
}

export const sServerCommand: Command = {
  name: 's_server',
  summary: 'a TLS server that echoes lines or describes the session (like openssl s_server)',
  usage: USAGE,
  async run(args, io) {
    const setup = serverSetup(args, io);
    if (setup.sessionCache !== undefined)
      setup.options.sessionStore = await openSessionStore(setup.sessionCache);
    return serve(setup, io);
  },
};
