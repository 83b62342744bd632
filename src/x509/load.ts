import { readFileSync } from 'node:fs';
import type { Certificate } from './certificate.js';
import { parseCertificate } from './certificate.js';
import { X509Error } from './errors.js';
import { looksLikePem, parsePem } from './pem.js';
import type { PrivateKey } from './private-key.js';
import { PRIVATE_KEY_LABELS, parsePkcs8, parsePrivateKeyPem, publicKeyOf } from './private-key.js';
import { publicKeysEqual } from './public-key.js';

/** A server's (or client's) certificate, the chain sent after it, and its key. */
export interface CertificateAndKey {
  /** The certificate first, then the issuing CAs in the order of the file. */
  chain: Certificate[];
  key: PrivateKey;
}

export const CERTIFICATE_LABELS = new Set([
  'CERTIFICATE',
  'X509 CERTIFICATE',
  'TRUSTED CERTIFICATE',
]);

/** A file's bytes; a read failure is X509Error io_error naming the file. */
export function readX509File(path: string): Uint8Array {
  try {
    return readFileSync(path);
  } catch (err) {
    throw new X509Error('io_error', `${path}: ${(err as Error).message}`);
  }
}

/** Re-raises an X509Error with the file named first, so the log says which file is wrong. */
function inFile<T>(path: string, f: () => T): T {
  try {
    return f();
  } catch (err) {
    if (err instanceof X509Error) throw new X509Error(err.code, `${path}: ${err.message}`);
    throw err;
  }
}

/** Every certificate of a PEM (or single DER) file, in order. */
export function loadCertificates(path: string): Certificate[] {
  const bytes = readX509File(path);
  return inFile(path, () => {
    if (!looksLikePem(bytes)) return [parseCertificate(bytes)];
    const blocks = parsePem(Buffer.from(bytes).toString('latin1'));
    return blocks
      .filter((b) => CERTIFICATE_LABELS.has(b.label))
      .map((b) => parseCertificate(b.der));
  });
}

/** The first private key of a PEM (or DER PKCS#8) file. */
export function loadPrivateKey(path: string): PrivateKey {
  const bytes = readX509File(path);
  return inFile(path, () => {
    if (!looksLikePem(bytes)) return parsePkcs8(bytes);
    const block = parsePem(Buffer.from(bytes).toString('latin1')).find((b) =>
      PRIVATE_KEY_LABELS.has(b.label),
    );
    if (block === undefined) throw new X509Error('no_private_key', 'no private key found');
    return parsePrivateKeyPem(block);
  });
}

/**
 * Postfix's rules for `*_cert_file` / `*_key_file`: the key file defaults to
 * the certificate file; the certificate file holds the certificate first and
 * then its chain (`cat server.pem intermediate.pem root.pem`), possibly with
 * the key among them; the key must belong to the first certificate.
 */
export function loadCertificateAndKey(
  certFile: string,
  keyFile: string = certFile,
): CertificateAndKey {
  const chain = loadCertificates(certFile);
  const leaf = chain[0];
  if (leaf === undefined)
    throw new X509Error('no_certificate', `${certFile}: no certificate found`);
  const key = loadPrivateKey(keyFile);
  if (!publicKeysEqual(publicKeyOf(key), leaf.publicKey.key)) {
    throw new X509Error(
      'key_mismatch',
      `${keyFile}: private key does not match the certificate in ${certFile}`,
    );
  }
  return { chain, key };
}
