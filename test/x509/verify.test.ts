import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { Pki, CA_EXTENSIONS, SERVER_EXTENSIONS, openssl, opensslResult } from './pki.js';
import { loadCertificates } from '../../src/x509/load.js';
import { runMain } from '../helpers/run-main.js';
import { parsePem, encodePem } from '../../src/x509/pem.js';
import { TrustStore } from '../../src/x509/trust-store.js';
import { DEFAULT_VERIFY_DEPTH, verifyChain } from '../../src/x509/verify.js';
import { attributeValues } from '../../src/x509/name.js';
import { OID } from '../../src/x509/oid.js';
import type { VerifyReason } from '../../src/x509/verify-reason.js';
import { VERIFY_REASONS, verifyReasonCode } from '../../src/x509/verify-reason.js';

/** Every case is run through `openssl verify` and through ours; verdict, error number and depth must agree. */

const NOW = new Date(Date.UTC(2030, 5, 1));
const ATTIME = String(NOW.getTime() / 1000);

const pki = new Pki();
after(() => pki.cleanup());

function cert(
  name: string,
  type: Parameters<Pki['key']>[1],
  subject: string,
  issuer: string | undefined,
  extensions: string[],
  extra: Partial<Parameters<Pki['issue']>[4]> = {},
): string {
  return pki.issue(name, pki.key(name, type), subject, issuer, { extensions, ...extra });
}

