import { TlsAlert } from '../error/tls-alert.js';
import { HandshakeType } from '../registry/constants.js';
import {
  DEFAULT_MAX_CERTIFICATE_MESSAGE,
  DEFAULT_MAX_HANDSHAKE_MESSAGE,
} from '../policy/defaults.js';
import { MAX_CLIENT_HELLO_LENGTH } from '../registry/record-limits.js';

export const HANDSHAKE_HEADER_LENGTH = 4;
/** One whole handshake message: `raw` is header + body, as the transcript hash takes it. */
export interface HandshakeFrame {
  type: number;
  body: Uint8Array;
  raw: Uint8Array;
}

export interface HandshakeAssemblerOptions {
  /** The largest body accepted for a message of `type`. */
  maxMessageSize?: (type: number) => number;
}

/**
 * The bound on each message body, checked from its header before any byte
 * of it is buffered. A ClientHello may be as large as its vectors allow
 * (MAX_CLIENT_HELLO_LENGTH, as OpenSSL), since clients with many suites,
 * schemes or padding are legitimate; a Certificate holds a whole chain with
 * large keys; every other message we take is far below 64 KiB (the largest
 * others carry one key share, signature or a CertificateRequest's CA names).
 */
function defaultMaxMessageSize(type: number): number {
  if (type === HandshakeType.client_hello) return MAX_CLIENT_HELLO_LENGTH;
  return type === HandshakeType.certificate
    ? DEFAULT_MAX_CERTIFICATE_MESSAGE
    : DEFAULT_MAX_HANDSHAKE_MESSAGE;
}

/**
 * Reassembles handshake messages from the fragments of handshake records
 * (RFC 8446 §5.1: messages may be coalesced into one record or fragmented
 * across several). A message wholly inside one fragment is returned as a
 * view of it; one spanning fragments is copied once into a buffer of its
 * exact size.
 *
 * A message longer than the configured bound is `decode_error`: RFC 8446
 * §6.2 defines it as "some field was out of the specified range or the
 * length of the message was incorrect", which is what an over-long length
 * field is; `unexpected_message` is for a message of the wrong type or at
 * the wrong time, which the state machine judges, not the framing.
 */
export class HandshakeAssembler {
  private readonly header = new Uint8Array(HANDSHAKE_HEADER_LENGTH);
  private headerFill = 0;
  private pending: { type: number; raw: Uint8Array; fill: number } | undefined;
  private failed: TlsAlert | undefined;
  private readonly maxMessageSize: (type: number) => number;

  constructor(options: HandshakeAssemblerOptions = {}) {
    this.maxMessageSize = options.maxMessageSize ?? defaultMaxMessageSize;
  }

  /**
   * True when no partial message is held. RFC 8446 §5.1: handshake messages
   * MUST NOT span a key change; the state machine checks this before it
   * changes keys and sends unexpected_message if not.
   */
  get isEmpty(): boolean {
    return this.headerFill === 0 && this.pending === undefined;
  }

  push(fragment: Uint8Array): HandshakeFrame[] {
    if (this.failed !== undefined) throw this.failed;
    try {
      return this.consume(fragment);
    } catch (e) {
      if (e instanceof TlsAlert) this.failed = e;
      throw e;
    }
  }

  private checkLength(type: number, length: number): void {
    const max = this.maxMessageSize(type);
    if (length > max)
      throw new TlsAlert(
        'decode_error',
        `handshake message type ${type} of ${length} bytes exceeds ${max}`,
      );
  }

  private consume(fragment: Uint8Array): HandshakeFrame[] {
    const out: HandshakeFrame[] = [];
    let pos = 0;
    while (pos < fragment.length) {
      if (this.pending !== undefined) {
        const p = this.pending;
        const n = Math.min(p.raw.length - p.fill, fragment.length - pos);
        p.raw.set(fragment.subarray(pos, pos + n), p.fill);
        p.fill += n;
        pos += n;
        if (p.fill === p.raw.length) {
          out.push({ type: p.type, body: p.raw.subarray(HANDSHAKE_HEADER_LENGTH), raw: p.raw });
          this.pending = undefined;
        }
        continue;
      }
      if (this.headerFill === 0 && fragment.length - pos >= HANDSHAKE_HEADER_LENGTH) {
        const type = fragment[pos]!;
        const length = (fragment[pos + 1]! << 16) | (fragment[pos + 2]! << 8) | fragment[pos + 3]!;
        this.checkLength(type, length);
        const end = pos + HANDSHAKE_HEADER_LENGTH + length;
        if (end <= fragment.length) {
          out.push({
            type,
            body: fragment.subarray(pos + HANDSHAKE_HEADER_LENGTH, end),
            raw: fragment.subarray(pos, end),
          });
          pos = end;
        } else {
          this.startPending(type, length, fragment.subarray(pos, pos + HANDSHAKE_HEADER_LENGTH));
          pos += HANDSHAKE_HEADER_LENGTH;
        }
        continue;
      }
      const n = Math.min(HANDSHAKE_HEADER_LENGTH - this.headerFill, fragment.length - pos);
      this.header.set(fragment.subarray(pos, pos + n), this.headerFill);
      this.headerFill += n;
      pos += n;
      if (this.headerFill === HANDSHAKE_HEADER_LENGTH) {
        this.headerFill = 0;
        const h = this.header;
        const type = h[0]!;
        const length = (h[1]! << 16) | (h[2]! << 8) | h[3]!;
        this.checkLength(type, length);
        if (length === 0) {
          const raw = h.slice();
          out.push({ type, body: raw.subarray(HANDSHAKE_HEADER_LENGTH), raw });
        } else {
          this.startPending(type, length, h);
        }
      }
    }
    return out;
  }

  private startPending(type: number, length: number, header: Uint8Array): void {
    const raw = new Uint8Array(HANDSHAKE_HEADER_LENGTH + length);
    raw.set(header);
    this.pending = { type, raw, fill: HANDSHAKE_HEADER_LENGTH };
  }
}
