import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test } from 'node:test';
import { editMainCf, editMainCfText } from '../../../src/mta/config/main-cf-edit.js';

const TEXT = [
  '# TLS settings',
  'smtpd_use_tls = yes',
  '',
  'mydestination = $myhostname,',
  '    localhost',
  '# end',
  'relayhost = a',
  'relayhost = b',
  '',
].join('\n');

test('-e replaces a definition in place, continuation lines included, and appends new names', () => {
  const edited = editMainCfText(TEXT, 'main.cf', {
    set: new Map([
      ['mydestination', 'example.com'],
      ['myorigin', '$mydomain'],
      ['smtpd_use_tls', 'no'],
    ]),
  });
  assert.equal(
    edited,
    [
      '# TLS settings',
      'smtpd_use_tls = no',
      '',
      'mydestination = example.com',
      '# end',
      'relayhost = a',
      'relayhost = b',
      'myorigin = $mydomain',
      '',
    ].join('\n'),
  );
});

test('-e of a name defined twice keeps one definition, where the first was', () => {
  const edited = editMainCfText(TEXT, 'main.cf', {
    set: new Map([['relayhost', '[relay.example.com]']]),
  });
  assert.match(edited, /# end\nrelayhost = \[relay\.example\.com\]\n$/);
  assert.equal(edited.match(/relayhost/g)?.length, 1);
});

test('-X removes every definition of a name and nothing else', () => {
  const edited = editMainCfText(TEXT, 'main.cf', {
    remove: new Set(['relayhost', 'mydestination', 'not_there']),
  });
  assert.equal(edited, ['# TLS settings', 'smtpd_use_tls = yes', '', '# end', ''].join('\n'));
});

test('editMainCf writes a new file and renames it over main.cf', () => {
  const dir = mkdtempSync(join(tmpdir(), 'postern-edit-'));
  try {
    const file = join(dir, 'main.cf');
    writeFileSync(file, TEXT);
    editMainCf(file, { set: new Map([['smtpd_use_tls', 'no']]) });
    assert.match(readFileSync(file, 'latin1'), /^# TLS settings\nsmtpd_use_tls = no\n/);
    assert.deepEqual(readdirSync(dir), ['main.cf'], 'no temporary file left behind');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
