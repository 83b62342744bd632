import type { Tls12SessionState, Tls13SessionState } from '../../../src/tls/session/state.js';

const fill = (n: number, b: number): Uint8Array => new Uint8Array(n).fill(b);

/** A TLS 1.2 client-side session with every optional field set. */
export const tls12State: Tls12SessionState = {
  version: 'TLSv1.2',
  suite: 0xcca8, // TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256
  createdAt: 1_700_000_000_123,
  lifetime: 3600,
  serverName: 'mx1.example.org',
  alpn: 'smtp',
  peerCertificates: [fill(300, 0x30), fill(200, 0x31)],
  peerVerified: true,
  verifiedName: 'mx1.example.org',
  ticket: fill(120, 0x7a),
  masterSecret: fill(48, 0x4d),
  extendedMasterSecret: true,
  sessionId: fill(32, 0x11),
};

/** A TLS 1.3 server-side session: no ticket, no peer certificate. */
export const tls13State: Tls13SessionState = {
  version: 'TLSv1.3',
  suite: 0x1302, // TLS_AES_256_GCM_SHA384
  createdAt: 1_700_000_000_000,
  lifetime: 7200,
  serverName: undefined,
  alpn: undefined,
  peerCertificates: [],
  peerVerified: false,
  verifiedName: undefined,
  ticket: undefined,
  psk: fill(48, 0x50),
  ticketAgeAdd: 0xfedcba98,
  maxEarlyData: 0,
};
