// smtpd_tls_loglevel above 1 (the seed: "2 Log levels during TLS
// negotiation. 3 Log hexadecimal and ASCII dump of TLS negotiation process.
// 4 Log hexadecimal and ASCII dump of complete transmission after
// STARTTLS"). Level 1's summary line is tls-summary.ts's.
// What is dumped is handshake messages (public values only) and, at 4, the
// bytes on the wire, which after the handshake are ciphertext: no key,
// secret or decrypted SMTP text (AUTH credentials) ever reaches the log.
import type { Socket } from 'node:net';
import { Duplex } from 'node:stream';
import type { HandshakeMessage, MessageTrace } from '../../tls/index.js';
import { dumpHandshake, hexDump } from '../../tls/index.js';

type Log = (text: string) => void;

/** Messages that exist only in TLS 1.3 get its name in the state line, as OpenSSL's info callback. */
const TLS13_ONLY = new Set<HandshakeMessage['kind']>([
  'encrypted_extensions',
  'hello_retry_request',
  'key_update',
  'end_of_early_data',
  'certificate_13',
  'certificate_request_13',
  'new_session_ticket_13',
]);

/** `client_key_exchange_ecdhe` → `client key exchange`: the message, not its variant. */
function messageName(kind: HandshakeMessage['kind']): string {
  return kind.replace(/_(12|13|dhe|ecdhe|rsa)$/, '').replace(/_/g, ' ');
}

/** Levels 2 and 3: a state line per handshake message (`SSL_accept:SSLv3/TLS read client hello`), then at 3 its dump. */
export function handshakeTrace(level: number, log: Log): MessageTrace | undefined {
  if (level < 2) return undefined;
  return (direction, message) => {
    const version = TLS13_ONLY.has(message.kind) ? 'TLSv1.3' : 'SSLv3/TLS';
    log(
      `SSL_accept:${version} ${direction === 'sent' ? 'write' : 'read'} ${messageName(message.kind)}`,
    );
    if (level >= 3) for (const line of dumpHandshake(message).split('\n')) log(line);
  };
}

/**
 * Level 4: the socket as the TLS layer's transport, every chunk read or
 * written dumped first (Postfix's tls_bio_dump_cb: `read from NAME[ADDR]
 * (N bytes)` then the rows).
 */
export class WireDump extends Duplex {
  constructor(
    private readonly socket: Socket,
    private readonly who: string,
    private readonly log: Log,
  ) {
    super({ allowHalfOpen: true });
    socket.on('data', (chunk: Buffer) => {
      this.dump('read from', chunk);
      if (!this.push(chunk)) socket.pause();
    });
    socket.on('end', () => this.push(null));
    socket.on('error', (err: Error) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  override _read(): void {
    this.socket.resume();
  }

  override _write(
    chunk: Buffer,
    _encoding: BufferEncoding,
    done: (err?: Error | null) => void,
  ): void {
    this.dump('write to', chunk);
    this.socket.write(chunk, done);
  }

  override _final(done: (err?: Error | null) => void): void {
    this.socket.end(done);
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    if (!this.socket.destroyed) this.socket.destroy(err ?? undefined);
    done(err);
  }

  private dump(what: string, chunk: Buffer): void {
    this.log(`${what} ${this.who} (${chunk.length} bytes)`);
    for (const line of hexDump(chunk)) this.log(line);
  }
}