// The main hierarchy: RSA root, P-384 intermediate, P-256 server.
cert('root', 'rsa', '/C=US/O=Postern Test/CN=Root CA', undefined, CA_EXTENSIONS);
cert('int', 'p384', '/O=Postern Test/CN=Intermediate CA', 'root', CA_EXTENSIONS);
cert('leaf', 'p256', '/CN=mail.example.com', 'int', SERVER_EXTENSIONS);
cert('leaf512', 'p256', '/CN=mail.example.com', 'int', SERVER_EXTENSIONS, { md: 'sha512' });
// Other key types and signature algorithms.
cert('dsaroot', 'dsa', '/CN=DSA Root', undefined, CA_EXTENSIONS, { md: 'sha256' });
cert('dsaleaf', 'dsa', '/CN=mail.example.com', 'dsaroot', SERVER_EXTENSIONS, { md: 'sha256' });
cert('edroot', 'ed25519', '/CN=Ed25519 Root', undefined, CA_EXTENSIONS);
cert('edleaf', 'ed25519', '/CN=mail.example.com', 'edroot', SERVER_EXTENSIONS);
cert('rsaleaf-pss', 'rsa', '/CN=mail.example.com', 'root', SERVER_EXTENSIONS, {
  md: 'sha256',
  sigopts: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:32'],
});
// RSA-PSS (issue 13 item 13): id-RSASSA-PSS issuers with and without parameters, and an MGF1 hash that differs from the message hash.
cert('psroot', 'rsa-pss', '/CN=RSA-PSS Root', undefined, CA_EXTENSIONS);
cert('psleaf', 'p256', '/CN=mail.example.com', 'psroot', SERVER_EXTENSIONS);
cert('pss256root', 'rsa-pss-sha256', '/CN=RSA-PSS SHA-256 Root', undefined, CA_EXTENSIONS);
cert('pss256leaf', 'rsa-pss-sha256', '/CN=mail.example.com', 'pss256root', SERVER_EXTENSIONS);
cert('int-pss', 'rsa-pss-sha256', '/CN=RSA-PSS Intermediate', 'root', CA_EXTENSIONS);
cert('leaf-of-pss-int', 'p256', '/CN=mail.example.com', 'int-pss', SERVER_EXTENSIONS);
cert('rsaleaf-pss-mgf1-sha1', 'rsa', '/CN=mail.example.com', 'root', SERVER_EXTENSIONS, {
  md: 'sha256',
  sigopts: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:32', 'rsa_mgf1_md:sha1'],
});
cert('rsaleaf-pss-sha512-mgf1-sha256', 'rsa', '/CN=mail.example.com', 'root', SERVER_EXTENSIONS, {
  md: 'sha512',
  sigopts: ['rsa_padding_mode:pss', 'rsa_pss_saltlen:64', 'rsa_mgf1_md:sha256'],
});
cert('rsaleaf-sha1', 'p256', '/CN=mail.example.com', 'root', SERVER_EXTENSIONS, { md: 'sha1' });
cert('rsaleaf-sha384', 'p256', '/CN=mail.example.com', 'root', SERVER_EXTENSIONS, { md: 'sha384' });
// Failures.
cert('expired', 'p256', '/CN=mail.example.com', 'int', SERVER_EXTENSIONS, {
  start: '20200101000000Z',
  end: '20250101000000Z',
});
cert('future', 'p256', '/CN=mail.example.com', 'int', SERVER_EXTENSIONS, {
  start: '20400101000000Z',
});
cert('int-expired', 'p256', '/CN=Expired Intermediate', 'root', CA_EXTENSIONS, {
  end: '20250101000000Z',
});
cert('leaf-of-expired', 'p256', '/CN=mail.example.com', 'int-expired', SERVER_EXTENSIONS);
cert('client', 'p256', '/CN=client.example.com', 'int', [
  'basicConstraints=CA:FALSE',
  'keyUsage=digitalSignature',
  'extendedKeyUsage=clientAuth',
]);
cert('anyeku', 'p256', '/CN=mail.example.com', 'int', ['extendedKeyUsage=anyExtendedKeyUsage']);
cert('nonrep', 'p256', '/CN=mail.example.com', 'int', ['keyUsage=nonRepudiation']);
cert('int-client', 'p256', '/CN=Client-only CA', 'root', [
  ...CA_EXTENSIONS,
  'extendedKeyUsage=clientAuth',
]);
cert('leaf-of-client-ca', 'p256', '/CN=mail.example.com', 'int-client', SERVER_EXTENSIONS);
cert('notca', 'p256', '/CN=Not a CA', 'root', [
  'basicConstraints=CA:FALSE',
  'subjectKeyIdentifier=hash',
]);
cert('leaf-of-notca', 'p256', '/CN=mail.example.com', 'notca', SERVER_EXTENSIONS);
cert('int-pl0', 'p256', '/CN=Pathlen 0 CA', 'root', [
  'basicConstraints=critical,CA:TRUE,pathlen:0',
  'keyUsage=keyCertSign',
  'subjectKeyIdentifier=hash',
]);
cert('int-below-pl0', 'p256', '/CN=Below Pathlen 0', 'int-pl0', CA_EXTENSIONS);
cert('leaf-too-long', 'p256', '/CN=mail.example.com', 'int-below-pl0', SERVER_EXTENSIONS);
cert('int2', 'p256', '/CN=Second Intermediate', 'int', CA_EXTENSIONS);
cert('deep', 'p256', '/CN=mail.example.com', 'int2', SERVER_EXTENSIONS);
cert('critical', 'p256', '/CN=mail.example.com', 'int', [
  ...SERVER_EXTENSIONS,
  '1.2.3.4=critical,ASN1:NULL',
]);
cert('otherroot', 'p256', '/CN=Other Root', undefined, CA_EXTENSIONS);

// A leaf whose signature is damaged: flip a bit in the last byte of the signature value.
{
  const der = parsePem(readFileSync(pki.path('leaf.pem'), 'latin1'))[0]?.der as Uint8Array;
  const bad = Uint8Array.from(der);
  bad[bad.length - 1] = (bad[bad.length - 1] as number) ^ 0x01;
  writeFileSync(pki.path('badsig.pem'), encodePem('CERTIFICATE', bad));
}

function bundle(name: string, members: string[]): string {
  const path = pki.path(`${name}.bundle`);
  writeFileSync(path, members.map((m) => readFileSync(pki.path(`${m}.pem`), 'latin1')).join(''));
  return path;
}

interface Case {
  name: string;
  leaf: string;
  untrusted?: string[];
  caFile?: string[];
  caPath?: string;
  purpose?: 'sslserver' | 'sslclient';
  depth?: number;
  hostname?: string;
  expect: VerifyReason | 'ok';
}

