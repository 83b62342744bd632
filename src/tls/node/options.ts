import type { Random } from '../../prng/random.js';
import type { CertifiedKey, ClientConfig, ServerConfig } from '../policy/config.js';
import type { SessionStore } from '../session/store.js';

/** Node's `getCipher()` shape: OpenSSL name, IANA name, first version of the suite. */
export interface CipherNameAndProtocol {
  name: string;
  standardName: string;
  version: string;
}

export interface SocketOptions {
  /** ms before an unfinished handshake is abandoned (120 s, as node:tls). */
  handshakeTimeout?: number;
}

export type ClientOptions = Omit<ClientConfig, 'random'> & SocketOptions & { random?: Random };

export type ServerOptions = Omit<ServerConfig, 'random' | 'askCaller'> &
  SocketOptions & {
    random?: Random;
    /**
     * Where the server keeps TLS 1.2 sessions by ID (`createServer`: also the
     * shared ticket keyring; in memory when absent). The lookup is
     * asynchronous: the handshake pauses after the ClientHello until the
     * store answers. Servers given the same store resume each other's
     * sessions and tickets.
     */
    sessionStore?: SessionStore;
    /**
     * The certificates for the name the client asked for (RFC 6066 SNI;
     * undefined without server_name), e.g. Postfix's
     * `tls_server_sni_maps`. The handshake pauses after the ClientHello until
     * it answers; an empty list means the configured `certificates`.
     */
    selectCertificates?: (
      serverName: string | undefined,
    ) => readonly CertifiedKey[] | Promise<readonly CertifiedKey[]>;
  };
