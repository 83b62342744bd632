// Which processes master.cf asks for, and which of its services postern does
// not run (named at startup, never silently ignored).
import { cpus } from 'node:os';
import type { Configuration, MasterService } from '../config/index.js';

export type WorkerRole = 'smtpd' | 'qmgr' | 'tlsmgr';

export interface PlannedWorker {
  readonly role: WorkerRole;
  /** Index into configuration.services (smtpd), or -1 when the worker is not tied to one line. */
  readonly service: number;
  /** How many processes (smtpd: sharing the listening socket). */
  readonly count: number;
}

export interface ServicePlan {
  readonly workers: readonly PlannedWorker[];
  /** Lines for the log: services postern does not run, and why. */
  readonly notices: readonly string[];
}

/** Delivery agents that run inside the queue manager process (smtp: one transport per master.cf line, named after it). */
const IN_QMGR = new Set(['local', 'smtp']);
/** Postfix daemons whose work postern does inside other processes. */
const ABSORBED: Record<string, string> = {
  pickup: 'sendmail writes the queue directly',
  cleanup: 'smtpd writes complete queue files itself',
  bounce: 'the queue manager writes notices itself',
  defer: 'the queue manager writes notices itself',
  trace: 'the queue manager writes notices itself',
  rewrite: 'the queue manager routes recipients itself',
  showq: 'postern mailq reads the queue directly',
  flush: 'postern postqueue -f moves files itself',
  proxymap: 'each process opens its own tables',
  anvil: 'no connection rate limits yet',
  scache: 'no shared connection cache yet',
  postlog: 'each process writes the log itself',
  verify: 'no address verification yet',
  retry: 'the queue manager retries itself',
  error: 'the queue manager defers or bounces itself',
};

function smtpdCount(service: MasterService, defaultLimit: number): number {
  const limit = service.maxProcesses ?? defaultLimit;
  // Each worker serves many connections at once: one per core is the useful most.
  return Math.max(1, Math.min(limit === 0 ? cpus().length : limit, cpus().length));
}

export function planServices(config: Configuration): ServicePlan {
  const workers: PlannedWorker[] = [];
  const notices: string[] = [];
  const defaultLimit = config.main.int('default_process_limit');
  let qmgrListed = false;
  config.services.forEach((service, index) => {
    const command = service.command;
    if (command === 'smtpd' && service.type === 'inet')
      workers.push({ role: 'smtpd', service: index, count: smtpdCount(service, defaultLimit) });
    else if (command === 'qmgr' || command === 'nqmgr') qmgrListed = true;
    else if (command === 'tlsmgr') workers.push({ role: 'tlsmgr', service: index, count: 1 });
    else if (IN_QMGR.has(command)) return;
    else if (ABSORBED[command] !== undefined)
      notices.push(`service ${service.name} (${command}) is not run: ${ABSORBED[command]}`);
    else
      notices.push(
        `warning: service ${service.name} (${service.type} ${command}) is not run: postern has no ${command} program${command === 'lmtp' ? ' yet; such mail stays deferred' : ''}`,
      );
  });
  if (!qmgrListed)
    notices.push(
      'master.cf has no qmgr service: postern runs its queue manager anyway, since queued mail needs it',
    );
  workers.push({ role: 'qmgr', service: -1, count: 1 });
  return { workers, notices };
}