const cases: Case[] = [
  {
    name: 'ECDSA chain under an RSA root',
    leaf: 'leaf',
    untrusted: ['int'],
    caFile: ['root'],
    purpose: 'sslserver',
    hostname: 'mail.example.com',
    expect: 'ok',
  },
  {
    name: 'ECDSA P-384 signing with SHA-512',
    leaf: 'leaf512',
    untrusted: ['int'],
    caFile: ['root'],
    expect: 'ok',
  },
  {
    name: 'DSA with SHA-256',
    leaf: 'dsaleaf',
    caFile: ['dsaroot'],
    purpose: 'sslserver',
    expect: 'ok',
  },
  { name: 'Ed25519', leaf: 'edleaf', caFile: ['edroot'], purpose: 'sslserver', expect: 'ok' },
  { name: 'RSA-PSS', leaf: 'rsaleaf-pss', caFile: ['root'], expect: 'ok' },
  {
    name: 'RSA-PSS root without parameters, ECDSA leaf',
    leaf: 'psleaf',
    caFile: ['psroot'],
    purpose: 'sslserver',
    expect: 'ok',
  },
  {
    name: 'RSA-PSS SHA-256 root and RSA-PSS SHA-256 leaf',
    leaf: 'pss256leaf',
    caFile: ['pss256root'],
    purpose: 'sslserver',
    expect: 'ok',
  },
  {
    name: 'RSA-PSS intermediate under an RSA root',
    leaf: 'leaf-of-pss-int',
    untrusted: ['int-pss'],
    caFile: ['root'],
    purpose: 'sslserver',
    expect: 'ok',
  },
  {
    name: 'RSA-PSS signature, SHA-256 with MGF1-SHA-1',
    leaf: 'rsaleaf-pss-mgf1-sha1',
    caFile: ['root'],
    expect: 'ok',
  },
  {
    name: 'RSA-PSS signature, SHA-512 with MGF1-SHA-256',
    leaf: 'rsaleaf-pss-sha512-mgf1-sha256',
    caFile: ['root'],
    expect: 'ok',
  },
  { name: 'RSA PKCS#1 v1.5 with SHA-1', leaf: 'rsaleaf-sha1', caFile: ['root'], expect: 'ok' },
  { name: 'RSA PKCS#1 v1.5 with SHA-384', leaf: 'rsaleaf-sha384', caFile: ['root'], expect: 'ok' },
  {
    name: 'client certificate for sslclient',
    leaf: 'client',
    untrusted: ['int'],
    caFile: ['root'],
    purpose: 'sslclient',
    expect: 'ok',
  },
  {
    name: 'intermediate and root in the CAfile',
    leaf: 'leaf',
    caFile: ['root', 'int'],
    expect: 'ok',
  },
  {
    name: 'verify_depth 1 allows one intermediate',
    leaf: 'leaf',
    untrusted: ['int'],
    caFile: ['root'],
    depth: 1,
    expect: 'ok',
  },
  {
    name: 'expired leaf',
    leaf: 'expired',
    untrusted: ['int'],
    caFile: ['root'],
    expect: 'certificate_expired',
  },
  {
    name: 'not yet valid leaf',
    leaf: 'future',
    untrusted: ['int'],
    caFile: ['root'],
    expect: 'certificate_not_yet_valid',
  },
  {
    name: 'expired intermediate',
    leaf: 'leaf-of-expired',
    untrusted: ['int-expired'],
    caFile: ['root'],
    expect: 'certificate_expired',
  },
  {
    name: 'client certificate for sslserver',
    leaf: 'client',
    untrusted: ['int'],
    caFile: ['root'],
    purpose: 'sslserver',
    expect: 'invalid_purpose',
  },
  {
    name: 'server certificate for sslclient',
    leaf: 'leaf',
    untrusted: ['int'],
    caFile: ['root'],
    purpose: 'sslclient',
    expect: 'invalid_purpose',
  },
  {
    name: 'anyExtendedKeyUsage alone for sslserver',
    leaf: 'anyeku',
    untrusted: ['int'],
    caFile: ['root'],
    purpose: 'sslserver',
    expect: 'invalid_purpose',
  },
  {
    name: 'keyUsage nonRepudiation only for sslserver',
    leaf: 'nonrep',
    untrusted: ['int'],
    caFile: ['root'],
    purpose: 'sslserver',
    expect: 'invalid_purpose',
  },
  {
    name: 'CA restricted to clientAuth',
    leaf: 'leaf-of-client-ca',
    untrusted: ['int-client'],
    caFile: ['root'],
    purpose: 'sslserver',
    expect: 'invalid_purpose',
  },
  {
    name: 'issuer that is not a CA',
    leaf: 'leaf-of-notca',
    untrusted: ['notca'],
    caFile: ['root'],
    expect: 'invalid_ca',
  },
  {
    name: 'pathlen 0 with an intermediate below',
    leaf: 'leaf-too-long',
    untrusted: ['int-pl0', 'int-below-pl0'],
    caFile: ['root'],
    expect: 'path_length_exceeded',
  },
  {
    name: 'verify_depth 0 with one intermediate',
    leaf: 'leaf',
    untrusted: ['int'],
    caFile: ['root'],
    depth: 0,
    expect: 'certificate_chain_too_long',
  },
  {
    name: 'verify_depth 1 with two intermediates',
    leaf: 'deep',
    untrusted: ['int', 'int2'],
    caFile: ['root'],
    depth: 1,
    expect: 'certificate_chain_too_long',
  },
  {
    name: 'verify_depth 2 with two intermediates',
    leaf: 'deep',
    untrusted: ['int', 'int2'],
    caFile: ['root'],
    depth: 2,
    expect: 'ok',
  },
  {
    name: 'wrong host name',
    leaf: 'leaf',
    untrusted: ['int'],
    caFile: ['root'],
    hostname: 'smtp.example.com',
    expect: 'hostname_mismatch',
  },
  {
    name: 'bad signature',
    leaf: 'badsig',
    untrusted: ['int'],
    caFile: ['root'],
    expect: 'certificate_signature_failure',
  },
  {
    name: 'issuer not in the trust store',
    leaf: 'leaf',
    untrusted: ['int'],
    caFile: ['otherroot'],
    expect: 'unable_to_get_local_issuer_certificate',
  },
  {
    name: 'only the intermediate trusted',
    leaf: 'leaf',
    caFile: ['int'],
    expect: 'unable_to_get_issuer_certificate',
  },
  {
    name: 'self-signed leaf',
    leaf: 'otherroot',
    caFile: ['root'],
    expect: 'depth_zero_self_signed_cert',
  },
  {
    name: 'self-signed root in the chain, untrusted',
    leaf: 'leaf',
    untrusted: ['int', 'root'],
    caFile: ['otherroot'],
    expect: 'self_signed_certificate_in_chain',
  },
  {
    name: 'unhandled critical extension',
    leaf: 'critical',
    untrusted: ['int'],
    caFile: ['root'],
    expect: 'unhandled_critical_extension',
  },
];

