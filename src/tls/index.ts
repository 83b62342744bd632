// The TLS layer's public surface: what Node programs and the upper layers
// (src/smtp, src/mta, src/cli) import. Internal files may move; these names stay.
export { connect, createServer, startTlsClient, startTlsServer, TLSSocket, TlsConnectionError } from './socket.js';
export type { ClientOptions, ServerOptions, ConnectOptions, CipherNameAndProtocol } from './socket.js';
export type { ClientConfig, ServerConfig, CommonConfig, CertifiedKey, ClientAuth, PeerVerifier, PeerVerifyContext, TlsVersionName } from './config.js';
export { DEFAULT_DH_MIN_BITS, LOWEST_DH_MIN_BITS } from './config.js';
export { createClientConnection, createServerConnection } from './engine.js';
export type { TlsConnection, TlsEvent, SessionInfo } from './connection.js';
export { parseCipherList, parseTls13Ciphersuites, CipherListError } from './cipher-list.js';
export type { ParsedCipherList } from './cipher-list.js';
export type { SessionStore } from './session/store.js';
export type { SessionState } from './session/state.js';
export { MemorySessionStore } from './session/memory-store.js';
export { ClientSessionCache, destinationKey } from './session/client-cache.js';
export { openSessionStore, parseSessionCacheSpec } from './session/spec.js';
export type { SessionCacheSpec, OpenStoreOptions } from './session/spec.js';
export { sessionTimeout, DEFAULT_SESSION_CACHE_TIMEOUT } from './session/timeout.js';
