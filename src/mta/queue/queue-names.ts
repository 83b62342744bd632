// The queues, as Postfix has them (qmgr(8), postsuper(1)).
export const QUEUE_NAMES = ['incoming', 'active', 'deferred', 'hold', 'corrupt'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/**
 * Queues whose files live in hashed subdirectories (Postfix hash_queue_names
 * = deferred, defer; hash_queue_depth = 1): one level, named by the ID's
 * tenth character, the fastest-changing digit of its arrival microseconds.
 */
export const HASHED_QUEUES: ReadonlySet<QueueName> = new Set<QueueName>(['deferred']);

export function hashDirectory(id: string): string {
  return id.charAt(9);
}