// A CApath hashed by `openssl rehash`.
const hashed = pki.path('capath');
mkdirSync(hashed);
copyFileSync(pki.path('root.pem'), `${hashed}/root.pem`);
copyFileSync(pki.path('otherroot.pem'), `${hashed}/other.pem`);
openssl(['rehash', hashed]);
cases.push({
  name: 'root found through a hashed CApath',
  leaf: 'leaf',
  untrusted: ['int'],
  caPath: hashed,
  expect: 'ok',
});
cases.push({
  name: 'DSA root not in a hashed CApath',
  leaf: 'dsaleaf',
  caPath: hashed,
  expect: 'unable_to_get_local_issuer_certificate',
});

function opensslVerdict(
  args: string[],
  leaf: string,
): { code: number; depth: number; lines: string[] } | 'ok' {
  const r = opensslResult(['verify', ...args, leaf]);
  if (r.status === 0 && r.stdout === `${leaf}: OK\n`) return 'ok';
  const m = /^error (\d+) at (\d+) depth lookup/m.exec(r.stderr);
  assert.ok(m, `openssl verify printed no error: ${r.stderr}`);
  return { code: Number(m[1]), depth: Number(m[2]), lines: r.stderr.split('\n') };
}

function runCli(args: string[]): ReturnType<typeof runMain> {
  return runMain(['verify', ...args]);
}

