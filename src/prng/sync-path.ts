// fsync(2) of a path, a file or a directory. A rename or a new file is durable
// only once its directory is fsync'd too (fsync(2): "calling fsync() on the
// file does not ensure that the entry in the directory … has also reached
// disk"). Here, in the lowest layer, because the exchange file (this layer),
// the queue, Maildir delivery and table databases (src/mta) all need it.
import { closeSync, fsyncSync, openSync } from 'node:fs';
import { open } from 'node:fs/promises';

export function syncPathSync(path: string): void {
  const fd = openSync(path, 'r');
  try {
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

export async function syncPath(path: string): Promise<void> {
  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
