// The master's pid file ($data_directory/master.pid, as Postfix keeps
// $queue_directory/pid/master.pid): written at start, read by stop, reload
// and status, removed at a clean exit.
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export function pidFilePath(dataDirectory: string): string {
  return join(dataDirectory, 'master.pid');
}

export function writePidFile(dataDirectory: string, pid: number): void {
  mkdirSync(dataDirectory, { recursive: true, mode: 0o700 });
  const path = pidFilePath(dataDirectory);
  writeFileSync(`${path}.tmp`, `${pid}\n`, { mode: 0o644 });
  renameSync(`${path}.tmp`, path);
}

export function removePidFile(dataDirectory: string): void {
  rmSync(pidFilePath(dataDirectory), { force: true });
}

/** The running master's pid, or undefined when none runs (no file, or a stale one). */
export function runningMaster(dataDirectory: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(pidFilePath(dataDirectory), 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw e;
  }
  const pid = Number(text.trim());
  if (!Number.isInteger(pid) || pid <= 0) return undefined;
  try {
    process.kill(pid, 0);
    return pid;
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ESRCH') return undefined;
    throw e;
  }
}
