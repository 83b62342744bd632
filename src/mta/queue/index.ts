// The durable queue's public surface for the rest of src/mta.
export { MailQueue, QueueError } from './mail-queue.js';
export type { MailQueueOptions } from './mail-queue.js';
export { recoverQueue } from './recovery.js';
export type { RecoveryReport, QueueLog } from './recovery.js';
export { QUEUE_NAMES } from './queue-names.js';
export type { QueueName } from './queue-names.js';
export {
  encodeResult,
  encodeDeferral,
  encodeWarned,
  decodeQueueFile,
  QUEUE_FORMAT_VERSION,
} from './queue-file.js';
export { isQueueId, newQueueId, queueIdTime } from './queue-id.js';
export { QueueFileError } from './record.js';
export type * from './message.js';
