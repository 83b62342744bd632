import { Duplex } from 'node:stream';
import * as nodeTls from 'node:tls';

/**
 * node:tls as a handshake reference: a client and a server TLSSocket over
 * two Duplex ends joined in memory (no sockets, as our in-memory pairs).
 */

/** Two Duplex ends joined in memory: what one writes, the other reads. */
export function duplexPair(): [Duplex, Duplex] {
  const ends: Duplex[] = [];
  const make = (other: () => Duplex): Duplex =>
    new Duplex({
      read() {},
      write(chunk: Buffer, _encoding, callback) {
        other().push(chunk);
        callback();
      },
      final(callback) {
        other().push(null);
        callback();
      },
    });
  ends.push(
    make(() => ends[1] as Duplex),
    make(() => ends[0] as Duplex),
  );
  return [ends[0] as Duplex, ends[1] as Duplex];
}

/** One full node:tls handshake, resolved when both sides are done (no session reuse: a new client each time). */
export function nodeTlsHandshake(
  serverContext: nodeTls.SecureContext,
  client: nodeTls.ConnectionOptions,
): Promise<void> {
  return new Promise((resolve, reject) => {
    const [a, b] = duplexPair();
    let done = 0;
    const server = new nodeTls.TLSSocket(a, { isServer: true, secureContext: serverContext });
    const tlsClient = nodeTls.connect({ ...client, socket: b });
    const finish = (): void => {
      if (++done < 2) return;
      server.destroy();
      tlsClient.destroy();
      resolve();
    };
    server.once('secure', finish);
    server.on('error', reject);
    tlsClient.once('secureConnect', finish);
    tlsClient.on('error', reject);
  });
}
