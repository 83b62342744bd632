// Messages between the master and its worker processes (over node:cluster's
// IPC channel): a smtpd worker reports each queued message, the master wakes
// the queue manager; the master asks workers to drain (reload) or stop.
export type ToWorker =
  { readonly type: 'wake' } | { readonly type: 'drain' } | { readonly type: 'stop' };
export type ToMaster =
  | { readonly type: 'queued'; readonly id: string }
  | { readonly type: 'ready' }
  | { readonly type: 'fatal'; readonly reason: string };

export function isToWorker(m: unknown): m is ToWorker {
  return (
    typeof m === 'object' &&
    m !== null &&
    ['wake', 'drain', 'stop'].includes((m as { type?: unknown }).type as string)
  );
}

export function isToMaster(m: unknown): m is ToMaster {
  return (
    typeof m === 'object' &&
    m !== null &&
    ['queued', 'ready', 'fatal'].includes((m as { type?: unknown }).type as string)
  );
}
