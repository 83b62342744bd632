import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const bin = fileURLToPath(new URL('../../../bin/postern.js', import.meta.url));

function sendmail(args: string[], input: string): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [bin, 'sendmail', ...args], { input, encoding: 'latin1', timeout: 20_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('sendmail -bs: SMTP on stdin/stdout, no STARTTLS, the message lands in the Maildir', () => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-sendmail-'));
  try {
    const r = sendmail(['-bs', '-C', dir], 'EHLO local\r\nSTARTTLS\r\nMAIL FROM:<me@example.org>\r\nRCPT TO:<you@example.com>\r\nDATA\r\nSubject: hi\r\n\r\nbody\r\n.\r\nQUIT\r\n');
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^220 \S+ ESMTP postern\r\n/);
    assert.doesNotMatch(r.stdout, /250-STARTTLS/);
    assert.match(r.stdout, /502 5\.5\.1 Error: command not implemented\r\n/);
    assert.match(r.stdout, /250 2\.0\.0 Ok: queued as \w+\r\n221 2\.0\.0 Bye\r\n$/);
    const files = readdirSync(join(dir, 'new'));
    assert.equal(files.length, 1);
    const text = readFileSync(join(dir, 'new', files[0] as string), 'utf8');
    assert.match(text, /^Return-Path: <me@example.org>\nReceived: from local \(localhost \[127\.0\.0\.1\]\)\n/);
    assert.match(text, /\nSubject: hi\n\nbody\n$/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('sendmail -bs: a message finished before stdin ends is still delivered; other modes are refused', () => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-sendmail-'));
  try {
    const r = sendmail(['-bs', '-C', dir], 'HELO l\r\nMAIL FROM:<>\r\nRCPT TO:<x@y.z>\r\nDATA\r\n.\r\n');
    assert.equal(r.status, 0);
    assert.equal(readdirSync(join(dir, 'new')).length, 1);
    const bad = sendmail(['-t'], '');
    assert.equal(bad.status, 2);
    assert.match(bad.stderr, /only -bs/);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
