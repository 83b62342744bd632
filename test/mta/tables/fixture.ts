import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A private temporary directory for table files, removed by cleanup(). */
export function tableDir(): {
  path(name: string): string;
  write(name: string, text: string): string;
  cleanup(): void;
} {
  const dir = mkdtempSync(join(tmpdir(), 'postern-tables-'));
  return {
    path: (name) => join(dir, name),
    write(name, text) {
      const file = join(dir, name);
      writeFileSync(file, text);
      return file;
    },
    cleanup: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Collects warnings instead of printing them. */
export function warnings(): { list: string[]; sink: (m: string) => void } {
  const list: string[] = [];
  return { list, sink: (m) => list.push(m) };
}
