import { spawn } from 'node:child_process';
import type { ChildProcessWithoutNullStreams } from 'node:child_process';
import { createServer } from 'node:net';
import { after } from 'node:test';

/** A port on 127.0.0.1 that was free a moment ago (the OS picks it). */
export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      if (addr === null || typeof addr === 'string') {
        srv.close();
        reject(new Error('no port'));
        return;
      }
      srv.close(() => resolve(addr.port));
    });
  });
}

export interface Peer {
  proc: ChildProcessWithoutNullStreams;
  /** Everything the process printed on stdout so far. */
  stdout(): string;
  stderr(): string;
  /** Resolves when stdout+stderr matches, rejects on exit or timeout. */
  waitFor(pattern: RegExp, timeoutMs?: number): Promise<void>;
  /** Resolves with the exit code (null when killed by a signal). */
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

const running = new Set<Peer>();

// Registered when the test file imports this module, so it belongs to the file, not to whichever test starts the first peer.
after(async () => {
  await Promise.all([...running].map((p) => p.stop()));
});

/**
 * Starts a peer process (openssl, gnutls, swaks…) and makes sure it is
 * stopped when the test file ends, whatever happens to the test.
 */
export function startPeer(
  command: string,
  args: readonly string[],
  opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {},
): Peer {
  const proc = spawn(command, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: 'pipe' });
  let out = '';
  let err = '';
  const waiters: { pattern: RegExp; resolve: () => void }[] = [];
  const check = (): void => {
    for (const w of [...waiters]) {
      if (w.pattern.test(out + err)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve();
      }
    }
  };
  proc.stdout.on('data', (d: Buffer) => {
    out += d.toString('latin1');
    check();
  });
  proc.stderr.on('data', (d: Buffer) => {
    err += d.toString('latin1');
    check();
  });
  const exited = new Promise<number | null>((resolve) =>
    proc.once('close', (code) => resolve(code)),
  );
  const peer: Peer = {
    proc,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitFor(pattern, timeoutMs = 10_000) {
      return new Promise<void>((resolve, reject) => {
        if (pattern.test(out + err)) {
          resolve();
          return;
        }
        const timer = setTimeout(
          () =>
            reject(
              new Error(
                `${command}: timed out waiting for ${pattern}\nstdout: ${out}\nstderr: ${err}`,
              ),
            ),
          timeoutMs,
        );
        const done = (): void => {
          clearTimeout(timer);
          resolve();
        };
        waiters.push({ pattern, resolve: done });
        void exited.then((code) => {
          clearTimeout(timer);
          if (!pattern.test(out + err))
            reject(
              new Error(
                `${command} exited (${code}) before ${pattern}\nstdout: ${out}\nstderr: ${err}`,
              ),
            );
        });
      });
    },
    async stop() {
      running.delete(peer);
      if (proc.exitCode === null && proc.signalCode === null) {
        proc.kill('SIGTERM');
        const timer = setTimeout(() => proc.kill('SIGKILL'), 2000);
        await exited;
        clearTimeout(timer);
      }
    },
  };
  running.add(peer);
  return peer;
}

/** Runs a command to completion with the given stdin; resolves with its output and exit code. */
export async function run(
  command: string,
  args: readonly string[],
  input: string | Uint8Array = '',
  timeoutMs = 30_000,
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const peer = startPeer(command, args);
  // A command that exits before reading its input (a refused handshake) makes the write fail with EPIPE:
  // that is the command's result, reported by its exit code, not an error of the test.
  peer.proc.stdin.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code !== 'EPIPE') throw err;
  });
  peer.proc.stdin.end(input);
  const timer = setTimeout(() => void peer.stop(), timeoutMs);
  const code = await peer.exited;
  clearTimeout(timer);
  running.delete(peer);
  return { code, stdout: peer.stdout(), stderr: peer.stderr() };
}
