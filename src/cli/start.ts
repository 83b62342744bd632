// postern start / stop / reload / status (Postfix's postfix(1) start, stop,
// reload, status, with start in the foreground as `postfix start-fg`).
import cluster from 'node:cluster';
import { spawn } from 'node:child_process';
import { openSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfiguration } from '../mta/config/index.js';
import { Master } from '../mta/master/master.js';
import { runningMaster } from '../mta/master/pid-file.js';
import { runWorker } from '../mta/master/worker.js';
import {
  DEFAULT_ROOT,
  ensureDefaultConfiguration,
  firstRunInstructions,
} from '../mta/defaults/index.js';
import { createSystemRandom } from '../prng/index.js';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { optionValue, parseArgs } from './args.js';

function configDirectory(args: readonly string[]): { dir: string | undefined; detach: boolean } {
  const parsed = parseArgs(args, { options: ['c'], flags: ['d'] });
  if (parsed.positional.length > 0)
    throw new UsageError(`unexpected argument: ${parsed.positional[0]}`);
  return {
    dir: optionValue(parsed, 'c') ?? process.env['MAIL_CONFIG'],
    detach: parsed.flags.has('d'),
  };
}

/** Without -c or $MAIL_CONFIG: the built-in default under ./var/postern, written on first run (issue 14's npm start). */
async function defaultConfiguration(io: CommandIO): Promise<string> {
  const result = await ensureDefaultConfiguration(DEFAULT_ROOT, {
    random: createSystemRandom(),
    log: {
      info: (line: string) => void io.stderr.write(`${line}\n`),
      warn: (line: string) => void io.stderr.write(`warning: ${line}\n`),
    },
  });
  io.stdout.write(firstRunInstructions(result) + '\n');
  return result.configDirectory;
}

/** stop, reload, status: the same default as start. */
function knownDirectory(dir: string | undefined): string {
  return dir ?? join(DEFAULT_ROOT, 'etc');
}

function dataDirectory(dir: string): string {
  return loadConfiguration(dir).main.string('data_directory');
}

async function start(args: string[], io: CommandIO): Promise<number> {
  if (cluster.isWorker) {
    await runWorker();
    return new Promise<number>(() => undefined);
  }
  const given = configDirectory(args);
  const detach = given.detach;
  const dir = given.dir ?? (await defaultConfiguration(io));
  const running = runningMaster(dataDirectory(dir));
  if (running !== undefined) {
    io.stderr.write(`postern: fatal: the mail system is already running (pid ${running})\n`);
    return 1;
  }
  if (detach) return startDetached(dir, io);
  new Master({ configDirectory: dir }).start();
  return new Promise<number>(() => undefined);
}

/** -d: the same command in a new session, its output in $data_directory/master.log. */
function startDetached(dir: string, io: CommandIO): number {
  const log = openSync(join(dataDirectory(dir), 'master.log'), 'a');
  const child = spawn(process.execPath, [process.argv[1] ?? 'bin/postern.js', 'start', '-c', dir], {
    detached: true,
    stdio: ['ignore', log, log],
  });
  child.unref();
  io.stdout.write(
    `postern: started in the background (pid ${child.pid}); log in ${join(dataDirectory(dir), 'master.log')}\n`,
  );
  return 0;
}

function signalMaster(signal: NodeJS.Signals, verb: string) {
  return async (args: string[], io: CommandIO): Promise<number> => {
    const dir = knownDirectory(configDirectory(args).dir);
    const data = dataDirectory(dir);
    const pid = runningMaster(data);
    if (pid === undefined) {
      io.stderr.write('postern: fatal: the mail system is not running\n');
      return 1;
    }
    process.kill(pid, signal);
    if (signal === 'SIGTERM') {
      const deadline = Date.now() + 15_000;
      while (runningMaster(data) !== undefined && Date.now() < deadline)
        await new Promise((r) => setTimeout(r, 100));
    }
    io.stdout.write(`postern: ${verb} (pid ${pid})\n`);
    return 0;
  };
}

const SERVICE_OPTIONS = '[-c CONFIG_DIR]';

export const startCommand: Command = {
  name: 'start',
  summary: 'run the mail system of main.cf and master.cf (foreground; -d detaches)',
  usage: `usage: postern start ${SERVICE_OPTIONS} [-d]\n\nRuns the services of CONFIG_DIR/master.cf (default $MAIL_CONFIG, else the built-in\nconfiguration under ./var/postern, written on first run) until SIGTERM;\nSIGHUP reloads. -d detaches, logging to $data_directory/master.log.`,
  run: start,
};

export const stopCommand: Command = {
  name: 'stop',
  summary: 'stop the running mail system',
  usage: `usage: postern stop ${SERVICE_OPTIONS}`,
  run: signalMaster('SIGTERM', 'stopped'),
};

export const reloadCommand: Command = {
  name: 'reload',
  summary: 're-read configuration, tables and certificates; connections in flight finish',
  usage: `usage: postern reload ${SERVICE_OPTIONS}`,
  run: signalMaster('SIGHUP', 'reload signal sent'),
};

export const statusCommand: Command = {
  name: 'status',
  summary: 'say whether the mail system is running',
  usage: `usage: postern status ${SERVICE_OPTIONS}`,
  async run(args, io) {
    const dir = knownDirectory(configDirectory(args).dir);
    const pid = runningMaster(dataDirectory(dir));
    io.stdout.write(
      pid === undefined
        ? 'postern: the mail system is not running\n'
        : `postern: the mail system is running: PID: ${pid}\n`,
    );
    return pid === undefined ? 1 : 0;
  },
};
