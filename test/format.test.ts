import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import * as prettier from 'prettier';
import { repoRoot } from './helpers/vectors.js';

/** The TypeScript trees the formatter owns (.prettierrc.json gives the style). */
const FORMATTED_TREES = ['src', 'test', 'bench'];

function typeScriptFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return typeScriptFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

test('every TypeScript source is formatted as Prettier writes it (npx prettier --write)', async () => {
  const root = repoRoot;
  const files = FORMATTED_TREES.flatMap((tree) => typeScriptFiles(join(root, tree)));
  assert.ok(files.length > 100, `found only ${files.length} sources under ${root}`);
  const unformatted: string[] = [];
  for (const file of files) {
    const options = await prettier.resolveConfig(file);
    assert.ok(options, `no Prettier configuration applies to ${file}`);
    const source = readFileSync(file, 'utf8');
    if (!(await prettier.check(source, { ...options, filepath: file }))) {
      unformatted.push(relative(root, file));
    }
  }
  assert.deepEqual(unformatted, [], 'run `npx prettier --write` on these files');
});
