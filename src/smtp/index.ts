// The SMTP layer's public surface, for src/mta and src/cli.
export { SmtpServerSession, decodeBase64 } from './server/session.js';
export type { SmtpdOptions, ClientEndpoint, TlsSecurityLevel } from './server/options.js';
export type {
  SessionEvent,
  ReceivedMessage,
  DeliveryVerdict,
  TlsDetails,
  Recipient,
} from './server/events.js';
export type {
  SessionPolicy,
  PolicyVerdict,
  PolicyStage,
  SessionFacts,
  SessionTlsFacts,
} from './server/policy.js';
export { formatReceived, rfc5322Date } from './server/received.js';
export type { ReceivedOptions } from './server/received.js';
export { tlsConnectionLogLine } from './server/tls-summary.js';
export type { SaslBackend, SaslExchange, SaslStep, SaslContext } from './sasl/backend.js';
export { SmtpServer } from './node/server.js';
export type { SmtpServerOptions } from './node/server.js';
export { SessionDriver } from './node/driver.js';
export type { DriverIo, DriverDeps } from './node/driver.js';
export type { Delivery } from './node/delivery.js';
export { MemoryDelivery } from './node/delivery.js';
export type { SmtpLogger } from './node/logger.js';
export { streamLogger, MemoryLogger } from './node/logger.js';
export { tlsDetails } from './node/tls-details.js';
export type { BareNewlinePolicy } from './codec/data.js';
export type { Reply } from './codec/reply.js';
export { reply, replyText } from './codec/reply.js';
export { encodeReply, ReplyWriter } from './codec/reply-writer.js';
export { ReplyParser } from './codec/reply-parser.js';
export { dumpReplies } from './codec/reply-dump.js';
