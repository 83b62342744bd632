import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { clientTlsPolicy } from '../../../src/mta/tls/client-policy.js';
import { judgePeer } from '../../../src/mta/tls/peer-check.js';
import { certificateFingerprint, publicKeyFingerprint } from '../../../src/x509/index.js';
import { TlsPki, SERVER_NAME } from '../../helpers/tls-pki.js';

const pki = new TlsPki(['p256']);
after(() => pki.cleanup());
const leaf = pki.servers.p256.certified.chain[0]!;
const verified = { peerCertificates: [leaf], chainVerified: true };

function policy(level: string, nexthop: string, mx: string, extra = {}) {
  const a = clientTlsPolicy(nexthop, mx, { smtpTlsSecurityLevel: level, ...extra });
  assert.ok(a.ok);
  return a.policy;
}

test('verify: the MX host name must be in the certificate; secure: the next hop or (dot-nexthop) a name below it', () => {
  assert.equal(
    judgePeer(verified, policy('verify', 'example.com', SERVER_NAME), 'sha256', 'p').ok,
    true,
  );
  assert.equal(
    judgePeer(verified, policy('verify', 'example.com', 'mx.other.net'), 'sha256', 'p').ok,
    false,
  );
  // mail.example.com is below the next hop example.com: dot-nexthop matches.
  const s = judgePeer(verified, policy('secure', 'example.com', 'anything.net'), 'sha256', 'p');
  assert.deepEqual(s, { ok: true, trust: 'Verified', saslState: 'verified' });
  assert.equal(
    judgePeer(
      verified,
      policy('secure', 'example.com', 'x', { smtpTlsSecureCertMatch: ['nexthop'] }),
      'sha256',
      'p',
    ).ok,
    false,
  );
});

test('trust words: Trusted (chain, no name check), Untrusted (no chain), Anonymous (no certificate)', () => {
  assert.deepEqual(judgePeer(verified, policy('encrypt', 'x', 'y'), 'sha256', 'p'), {
    ok: true,
    trust: 'Trusted',
    saslState: 'encrypted',
  });
  assert.deepEqual(
    judgePeer(
      { peerCertificates: [leaf], chainVerified: false },
      policy('may', 'x', 'y'),
      'sha256',
      'p',
    ),
    { ok: true, trust: 'Untrusted', saslState: 'encrypted' },
  );
  assert.deepEqual(
    judgePeer(
      { peerCertificates: [], chainVerified: false },
      policy('encrypt', 'x', 'y'),
      'sha256',
      'p',
    ),
    { ok: true, trust: 'Anonymous', saslState: 'encrypted' },
  );
  const v = judgePeer(
    { peerCertificates: [], chainVerified: false },
    policy('verify', 'x', 'y'),
    'sha256',
    'p',
  );
  assert.equal(v.ok, false);
});

test('fingerprint: the certificate or the public-key digest, any case; the chain need not verify', () => {
  const untrusted = { peerCertificates: [leaf], chainVerified: false };
  for (const fp of [
    certificateFingerprint(leaf, 'sha256'),
    publicKeyFingerprint(leaf, 'sha256').toLowerCase(),
  ]) {
    assert.equal(
      judgePeer(
        untrusted,
        policy('fingerprint', 'x', 'y', { smtpTlsFingerprintCertMatch: [fp] }),
        'sha256',
        'p',
      ).ok,
      true,
    );
  }
  assert.equal(
    judgePeer(
      untrusted,
      policy('fingerprint', 'x', 'y', {
        smtpTlsFingerprintCertMatch: [certificateFingerprint(leaf, 'sha1')],
      }),
      'sha256',
      'p',
    ).ok,
    false,
  );
  assert.equal(
    judgePeer(
      untrusted,
      policy('fingerprint', 'x', 'y', {
        smtpTlsFingerprintCertMatch: [certificateFingerprint(leaf, 'sha1')],
      }),
      'sha1',
      'p',
    ).ok,
    true,
  );
});
