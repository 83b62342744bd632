import { TlsAlert } from '../error/tls-alert.js';
import { ContentType, HandshakeType } from '../registry/constants.js';
import type { ClientHello } from '../codec/messages.js';
import { decodeClientHello } from '../codec/messages.js';

/** RFC 8446 §4.1.2 / RFC 5246 §7.4.1.2: a ClientHello fits in well under this; anything longer is left to the engine. */
const MAX_PEEK = 1 << 17;

export type Peek = { kind: 'more' } | { kind: 'hello'; hello: ClientHello } | { kind: 'none' };

/**
 * Reads the first ClientHello from the plaintext records at the start of a
 * connection, without consuming them, so that an async session store can
 * be asked about its session ID before the synchronous engine sees it.
 * `none`: not a well-formed ClientHello; the engine will say why.
 */
export function peekClientHello(bytes: Uint8Array): Peek {
  if (bytes.length > MAX_PEEK) return { kind: 'none' };
  const fragments: Uint8Array[] = [];
  let have = 0;
  for (let o = 0; o + 5 <= bytes.length; ) {
    const length = ((bytes[o + 3] ?? 0) << 8) | (bytes[o + 4] ?? 0);
    if (bytes[o] !== ContentType.handshake) return { kind: 'none' };
    if (o + 5 + length > bytes.length) break;
    const fragment = bytes.subarray(o + 5, o + 5 + length);
    fragments.push(fragment);
    have += fragment.length;
    o += 5 + length;
    if (have >= 4) {
      const message = new Uint8Array(have);
      let at = 0;
      for (const f of fragments) {
        message.set(f, at);
        at += f.length;
      }
      if (message[0] !== HandshakeType.client_hello) return { kind: 'none' };
      const bodyLength = ((message[1] ?? 0) << 16) | ((message[2] ?? 0) << 8) | (message[3] ?? 0);
      if (have < 4 + bodyLength) continue;
      try {
        return { kind: 'hello', hello: decodeClientHello(message.subarray(4, 4 + bodyLength)) };
      } catch (e) {
        if (e instanceof TlsAlert) return { kind: 'none' };
        throw e;
      }
    }
  }
  return { kind: 'more' };
}
