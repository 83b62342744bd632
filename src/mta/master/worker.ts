// A worker process of the master: runs one role until told to drain or stop.
import { loadConfiguration } from '../config/index.js';
import { isToWorker, type ToMaster } from './ipc.js';
import type { WorkerRole } from './service-plan.js';
import { runRole, type RunningRole } from './worker-services.js';

function tell(message: ToMaster): void {
  process.send?.(message);
}

export async function runWorker(): Promise<void> {
  const role = process.env['POSTERN_ROLE'] as WorkerRole;
  const index = Number(process.env['POSTERN_SERVICE']);
  const config = loadConfiguration(process.env['POSTERN_CONFIG'] ?? '.');
  let running: RunningRole;
  try {
    running = await runRole(config, role, index, (id) => tell({ type: 'queued', id }));
  } catch (e) {
    tell({ type: 'fatal', reason: (e as Error).message });
    // Let the message reach the master before the channel closes.
    setTimeout(() => process.exit(1), 100);
    return;
  }
  // The master's SIGTERM reaches the whole process group; the master's own 'stop' message is what ends us.
  process.on('SIGTERM', () => undefined);
  process.on('SIGINT', () => undefined);
  process.on('SIGHUP', () => undefined);
  process.on('message', (m: unknown) => {
    if (!isToWorker(m)) return;
    if (m.type === 'wake') running.wake();
    else
      void (m.type === 'drain' ? running.drain() : running.stop()).finally(() => process.exit(0));
  });
  process.on('disconnect', () => void running.stop().finally(() => process.exit(0)));
  tell({ type: 'ready' });
}
