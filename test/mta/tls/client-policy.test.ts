import { test } from 'node:test';
import assert from 'node:assert/strict';
import { clientTlsPolicy } from '../../../src/mta/tls/client-policy.js';
import type { ClientTlsPolicyOptions } from '../../../src/mta/tls/client-policy.js';
import type { Table } from '../../../src/mta/tables/table.js';

function table(entries: Record<string, string>): Table {
  const m = new Map(Object.entries(entries));
  return { spec: 'inline:test', lookup: (k) => m.get(k), close: () => undefined };
}

function level(nexthop: string, mx: string, o: ClientTlsPolicyOptions): string {
  const a = clientTlsPolicy(nexthop, mx, o);
  if (!a.ok) return `error: ${a.reason}`;
  return a.policy.level === 'verify' && a.policy.names.length === 0
    ? 'verify-nopeermatch'
    : a.policy.level;
}

// The seed's example table (sample-tls.cf: smtp_tls_per_site).
const seedSites = table({
  'dom.ain': 'NONE',
  'host.dom.ain': 'MAY',
  'important.host': 'MUST',
  'some.host.dom.ain': 'MUST_NOPEERMATCH',
});

test('obsolete globals: smtp_use_tls → may, smtp_enforce_tls → verify, enforce_peername = no keeps verification without the name check (seed)', () => {
  assert.equal(level('example.com', 'mx.example.com', {}), 'none');
  assert.equal(level('example.com', 'mx.example.com', { smtpUseTls: true }), 'may');
  assert.equal(level('example.com', 'mx.example.com', { smtpEnforceTls: true }), 'verify');
  assert.equal(
    level('example.com', 'mx.example.com', { smtpEnforceTls: true, smtpTlsEnforcePeername: false }),
    'verify-nopeermatch',
  );
});

test('the seed per-site table under the default policy: each keyword by next hop and by MX host', () => {
  const o = { smtpTlsPerSite: [seedSites] };
  assert.equal(level('dom.ain', 'mx.elsewhere', o), 'none');
  assert.equal(level('other.example', 'host.dom.ain', o), 'may');
  assert.equal(level('[important.host]', 'important.host', o), 'verify');
  assert.equal(level('other.example', 'some.host.dom.ain', o), 'verify-nopeermatch');
  assert.equal(level('unlisted.example', 'mx.unlisted.example', o), 'none');
});

test('with enforce as the default: NONE switches TLS off, MAY still enforces, MUST_NOPEERMATCH drops the name check', () => {
  const o = { smtpEnforceTls: true, smtpTlsPerSite: [seedSites] };
  assert.equal(level('dom.ain', 'mx.dom.ain', o), 'none');
  assert.equal(level('other.example', 'host.dom.ain', o), 'verify');
  assert.equal(level('other.example', 'some.host.dom.ain', o), 'verify-nopeermatch');
  assert.equal(level('unlisted.example', 'mx.unlisted.example', o), 'verify');
});

test('next hop and MX host both listed: NONE beats MAY, MUST beats NONE (Postfix tls_site_lookup)', () => {
  const sites = table({
    'a.example': 'NONE',
    'mx.may': 'MAY',
    'b.example': 'MAY',
    'mx.none': 'NONE',
    'mx.must': 'MUST',
  });
  const o = { smtpUseTls: true, smtpTlsPerSite: [sites] };
  assert.equal(level('a.example', 'mx.may', o), 'none');
  assert.equal(level('b.example', 'mx.none', o), 'none');
  assert.equal(level('a.example', 'mx.must', o), 'verify');
});

