// Group commit for directory entries. A new queue file is durable only once
// its directory entry is: after the rename, the directory itself must be
// fsync'd (fsync(2): "calling fsync() on the file does not ensure that the
// entry in the directory … has also reached disk"). Many messages arriving at
// once share that fsync: a caller asks for a sync that starts after its rename;
// while one sync runs, every request that comes in waits for the next one, and
// that next one covers them all. So N concurrent messages cost about two
// directory fsyncs, not N. (Each file's own data is fsync'd by its writer;
// concurrent fsyncs of different files land in one journal commit on ext4 and
// xfs, which is as much grouping as a file system allows.)
import { syncPath } from '../../prng/index.js';

export class DirectorySync {
  private running: Promise<void> | undefined;
  private next: Promise<void> | undefined;
  /** How many fsyncs of the directory were made (tests and the bench read it). */
  syncs = 0;

  constructor(readonly directory: string) {}

  /** Resolves once a directory fsync that started after this call has completed. */
  request(): Promise<void> {
    if (this.running === undefined) {
      this.running = this.runOnce();
      return this.running;
    }
    this.next ??= this.running.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.next;
  }

  private startQueued(): Promise<void> {
    this.next = undefined;
    this.running = this.runOnce();
    return this.running;
  }

  private async runOnce(): Promise<void> {
    try {
      await syncPath(this.directory);
      this.syncs++;
    } finally {
      if (this.next === undefined) this.running = undefined;
    }
  }
}
