import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { Pki, SERVER_EXTENSIONS, openssl } from './pki.js';
import { parseCertificate } from '../../src/x509/certificate.js';
import { parseDer } from '../../src/x509/der.js';
import { parseDhParametersDer } from '../../src/x509/dh-params.js';
import { X509Error } from '../../src/x509/errors.js';
import { parsePem } from '../../src/x509/pem.js';
import { parsePkcs8, parsePrivateKeyPem } from '../../src/x509/private-key.js';

/**
 * Random and mutated DER and PEM into every parser: each input gives a value
 * or an X509Error, never another exception. Runs are bounded so the file
 * takes seconds; the per-test timeout catches a hang.
 */

const pki = new Pki();
after(() => pki.cleanup());
const certPem = readFileSync(
  pki.issue('leaf', pki.key('leaf', 'p256'), '/CN=fuzz.example.com', undefined, {
    extensions: [
      ...SERVER_EXTENSIONS,
      'subjectAltName=DNS:a.example,IP:192.0.2.1,email:x@example.org',
    ],
  }),
  'latin1',
);
const rsaPem = readFileSync(pki.key('rsa', 'rsa'), 'latin1');
const ecPem = readFileSync(pki.path('leaf.key'), 'latin1');
const ecSec1Pem = openssl(['pkey', '-in', pki.path('leaf.key'), '-traditional']);
const edPem = readFileSync(pki.key('ed', 'ed25519'), 'latin1');
const dhDer = parsePem(
  openssl(['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:ffdhe2048']),
)[0]?.der as Uint8Array;

const der = (pem: string): Uint8Array => parsePem(pem)[0]?.der as Uint8Array;
const seeds = {
  cert: der(certPem),
  rsa: der(rsaPem),
  ec: der(ecPem),
  ecSec1: der(ecSec1Pem),
  ed: der(edPem),
  dh: dhDer,
};

/** Runs f and accepts only a value or an X509Error. */
function valueOrTypedError(f: () => unknown): void {
  try {
    f();
  } catch (err) {
    if (!(err instanceof X509Error))
      throw new Error(
        `untyped ${err instanceof Error ? `${err.name}: ${err.message}` : String(err)}`,
      );
  }
}

const PARSERS: Record<string, (b: Uint8Array) => unknown> = {
  parseDer: (b) => parseDer(b),
  parseCertificate,
  parsePkcs8: (b) => parsePkcs8(b),
  parseDhParametersDer,
  rsaPrivateKey: (b) =>
    parsePrivateKeyPem({ label: 'RSA PRIVATE KEY', headers: new Map(), der: b }),
  ecPrivateKey: (b) => parsePrivateKeyPem({ label: 'EC PRIVATE KEY', headers: new Map(), der: b }),
  dsaPrivateKey: (b) =>
    parsePrivateKeyPem({ label: 'DSA PRIVATE KEY', headers: new Map(), der: b }),
};

/** A mutation of `seed`: flipped bytes, a cut, an inserted run, or a replaced length byte. */
function mutated(seed: Uint8Array): fc.Arbitrary<Uint8Array> {
  return fc.oneof(
    fc
      .array(fc.tuple(fc.nat(seed.length - 1), fc.integer({ min: 1, max: 255 })), {
        minLength: 1,
        maxLength: 4,
      })
      .map((flips) => {
        const out = Uint8Array.from(seed);
        for (const [i, x] of flips) out[i] = (out[i] as number) ^ x;
        return out;
      }),
    fc.nat(seed.length).map((n) => seed.slice(0, n)),
    fc
      .tuple(fc.nat(seed.length), fc.uint8Array({ minLength: 1, maxLength: 8 }))
      .map(([i, ins]) => Uint8Array.of(...seed.slice(0, i), ...ins, ...seed.slice(i))),
    fc
      .tuple(
        fc.nat(seed.length - 1),
        fc.constantFrom(0x00, 0x7f, 0x80, 0x81, 0x82, 0x84, 0x88, 0xff),
      )
      .map(([i, b]) => {
        const out = Uint8Array.from(seed);
        out[i] = b;
        return out;
      }),
  );
}

test('random bytes into every DER parser', { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ maxLength: 300 }),
      fc.constantFrom(...Object.keys(PARSERS)),
      (bytes, name) => {
        valueOrTypedError(() => PARSERS[name]?.(bytes));
      },
    ),
    { numRuns: 4000, seed: 6125 },
  );
});

test('random bytes behind a plausible SEQUENCE header', { timeout: 60_000 }, () => {
  fc.assert(
    fc.property(
      fc.uint8Array({ minLength: 1, maxLength: 200 }),
      fc.constantFrom(...Object.keys(PARSERS)),
      (body, name) => {
        const bytes = Uint8Array.of(
          0x30,
          body.length < 128 ? body.length : 0x81,
          ...(body.length < 128 ? [] : [body.length]),
          ...body,
        );
        valueOrTypedError(() => PARSERS[name]?.(bytes));
      },
    ),
    { numRuns: 4000, seed: 5280 },
  );
});

for (const [seedName, seed] of Object.entries(seeds)) {
  test(`mutated ${seedName} DER into every parser`, { timeout: 60_000 }, () => {
    fc.assert(
      fc.property(mutated(seed), fc.constantFrom(...Object.keys(PARSERS)), (bytes, name) => {
        valueOrTypedError(() => PARSERS[name]?.(bytes));
      }),
      { numRuns: seedName === 'rsa' ? 300 : 1000, seed: 8017 },
    );
  });
}

test('the unmutated seeds parse', () => {
  parseCertificate(seeds.cert);
  for (const k of [seeds.rsa, seeds.ec, seeds.ed]) parsePkcs8(k);
  parsePrivateKeyPem({ label: 'EC PRIVATE KEY', headers: new Map(), der: seeds.ecSec1 });
  assert.ok(parseDhParametersDer(seeds.dh).p > 0n);
});

const pemLabels = [
  'CERTIFICATE',
  'PRIVATE KEY',
  'RSA PRIVATE KEY',
  'EC PRIVATE KEY',
  'DSA PRIVATE KEY',
  'ENCRYPTED PRIVATE KEY',
  'DH PARAMETERS',
];

function parseAllPem(text: string): void {
  for (const block of parsePem(text)) {
    valueOrTypedError(() =>
      block.label === 'CERTIFICATE'
        ? parseCertificate(block.der)
        : block.label === 'DH PARAMETERS'
          ? parseDhParametersDer(block.der)
          : parsePrivateKeyPem(block),
    );
  }
}

test('random and mutated PEM text', { timeout: 60_000 }, () => {
  const text = certPem + ecPem;
  fc.assert(
    fc.property(
      fc.oneof(
        fc.string({ maxLength: 400 }),
        fc
          .tuple(fc.constantFrom(...pemLabels), fc.base64String({ maxLength: 300 }), fc.boolean())
          .map(
            ([label, b64, header]) =>
              `-----BEGIN ${label}-----\n${header ? 'Proc-Type: 4,ENCRYPTED\nDEK-Info: AES-128-CBC,00\n\n' : ''}${b64}\n-----END ${label}-----\n`,
          ),
        fc
          .tuple(fc.nat(text.length - 1), fc.nat(text.length - 1), fc.string({ maxLength: 20 }))
          .map(([a, b, ins]) => text.slice(0, Math.min(a, b)) + ins + text.slice(Math.max(a, b))),
      ),
      (input) => valueOrTypedError(() => parseAllPem(input)),
    ),
    { numRuns: 2000, seed: 7468 },
  );
});