test('smtp_tls_security_level overrides the obsolete names; smtp_tls_policy_maps overrides both and hides smtp_tls_per_site', () => {
  assert.equal(
    level('x.example', 'mx.x.example', {
      smtpTlsSecurityLevel: 'encrypt',
      smtpUseTls: true,
      smtpEnforceTls: true,
    }),
    'encrypt',
  );
  const policy = table({
    'x.example': 'secure',
    '.y.example': 'fingerprint match=AA:BB',
    '[relay.example]:587': 'encrypt protocols=TLSv1.3',
  });
  const o = {
    smtpTlsSecurityLevel: 'may',
    smtpTlsPolicyMaps: [policy],
    smtpTlsPerSite: [table({ 'z.example': 'MUST' })],
  };
  assert.equal(level('x.example', 'mx.x.example', o), 'secure');
  assert.equal(level('sub.y.example', 'mx.y.example', o), 'fingerprint');
  assert.equal(level('z.example', 'mx.z.example', o), 'may');
  const relay = clientTlsPolicy('[relay.example]:587', 'relay.example', o);
  assert.ok(relay.ok);
  assert.deepEqual(relay.policy.protocols, { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' });
});

test('match strategies: verify checks the MX host name (no CNAME expansion), secure the next hop and its subdomains', () => {
  const v = clientTlsPolicy('example.com', 'MX1.Example.NET.', { smtpTlsSecurityLevel: 'verify' });
  assert.ok(v.ok);
  assert.deepEqual(v.policy.names, [{ kind: 'exact', name: 'mx1.example.net' }]);
  const s = clientTlsPolicy('example.com', 'mx1.example.net', { smtpTlsSecurityLevel: 'secure' });
  assert.ok(s.ok);
  assert.deepEqual(s.policy.names, [
    { kind: 'exact', name: 'example.com' },
    { kind: 'subdomain', parent: 'example.com' },
  ]);
  const bad = clientTlsPolicy('example.com', 'mx', {
    smtpTlsSecurityLevel: 'secure',
    smtpTlsSecureCertMatch: ['hostname'],
  });
  assert.ok(!bad.ok);
});

test('refusals with clear errors: dane, unknown levels and keywords, NULL ciphers, protocols without TLSv1.2/1.3, fingerprint without any', () => {
  assert.match(
    level('x', 'y', { smtpTlsSecurityLevel: 'dane' }),
    /error: .*"dane" is not supported by postern/,
  );
  assert.match(level('x', 'y', { smtpTlsSecurityLevel: 'paranoid' }), /unknown TLS security level/);
  assert.match(
    level('x', 'y', { smtpTlsPerSite: [table({ x: 'SOMETIMES' })] }),
    /unknown TLS policy 'SOMETIMES'/,
  );
  assert.match(
    level('x', 'y', { smtpTlsSecurityLevel: 'encrypt', smtpTlsMandatoryCiphers: 'null' }),
    /NULL/,
  );
  assert.match(
    level('x', 'y', {
      smtpTlsSecurityLevel: 'encrypt',
      smtpTlsMandatoryProtocols: '!TLSv1.2, !TLSv1.3',
    }),
    /neither TLSv1\.2 nor TLSv1\.3/,
  );
  assert.match(level('x', 'y', { smtpTlsSecurityLevel: 'fingerprint' }), /without any fingerprint/);
  assert.match(
    level('x', 'y', { smtpTlsPolicyMaps: [table({ x: 'verify tafile=/x' })] }),
    /attribute "tafile" is not supported/,
  );
});

test('protocol forms: exclusions and ranges', () => {
  const p = (v: string) => {
    const a = clientTlsPolicy('x', 'y', {
      smtpTlsSecurityLevel: 'encrypt',
      smtpTlsMandatoryProtocols: v,
    });
    assert.ok(a.ok, v);
    return a.policy.protocols;
  };
  assert.deepEqual(p('!SSLv2, !SSLv3'), { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.3' });
  assert.deepEqual(p('>=TLSv1.3'), { minVersion: 'TLSv1.3', maxVersion: 'TLSv1.3' });
  assert.deepEqual(p('!TLSv1.3'), { minVersion: 'TLSv1.2', maxVersion: 'TLSv1.2' });
});
