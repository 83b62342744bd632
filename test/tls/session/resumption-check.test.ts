import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ResumptionRequest } from '../../../src/tls/session/resumption-check.js';
import { checkResumption } from '../../../src/tls/session/resumption-check.js';
import { tls12State, tls13State } from './sample-states.js';

const now = tls12State.createdAt + 1000;
const want12: ResumptionRequest = {
  version: 'TLSv1.2',
  suites: [0xc02f, 0xcca8],
  serverName: 'MX1.example.org',
  extendedMasterSecret: true,
};
const want13: ResumptionRequest = {
  version: 'TLSv1.3',
  suites: [0x1303, 0x1302],
  serverName: undefined,
};
const t13 = { ...tls13State, createdAt: tls12State.createdAt };

const refused = (v: ReturnType<typeof checkResumption>, pattern: RegExp): void => {
  assert.equal(v.resume, false);
  if (!v.resume) assert.match(v.reason, pattern);
};

test('a matching session resumes (server names compare case-insensitively)', () => {
  assert.deepEqual(checkResumption(tls12State, want12, now), { resume: true });
  assert.deepEqual(checkResumption(t13, want13, now), { resume: true });
});

test('expired, other version, other suite or other server name: full handshake', () => {
  refused(checkResumption(tls12State, want12, tls12State.createdAt + 3600_000), /expired/);
  refused(checkResumption(tls12State, { ...want12, version: 'TLSv1.3' }, now), /TLSv1.2/);
  refused(checkResumption(tls12State, { ...want12, suites: [0xc02f] }, now), /not offered/);
  refused(
    checkResumption(tls12State, { ...want12, serverName: 'mx2.example.org' }, now),
    /server name/,
  );
  refused(checkResumption(tls12State, { ...want12, serverName: undefined }, now), /server name/);
});

test('TLS 1.3: any offered suite with the session hash will do (RFC 8446 §4.2.11)', () => {
  assert.deepEqual(checkResumption(t13, { ...want13, suites: [0x1302] }, now), { resume: true });
  refused(checkResumption(t13, { ...want13, suites: [0x1301, 0x1303] }, now), /sha384/);
});

test('a session without a verified peer never satisfies a connection that requires one', () => {
  const unverified = { ...tls12State, peerVerified: false, verifiedName: undefined };
  refused(
    checkResumption(unverified, { ...want12, requireVerified: 'mx1.example.org' }, now),
    /not verified/,
  );
  refused(
    checkResumption(tls12State, { ...want12, requireVerified: 'other.example.org' }, now),
    /not verified/,
  );
  assert.deepEqual(
    checkResumption(tls12State, { ...want12, requireVerified: 'mx1.example.org' }, now),
    { resume: true },
  );
  assert.deepEqual(
    checkResumption(unverified, want12, now),
    { resume: true },
    'no requirement: an opportunistic session is fine',
  );
});

test('RFC 7627 §5.3: EMS session without EMS offered aborts; non-EMS sessions are not resumed', () => {
  assert.deepEqual(checkResumption(tls12State, { ...want12, extendedMasterSecret: false }, now), {
    resume: false,
    reason: 'session used extended_master_secret, ClientHello lacks it',
    abort: 'handshake_failure',
  });
  const legacy = { ...tls12State, extendedMasterSecret: false };
  refused(checkResumption(legacy, want12, now), /without extended_master_secret/);
  refused(
    checkResumption(legacy, { ...want12, extendedMasterSecret: false }, now),
    /without extended_master_secret/,
  );
});
