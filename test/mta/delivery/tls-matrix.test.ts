// Each client TLS policy against four receivers: no STARTTLS, a self-signed
// certificate, a trusted certificate for another name, a fully valid one.
// The outcome table is the documented semantics (README).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { MxResolver } from '../../../src/mta/delivery/mx-lookup.js';
import { SmtpTransport } from '../../../src/mta/delivery/smtp-transport.js';
import type { SmtpTransportOptions } from '../../../src/mta/delivery/smtp-options.js';
import { certificateFingerprint } from '../../../src/x509/index.js';
import { TlsPki } from '../../helpers/tls-pki.js';
import { TestDnsServer } from '../../helpers/dns-server.js';
import type { Receiver } from './smtp-transport-helpers.js';
import {
  issued,
  MX_NAME,
  queued,
  receiver,
  requestFor,
  selfSigned,
  table,
} from './smtp-transport-helpers.js';

const pki = new TlsPki(['p256']);
const dns = new TestDnsServer({ a: { [MX_NAME]: ['127.0.0.1'] } });
const names = ['no STARTTLS', 'self-signed', 'other name', 'valid'] as const;
const receivers: Record<string, Receiver> = {};
const validCert = pki.servers.p256.certified;

before(async () => {
  await dns.start();
  receivers['no STARTTLS'] = await receiver(undefined);
  receivers['self-signed'] = await receiver(selfSigned(pki, MX_NAME));
  receivers['other name'] = await receiver(issued(pki, 'other.example.net'));
  receivers.valid = await receiver(validCert);
});

after(async () => {
  await Promise.all(Object.values(receivers).map((r) => r.server.close()));
  await dns.stop();
  pki.cleanup();
});

type Policy = [label: string, options: Partial<SmtpTransportOptions>];
const site = (word: string): Partial<SmtpTransportOptions> => ({
  smtpTlsPerSite: [table({ [MX_NAME]: word })],
});
const POLICIES: Policy[] = [
  ['per-site NONE', site('NONE')],
  ['per-site MAY', site('MAY')],
  ['per-site MUST', site('MUST')],
  ['per-site MUST_NOPEERMATCH', site('MUST_NOPEERMATCH')],
  ['none', { smtpTlsSecurityLevel: 'none' }],
  ['may', { smtpTlsSecurityLevel: 'may' }],
  ['encrypt', { smtpTlsSecurityLevel: 'encrypt' }],
  [
    'fingerprint',
    {
      smtpTlsSecurityLevel: 'fingerprint',
      smtpTlsFingerprintCertMatch: [certificateFingerprint(validCert.chain[0]!, 'sha256')],
    },
  ],
  ['verify', { smtpTlsSecurityLevel: 'verify' }],
  ['secure', { smtpTlsSecurityLevel: 'secure' }],
  ['dane', { smtpTlsSecurityLevel: 'dane' }],
];

const D = 'delivered, TLS';
const P = 'delivered, plaintext';
const NOT_OFFERED = 'deferred 4.7.4 TLS is required, but was not offered';
const UNTRUSTED = 'deferred 4.7.5 Server certificate not trusted';
const MISMATCH = 'deferred 4.7.5 Server certificate not verified';
const DANE = 'deferred 4.7.5 TLS security level "dane" is not supported';
const EXPECTED: Record<string, string[]> = {
  'per-site NONE': [P, P, P, P],
  'per-site MAY': [P, D, D, D],
  'per-site MUST': [NOT_OFFERED, UNTRUSTED, MISMATCH, D],
  'per-site MUST_NOPEERMATCH': [NOT_OFFERED, UNTRUSTED, D, D],
  none: [P, P, P, P],
  may: [P, D, D, D],
  encrypt: [NOT_OFFERED, D, D, D],
  fingerprint: [NOT_OFFERED, MISMATCH, MISMATCH, D],
  verify: [NOT_OFFERED, UNTRUSTED, MISMATCH, D],
  secure: [NOT_OFFERED, UNTRUSTED, MISMATCH, D],
  dane: [DANE, DANE, DANE, DANE],
};

function summary(status: string, dsn: string, diagnostic: string, tls: boolean): string {
  if (status === 'sent') return tls ? D : P;
  const known = [NOT_OFFERED, UNTRUSTED, MISMATCH, DANE].find(
    (k) =>
      `${status} ${dsn} ${diagnostic}`.includes(k.replace(/^deferred \S+ /, '')) && k.includes(dsn),
  );
  return known ?? `${status} ${dsn} ${diagnostic}`;
}

test('the four-receivers matrix for NONE, MAY, MUST, MUST_NOPEERMATCH and each modern level', async () => {
  const got: Record<string, string[]> = {};
  const lines: string[] = [];
  for (const [label, options] of POLICIES) {
    got[label] = [];
    for (const name of names) {
      const r = receivers[name] as Receiver;
      const transport = new SmtpTransport({
        smtpHeloName: 'client.example',
        resolver: new MxResolver({ servers: [dns.server], families: [4] }),
        smtpTlsCAfile: pki.caFile,
        smtpConnectionCacheOnDemand: false,
        log: () => undefined,
        ...options,
      });
      const before = r.delivery.messages.length;
      const [outcome] = await transport.deliver(
        requestFor(queued([`rcpt@${MX_NAME}`]), `[${MX_NAME}]:${r.port}`),
      );
      assert.ok(outcome);
      const arrived = r.delivery.messages[before];
      if (outcome.status === 'sent')
        assert.ok(arrived, `${label} / ${name}: sent but not received`);
      else assert.equal(arrived, undefined, `${label} / ${name}: deferred but received`);
      got[label].push(
        summary(
          outcome.status,
          outcome.dsnStatus,
          outcome.diagnostic,
          arrived?.message.tls !== undefined,
        ),
      );
    }
    lines.push(`| ${label} | ${got[label].join(' | ')} |`);
  }
  // The table for the README.
  console.log(
    ['| policy | ' + names.join(' | ') + ' |', '|---|---|---|---|---|', ...lines].join('\n'),
  );
  assert.deepEqual(got, EXPECTED);
});
