// What one worker process runs, by role: smtpd (one master.cf inet line),
// the queue manager with local delivery, or tlsmgr.
import { processEntropyPool, systemClock, type Random } from '../../prng/index.js';
import type { Configuration, ParameterSet } from '../config/index.js';
import { createMailLog } from '../log/mail-log.js';
import { createSmtpTransports } from '../delivery/smtp-service.js';
import { createQmgrService, openQueue } from '../qmgr/qmgr-service.js';
import { createSmtpdService } from '../smtpd/smtpd-service.js';
import { openTable } from '../tables/open.js';
import type { Table } from '../tables/table.js';
import { openSessionStore } from '../tls/session-cache-spec.js';
import { Tlsmgr } from '../tlsmgr/tlsmgr.js';
import { tlsRandomParameters } from '../tlsmgr/tls-random-parameters.js';
import type { WorkerRole } from './service-plan.js';

/** What a running role gives its process: how to wake it, drain it (reload) and stop it. */
export interface RunningRole {
  wake(): void;
  drain(): Promise<void>;
  stop(): Promise<void>;
}

export function logFor(params: ParameterSet, program: string): (line: string) => void {
  return createMailLog({
    file: params.string('maillog_file'),
    hostname: params.string('myhostname'),
    syslogName: params.string('syslog_name'),
  }).program(program);
}

function tableOpener(config: Configuration, log: (line: string) => void): (spec: string) => Table {
  const cache = new Map<string, Table>();
  return (spec) => {
    let t = cache.get(spec);
    if (t === undefined) {
      t = openTable(spec, {
        baseDirectory: config.directory,
        warn: (w: string) => log(`warning: ${w}`),
      });
      cache.set(spec, t);
    }
    return t;
  };
}

/** The process's seeded randomness (tls_random_exchange_name, tls_daemon_random_source; the seed's PRNG design). */
async function processRandom(p: ParameterSet, log: (line: string) => void): Promise<Random> {
  return processEntropyPool({
    tlsRandomExchangeName: p.string('tls_random_exchange_name'),
    tlsDaemonRandomSource: p.string('tls_daemon_random_source'),
    tlsDaemonRandomBytes: p.int('tls_daemon_random_bytes'),
    tlsRandomReseedPeriod: p.time('tls_random_reseed_period'),
    logger: { info: log, warn: (m) => log(`warning: ${m}`) },
  });
}

async function runSmtpd(
  config: Configuration,
  index: number,
  queued: (id: string) => void,
): Promise<RunningRole> {
  const service = config.services[index];
  if (service === undefined || service.address === undefined)
    throw new Error(`no inet service at master.cf index ${index}`);
  const p = config.forService(service);
  const log = logFor(p, 'smtpd');
  const random = await processRandom(p, log);
  const cacheSpec = p.tables('smtpd_tls_session_cache_database')[0];
  const sessionStore = cacheSpec !== undefined ? await openSessionStore(cacheSpec) : undefined;
  const server = await createSmtpdService({
    params: p,
    queue: await openQueue(p, random),
    random,
    openTable: tableOpener(config, log),
    ...(sessionStore !== undefined ? { sessionStore } : {}),
    log,
    queued,
  });
  const host = service.address.host ?? listenHost(p);
  await server.listen(service.address.port, host);
  return {
    wake: () => undefined,
    drain: () => server.drain(),
    stop: () => server.close(),
  };
}

/** inet_interfaces: `all` listens everywhere; `loopback-only` on 127.0.0.1; else the first address given. */
function listenHost(p: ParameterSet): string | undefined {
  const first = p.list('inet_interfaces')[0] ?? 'all';
  if (first === 'all') return undefined;
  if (first === 'loopback-only' || first === 'localhost') return '127.0.0.1';
  return first;
}

async function runQmgr(config: Configuration): Promise<RunningRole> {
  const p = config.main;
  const log = logFor(p, 'qmgr');
  const random = await processRandom(p, log);
  const openTable = tableOpener(config, log);
  const transports = await createSmtpTransports(config, {
    openTable,
    log: (params) => logFor(params, 'smtp'),
  });
  const { manager } = await createQmgrService({ params: p, random, openTable, log, transports });
  await manager.start();
  const stop = async (): Promise<void> => {
    await manager.stop();
    await Promise.all(transports.map((t) => t.close()));
  };
  return { wake: () => manager.wake(), drain: stop, stop };
}

async function runTlsmgr(config: Configuration, index: number): Promise<RunningRole> {
  const service = config.services[index];
  const p = service !== undefined ? config.forService(service) : config.main;
  const log = logFor(p, 'tlsmgr');
  const tlsmgr = new Tlsmgr({
    ...tlsRandomParameters(p),
    logger: { info: log, warn: (m) => log(`warning: ${m}`) },
    clock: systemClock,
  });
  await tlsmgr.start();
  return { wake: () => undefined, drain: () => tlsmgr.stop(), stop: () => tlsmgr.stop() };
}

export function runRole(
  config: Configuration,
  role: WorkerRole,
  index: number,
  queued: (id: string) => void,
): Promise<RunningRole> {
  if (role === 'smtpd') return runSmtpd(config, index, queued);
  if (role === 'qmgr') return runQmgr(config);
  return runTlsmgr(config, index);
}
