// The TLS layer's public surface: what Node programs and the upper layers
// (src/smtp, src/mta, src/cli) import. Internal files may move; these names stay.
export { TLSSocket, TlsConnectionError } from './node/tls-socket.js';
export { connect, startTlsClient, startTlsServer } from './node/connect.js';
export type { ConnectOptions } from './node/connect.js';
export { createServer } from './node/create-server.js';
export type { ClientOptions, ServerOptions, CipherNameAndProtocol } from './node/options.js';
export type { ClientConfig, ServerConfig, CommonConfig, CertifiedKey, ClientAuth, PeerVerifier, PeerVerifyContext, TlsVersionName } from './policy/config.js';
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
export { SqliteSessionStore } from './session/stores/sqlite.js';
export type { SqliteStoreOptions } from './session/stores/sqlite.js';
export { RedisSessionStore } from './session/stores/redis.js';
export type { RedisAddress, RedisStoreOptions } from './session/stores/redis.js';
export { sessionTimeout } from './session/timeout.js';
export { DEFAULT_SESSION_CACHE_TIMEOUT } from './policy/defaults.js';
