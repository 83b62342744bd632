// maildir(5) delivery, atomic: the file is written under tmp/, fsync'd,
// renamed into new/, and new/ is fsync'd before the delivery counts as done.
// A crash before the rename leaves only a tmp/ file, which no mail reader
// shows; after it, the message is there exactly once.
import { mkdir, open, rename, rm } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { syncPath } from '../../prng/index.js';

let counter = 0;

/** A unique file name as maildir(5) recommends: time, a process-unique part, the host. */
function uniqueName(now: number): string {
  const host = hostname().replace(/\//g, '\\057').replace(/:/g, '\\072');
  return `${Math.floor(now / 1000)}.M${(now % 1000) * 1000}P${process.pid}Q${++counter}.${host}`;
}

export async function ensureMaildir(maildir: string): Promise<void> {
  for (const sub of ['tmp', 'new', 'cur'])
    await mkdir(join(maildir, sub), { recursive: true, mode: 0o700 });
}

/** Writes one message into `maildir`; resolves with the file's path in new/ once it is durable. */
export async function writeMaildirMessage(
  maildir: string,
  parts: readonly Uint8Array[],
  now: number = Date.now(),
): Promise<string> {
  await ensureMaildir(maildir);
  const name = uniqueName(now);
  const tmp = join(maildir, 'tmp', name);
  const handle = await open(tmp, 'wx', 0o600);
  try {
    await handle.writev(parts.map((p) => Buffer.from(p.buffer, p.byteOffset, p.byteLength)));
    await handle.sync();
  } catch (e) {
    await handle.close();
    await rm(tmp, { force: true });
    throw e;
  }
  await handle.close();
  const final = join(maildir, 'new', name);
  await rename(tmp, final);
  await syncPath(join(maildir, 'new'));
  return final;
}

/** CRLF line ends to LF, as local(8) stores mail on disk; a bare CR stays. */
export function crlfToLf(bytes: Uint8Array): Uint8Array {
  if (!bytes.includes(0x0d)) return bytes;
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    if (bytes[i] === 0x0d && bytes[i + 1] === 0x0a) continue;
    out[n++] = bytes[i]!;
  }
  return out.subarray(0, n);
}