for (const c of cases) {
  test(`verify agrees with openssl: ${c.name}`, async () => {
    const leafFile = pki.path(`${c.leaf}.pem`);
    const args = ['-attime', ATTIME];
    const caFile = c.caFile ? bundle(`ca-${c.name.replace(/\W+/g, '-')}`, c.caFile) : undefined;
    const untrusted = c.untrusted
      ? bundle(`untrusted-${c.name.replace(/\W+/g, '-')}`, c.untrusted)
      : undefined;
    if (caFile) args.push('-CAfile', caFile);
    if (c.caPath) args.push('-CApath', c.caPath);
    if (untrusted) args.push('-untrusted', untrusted);
    if (c.purpose) args.push('-purpose', c.purpose);
    if (c.depth !== undefined) args.push('-verify_depth', String(c.depth));
    if (c.hostname) args.push('-verify_hostname', c.hostname);

    const theirs = opensslVerdict(args, leafFile);
    const result = verifyChain(loadCertificates(leafFile), {
      trustStore: TrustStore.load({
        ...(caFile && { caFile }),
        ...(c.caPath && { caPath: c.caPath }),
      }),
      untrusted: untrusted ? loadCertificates(untrusted) : [],
      now: NOW,
      maxDepth: c.depth ?? 100,
      ...(c.purpose && { purpose: c.purpose }),
      ...(c.hostname && { hostname: c.hostname }),
    });
    const cli = await runCli([...args, leafFile]);
    if (c.expect === 'ok') {
      assert.equal(theirs, 'ok', 'openssl should accept this case');
      assert.equal(result.ok, true, result.ok ? '' : `ours: ${result.reason} at ${result.depth}`);
      assert.equal(cli.code, 0);
      assert.equal(cli.out, `${leafFile}: OK\n`);
      return;
    }
    assert.notEqual(theirs, 'ok', 'openssl should refuse this case');
    if (theirs === 'ok' || result.ok)
      assert.fail(`ours accepted a chain expected to fail with ${c.expect}`);
    assert.equal(result.reason, c.expect);
    assert.equal(verifyReasonCode(result.reason), theirs.code, 'OpenSSL error number');
    assert.equal(result.depth, theirs.depth, 'error depth');
    assert.equal(cli.code, 2);
    assert.deepEqual(
      cli.err.split('\n').slice(0, 2),
      theirs.lines.slice(0, 2),
      'subject and error line as openssl prints them',
    );
    assert.match(
      cli.err,
      new RegExp(
        `error ${leafFile.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}: verification failed\n$`,
      ),
    );
  });
}

test('a directory of unhashed certificates serves as CApath', () => {
  const plain = pki.path('plain-capath');
  mkdirSync(plain);
  copyFileSync(pki.path('root.pem'), `${plain}/root-ca.crt`);
  writeFileSync(`${plain}/README`, 'not a certificate\n');
  const store = TrustStore.load({ caPath: plain });
  assert.equal(store.certificates.length, 1);
  assert.equal(store.warnings.length, 1, 'the README is reported, not silently skipped');
  const result = verifyChain(
    [...loadCertificates(pki.path('leaf.pem')), ...loadCertificates(pki.path('int.pem'))],
    { trustStore: store, now: NOW },
  );
  assert.equal(result.ok, true);
});

test('hashed CApath entries are read only when their hash is looked up', () => {
  const store = TrustStore.load({ caPath: hashed });
  assert.equal(store.certificates.length, 0);
  const result = verifyChain(loadCertificates(pki.path('leaf.pem')), {
    trustStore: store,
    untrusted: loadCertificates(pki.path('int.pem')),
    now: NOW,
  });
  assert.equal(result.ok, true);
  assert.equal(store.certificates.length, 1);
});

test('the default depth is 5 intermediates (*_verifydepth) and the chain comes back leaf first', () => {
  assert.equal(DEFAULT_VERIFY_DEPTH, 5);
  const store = TrustStore.load({ caFile: pki.path('root.pem') });
  const ok = verifyChain(loadCertificates(pki.path('deep.pem')), {
    trustStore: store,
    untrusted: loadCertificates(bundle('deep-chain', ['int', 'int2'])),
    now: NOW,
  });
  assert.equal(ok.ok, true);
  if (ok.ok)
    assert.deepEqual(
      ok.chain.map((c) => attributeValues(c.subject, OID.commonName)[0]),
      ['mail.example.com', 'Second Intermediate', 'Intermediate CA', 'Root CA'],
    );
});

test('every reason has an OpenSSL number and text', () => {
  const codes = VERIFY_REASONS.map(verifyReasonCode);
  assert.equal(new Set(codes).size, codes.length);
});
