// The TLS layer's public surface: what Node programs and the upper layers
// (src/smtp, src/mta, src/cli) import. Internal files may move; these names stay.
export { TLSSocket, TlsConnectionError } from './node/tls-socket.js';
export { connect, startTlsClient, startTlsServer } from './node/connect.js';
export type { ConnectOptions } from './node/connect.js';
export { createServer } from './node/create-server.js';
export { serverSessions } from './node/server-sessions.js';
export type { ServerSessions } from './node/server-sessions.js';
export type { ClientOptions, ServerOptions, CipherNameAndProtocol } from './node/options.js';
export type {
  ClientConfig,
  ServerConfig,
  CommonConfig,
  CertifiedKey,
  ClientAuth,
  MessageTrace,
  PeerVerifier,
  PeerVerifyContext,
  TlsVersionName,
} from './policy/config.js';
export type { HandshakeMessage } from './codec/handshake.js';
export { dumpHandshake, hexDump } from './codec/dump.js';
export { DEFAULT_DH_MIN_BITS, LOWEST_DH_MIN_BITS } from './policy/defaults.js';
export { createClientConnection, createServerConnection } from './hello/start.js';
export type { TlsConnection, TlsEvent, SessionInfo } from './engine/connection.js';
export { parseCipherList, parseTls13Ciphersuites, CipherListError } from './policy/cipher-list.js';
export type { ParsedCipherList } from './policy/cipher-list.js';
export type { SessionStore } from './session/store.js';
export type { SessionState } from './session/state.js';
export { MemorySessionStore } from './session/stores/memory.js';
export { ClientSessionCache } from './session/client-cache.js';
export { SessionError } from './session/errors.js';
export type { SessionErrorCode } from './session/errors.js';
export type { MemoryStoreOptions } from './session/stores/memory.js';
// The SQLite and Redis stores are their own entry points (postern/tls/sqlite, postern/tls/redis), so that
// importing postern/tls never loads better-sqlite3 or ioredis.
export { sessionTimeout } from './session/timeout.js';
export { DEFAULT_SESSION_CACHE_TIMEOUT } from './policy/defaults.js';
export { TlsConfigError } from './error/config-error.js';
export type { TlsConfigReason } from './error/config-error.js';
export { TlsAlert } from './error/tls-alert.js';
export type { TlsErrorKind, TlsErrorReason } from './error/reasons.js';
export type { ClientHelloQuestion, ClientHelloAnswer } from './engine/client-hello-question.js';
export { resolveClientConfig, resolveServerConfig } from './policy/resolve-config.js';
export type { ResolvedClientConfig, ResolvedServerConfig } from './policy/resolve-config.js';
