// The master (Postfix master(8)): reads main.cf and master.cf, starts the
// worker processes the service plan names (several smtpd processes share each
// listening socket through node:cluster), restarts a crashed worker with a
// back-off, wakes the queue manager when a message is queued, reloads on
// SIGHUP (new workers on the new configuration; old smtpd workers stop
// accepting and finish their connections), and stops on SIGTERM.
import cluster, { type Worker } from 'node:cluster';
import { loadConfiguration, type Configuration } from '../config/index.js';
import { isToMaster, type ToWorker } from './ipc.js';
import { planServices, type PlannedWorker } from './service-plan.js';
import { logFor } from './worker-services.js';
import { removePidFile, writePidFile } from './pid-file.js';

const MIN_RESTART_DELAY_MS = 1000;
const MAX_RESTART_DELAY_MS = 30_000;
/** A worker that ran this long before dying starts its back-off again from the minimum. */
const STABLE_AFTER_MS = 60_000;
const STOP_GRACE_MS = 10_000;

interface Slot {
  readonly plan: PlannedWorker;
  readonly generation: number;
  worker?: Worker;
  startedAt: number;
  delay: number;
  retiring: boolean;
}

export interface MasterOptions {
  readonly configDirectory: string;
  /** Called once every worker of the first generation is ready (tests wait on it). */
  readonly onReady?: () => void;
}

export class Master {
  private config: Configuration;
  private generation = 0;
  private slots: Slot[] = [];
  private stopping = false;
  private readonly log: (line: string) => void;
  private readyCount = 0;
  private readySent = false;

  constructor(private readonly o: MasterOptions) {
    this.config = loadConfiguration(o.configDirectory);
    this.log = logFor(this.config.main, 'master');
  }

  start(): void {
    for (const w of this.config.warnings) this.log(`warning: ${w.message}`);
    writePidFile(this.config.main.string('data_directory'), process.pid);
    cluster.setupPrimary({ args: process.argv.slice(2), silent: false });
    this.launchGeneration();
    process.on('SIGTERM', () => void this.stop(0));
    process.on('SIGINT', () => void this.stop(0));
    process.on('SIGHUP', () => this.reload());
    this.log(`daemon started -- version postern, configuration ${this.o.configDirectory}`);
  }

  private launchGeneration(): void {
    const plan = planServices(this.config);
    for (const notice of plan.notices) this.log(notice);
    this.generation++;
    this.readyCount = 0;
    for (const p of plan.workers)
      for (let i = 0; i < p.count; i++)
        this.spawn({
          plan: p,
          generation: this.generation,
          startedAt: 0,
          delay: MIN_RESTART_DELAY_MS,
          retiring: false,
        });
  }

  private expectedReady(): number {
    return this.slots.filter((s) => s.generation === this.generation).length;
  }

  private spawn(slot: Slot): void {
    const env = {
      POSTERN_ROLE: slot.plan.role,
      POSTERN_SERVICE: String(slot.plan.service),
      POSTERN_CONFIG: this.o.configDirectory,
      POSTERN_GENERATION: String(slot.generation),
    };
    const worker = cluster.fork(env);
    slot.worker = worker;
    slot.startedAt = Date.now();
    if (!this.slots.includes(slot)) this.slots.push(slot);
    worker.on('message', (m: unknown) => this.onMessage(slot, m));
    worker.on('exit', (code, signal) => this.onExit(slot, code, signal));
    // A send to a worker that just died fails with EPIPE; its 'exit' handler restarts it.
    worker.on('error', (err: Error) =>
      this.log(`warning: ${slot.plan.role} worker: ${err.message}`),
    );
  }

  private onMessage(slot: Slot, m: unknown): void {
    if (!isToMaster(m)) return;
    if (m.type === 'queued') this.send('qmgr', { type: 'wake' });
    else if (m.type === 'fatal') this.log(`fatal: ${slot.plan.role} worker: ${m.reason}`);
    else if (m.type === 'ready' && slot.generation === this.generation) {
      this.readyCount++;
      if (this.readyCount === this.expectedReady()) this.onGenerationReady();
    }
  }

  private onGenerationReady(): void {
    for (const old of this.slots.filter((s) => s.generation < this.generation && !s.retiring)) {
      old.retiring = true;
      old.worker?.send({ type: 'drain' } satisfies ToWorker);
    }
    if (!this.readySent) {
      this.readySent = true;
      this.o.onReady?.();
    }
  }

  private send(role: string, message: ToWorker): void {
    for (const s of this.slots)
      if (s.plan.role === role && s.generation === this.generation && s.worker?.isConnected())
        s.worker.send(message);
  }

  private onExit(slot: Slot, code: number | null, signal: string | null): void {
    if (this.stopping || slot.retiring || slot.generation < this.generation) {
      this.slots = this.slots.filter((s) => s !== slot);
      return;
    }
    const ran = Date.now() - slot.startedAt;
    if (ran > STABLE_AFTER_MS) slot.delay = MIN_RESTART_DELAY_MS;
    this.log(
      `warning: process ${slot.plan.role} pid ${slot.worker?.process.pid ?? '?'} exit ${signal !== null ? `signal ${signal}` : `status ${code}`}; restarting in ${slot.delay / 1000}s`,
    );
    const delay = slot.delay;
    slot.delay = Math.min(slot.delay * 2, MAX_RESTART_DELAY_MS);
    setTimeout(() => {
      if (!this.stopping && slot.generation === this.generation) this.spawn(slot);
    }, delay).unref();
  }

  /** SIGHUP: a new configuration, new workers; the old finish what they have. A bad configuration keeps the old one running. */
  reload(): void {
    try {
      this.config = loadConfiguration(this.o.configDirectory);
    } catch (e) {
      this.log(
        `warning: reload refused, keeping the running configuration: ${(e as Error).message}`,
      );
      return;
    }
    this.log('reload -- version postern, configuration ' + this.o.configDirectory);
    this.launchGeneration();
  }

  async stop(code: number): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    this.log('terminating on signal');
    const alive = this.slots.flatMap((s) =>
      s.worker !== undefined && !s.worker.isDead() ? [s.worker] : [],
    );
    for (const w of alive) if (w.isConnected()) w.send({ type: 'stop' } satisfies ToWorker);
    const deadline = Date.now() + STOP_GRACE_MS;
    while (alive.some((w) => !w.isDead()) && Date.now() < deadline)
      await new Promise((r) => setTimeout(r, 50));
    for (const w of alive) if (!w.isDead()) w.process.kill('SIGKILL');
    removePidFile(this.config.main.string('data_directory'));
    process.exit(code);
  }
}
