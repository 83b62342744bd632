import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { loadConfiguration } from '../../../src/mta/config/index.js';
import {
  ensureDefaultConfiguration,
  firstRunInstructions,
} from '../../../src/mta/defaults/index.js';
import { deterministicRandom } from '../../../src/prng/index.js';
import { MailQueue } from '../../../src/mta/queue/index.js';
import { smtpdServerOptions } from '../../../src/mta/smtpd/smtpd-service.js';
import { openTable } from '../../../src/mta/tables/open.js';
import type { SaslBackend } from '../../../src/smtp/sasl/backend.js';

const dir = mkdtempSync(join(tmpdir(), 'postern-firstrun-'));
after(() => rmSync(dir, { recursive: true, force: true }));
const log = { info: (): void => {}, warn: (): void => {} };
// The format src/smtp/sasl/stored-secret.ts writes and parses: $scrypt$ln=N,r=R,p=P$<salt>$<hash>, unpadded base64.
const SCRYPT_LINE = /^postern \$scrypt\$ln=15,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/m;

describe('first run', async () => {
  const root = join(dir, 'var', 'postern');
  const r = await ensureDefaultConfiguration(root, {
    random: deterministicRandom('first run'),
    log,
    hostname: 'mail.example.org',
  });

  it('creates a configuration loadConfiguration loads with no warnings, with the three smtpd services and the internal ones', () => {
    assert.equal(r.created, true);
    const config = loadConfiguration(r.configDirectory);
    assert.deepEqual(config.warnings, []);
    assert.deepEqual(
      config.services.map((s) => `${s.name}/${s.type}/${s.command}`),
      [
        '127.0.0.1:2525/inet/smtpd',
        '127.0.0.1:2465/inet/smtpd',
        '127.0.0.1:2587/inet/smtpd',
        'tlsmgr/unix/tlsmgr',
        'qmgr/unix/qmgr',
        'local/unix/local',
        'smtp/unix/smtp',
        'relay/unix/smtp',
      ],
    );
    const [smtp, smtps, submission] = config.services;
    assert.ok(smtp && smtps && submission);
    assert.equal(config.forService(smtp).bool('smtpd_tls_wrappermode'), false);
    assert.equal(config.forService(smtps).bool('smtpd_tls_wrappermode'), true);
    assert.equal(config.forService(smtps).bool('smtpd_sasl_auth_enable'), true);
    assert.equal(config.forService(submission).bool('smtpd_tls_auth_only'), true);
    assert.equal(config.main.string('queue_directory'), join(root, 'queue'));
    assert.equal(config.main.string('virtual_mailbox_base'), join(root, 'mail'));
  });

  it('writes certificates that verify against themselves with openssl, keys and secrets mode 0600', () => {
    for (const [cert, key] of [
      [r.rsaCert, r.rsaKey],
      [r.ecdsaCert, r.ecdsaKey],
    ] as const) {
      assert.match(
        execFileSync('openssl', ['verify', '-CAfile', cert, cert], { encoding: 'utf8' }),
        /: OK/,
      );
      assert.match(
        execFileSync('openssl', ['x509', '-noout', '-ext', 'subjectAltName', '-in', cert], {
          encoding: 'utf8',
        }),
        /DNS:mail\.example\.org, DNS:localhost, IP Address:127\.0\.0\.1/,
      );
      assert.equal(statSync(key).mode & 0o777, 0o600);
    }
    assert.equal(statSync(r.saslPasswd).mode & 0o777, 0o600);
    assert.equal(statSync(r.firstUserFile).mode & 0o777, 0o600);
  });

  it('stores the user as a scrypt PHC line and its password in clear in first-user.txt', () => {
    assert.match(readFileSync(r.saslPasswd, 'utf8'), SCRYPT_LINE);
    assert.match(readFileSync(r.firstUserFile, 'utf8'), /^password: [A-Za-z0-9_-]{24}$/m);
    assert.match(readFileSync(r.aliases, 'utf8'), /^postmaster postern$/m);
  });

  it("the user's secret verifies its password through the submission service's SASL back end, as postern start builds it", async () => {
    const config = loadConfiguration(r.configDirectory);
    const submission = config.services[2];
    assert.ok(submission);
    const params = config.forService(submission);
    const random = deterministicRandom('sasl check');
    const queue = await MailQueue.open(params.string('queue_directory'), { random });
    const options = await smtpdServerOptions({
      params,
      queue,
      random,
      openTable: (spec) => openTable(spec, { baseDirectory: config.directory }),
      log: () => {},
      queued: () => {},
    });
    const sasl = options.sasl;
    assert.ok(sasl);
    const password = /^password: (\S+)$/m.exec(readFileSync(r.firstUserFile, 'utf8'))?.[1];
    assert.ok(password !== undefined);
    const plain = async (backend: SaslBackend, pw: string): Promise<string> => {
      const { first } = await backend.start('PLAIN', new TextEncoder().encode(`\0postern\0${pw}`), {
        clientAddress: '127.0.0.1',
        secured: true,
        service: 'smtp',
      });
      return first.kind === 'success' ? `success ${first.user}` : first.kind;
    };
    assert.equal(await plain(sasl, password), 'success postern');
    assert.equal(await plain(sasl, `${password}x`), 'failure');
  });

  it('prints where things are and a first message to send', () => {
    const text = firstRunInstructions(r);
    assert.match(text, /swaks --server 127\.0\.0\.1:2525 --tls --to postern@mail\.example\.org/);
    assert.match(text, /python3 -c .*starttls/);
    assert.ok(text.includes(join(root, 'mail', 'postern', 'Maildir', 'new')));
  });

  it('changes nothing on a second run, and never overwrites an edited main.cf', async () => {
    writeFileSync(r.mainCf, readFileSync(r.mainCf, 'utf8') + 'smtpd_tls_loglevel = 2\n');
    const before = readFileSync(r.mainCf, 'utf8');
    const cert = readFileSync(r.rsaCert, 'utf8');
    const again = await ensureDefaultConfiguration(root, {
      random: deterministicRandom('second run'),
      log,
      hostname: 'mail.example.org',
    });
    assert.equal(again.created, false);
    assert.equal(readFileSync(r.mainCf, 'utf8'), before);
    assert.equal(readFileSync(r.rsaCert, 'utf8'), cert);
  });
});
