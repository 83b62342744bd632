import { readFileSync } from 'node:fs';
import type { Command } from './command.js';
import { UsageError } from './command.js';
import { optionValue, parseArgs } from './args.js';
import type { Certificate } from '../x509/certificate.js';
import { parseCertificate } from '../x509/certificate.js';
import { certificateText, formatTime } from '../x509/cert-text.js';
import type { FingerprintDigest } from '../x509/fingerprint.js';
import { certificateFingerprint } from '../x509/fingerprint.js';
import { formatOneline } from '../x509/name.js';
import { encodePem, looksLikePem, parsePem } from '../x509/pem.js';
import { subjectHashHex } from '../x509/subject-hash.js';

const USAGE = `usage: postern x509 -in FILE [-inform PEM|DER] [-noout] [-fingerprint] [-md5|-sha1|-sha256]
                    [-subject] [-issuer] [-dates] [-hash] [-serial] [-text]

Prints what was asked of the certificate in FILE, in the order asked and in
the format 'openssl x509' uses, then the certificate as PEM unless -noout.
-fingerprint digests with SHA-1 unless -md5 or -sha256 is given; -hash is
the subject hash that CApath file names use.`;

const PRINTS = ['subject', 'issuer', 'dates', 'fingerprint', 'hash', 'serial', 'text'] as const;
type Print = (typeof PRINTS)[number];

function readCertificate(path: string, inform: string | undefined): Certificate {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new Error(`${path}: ${(err as Error).message}`);
  }
  if (inform === 'DER' || (inform === undefined && !looksLikePem(bytes)))
    return parseCertificate(bytes);
  const block = parsePem(Buffer.from(bytes).toString('latin1')).find(
    (b) => b.label === 'CERTIFICATE' || b.label === 'TRUSTED CERTIFICATE',
  );
  if (block === undefined) throw new Error(`${path}: no certificate found`);
  return parseCertificate(block.der);
}

function serialHex(cert: Certificate): string {
  const neg = cert.serialNumber < 0n;
  let hex = (neg ? -cert.serialNumber : cert.serialNumber).toString(16).toUpperCase();
  if (hex.length % 2 === 1) hex = '0' + hex;
  return (neg ? '-' : '') + hex;
}

/** `digestName` is how OpenSSL 3.0 labels the fingerprint: `SHA1` by default, else the option's own spelling. */
function render(
  cert: Certificate,
  what: Print,
  digest: FingerprintDigest,
  digestName: string,
): string {
  switch (what) {
    case 'subject':
      return `subject=${formatOneline(cert.subject)}\n`;
    case 'issuer':
      return `issuer=${formatOneline(cert.issuer)}\n`;
    case 'dates':
      return `notBefore=${formatTime(cert.notBefore)}\nnotAfter=${formatTime(cert.notAfter)}\n`;
    case 'fingerprint':
      return `${digestName} Fingerprint=${certificateFingerprint(cert, digest)}\n`;
    case 'hash':
      return `${subjectHashHex(cert.subject)}\n`;
    case 'serial':
      return `serial=${serialHex(cert)}\n`;
    case 'text':
      return certificateText(cert);
  }
}

export const x509Command: Command = {
  name: 'x509',
  summary: 'print certificate fields and fingerprints (like openssl x509)',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(args, {
      flags: ['noout', 'md5', 'sha1', 'sha256', ...PRINTS],
      options: ['in', 'inform'],
    });
    const input = optionValue(parsed, 'in');
    if (input === undefined) throw new UsageError('-in FILE is required');
    if (parsed.positional.length > 0)
      throw new UsageError(`unexpected argument ${parsed.positional[0]}`);
    const inform = optionValue(parsed, 'inform')?.toUpperCase();
    if (inform !== undefined && inform !== 'PEM' && inform !== 'DER')
      throw new UsageError('-inform must be PEM or DER');
    const digests = (['md5', 'sha1', 'sha256'] as const).filter((d) => parsed.flags.has(d));
    if (digests.length > 1) throw new UsageError('give at most one of -md5, -sha1, -sha256');
    const digest: FingerprintDigest = digests[0] ?? 'sha1';
    const cert = readCertificate(input, inform);
    // openssl x509 prints in the order the options were given.
    const order = PRINTS.filter((p) => parsed.flags.has(p)).sort(
      (a, b) => args.indexOf(`-${a}`) - args.indexOf(`-${b}`),
    );
    const digestName = digests[0] ?? 'SHA1';
    let out = order.map((p) => render(cert, p, digest, digestName)).join('');
    if (!parsed.flags.has('noout')) out += encodePem('CERTIFICATE', cert.der);
    io.stdout.write(out);
    return 0;
  },
};
