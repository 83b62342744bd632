// Postfix's chain files (postconf(5) smtpd_tls_chain_files, and the values of
// tls_server_sni_maps): once the files are concatenated in the order given,
// the PEM objects must be key1, cert1, [chain1], key2, cert2, [chain2], …
// Each key comes immediately before the certificate it belongs to.
import { parseCertificate } from './certificate.js';
import { X509Error } from './errors.js';
import type { CertificateAndKey } from './load.js';
import { CERTIFICATE_LABELS, readX509File } from './load.js';
import { parsePem } from './pem.js';
import { PRIVATE_KEY_LABELS, parsePrivateKeyPem, publicKeyOf } from './private-key.js';
import { publicKeysEqual } from './public-key.js';

/** The key/chain pairs of one PEM text; `source` names it in errors (file names, or a table key). */
export function parseKeyChains(pem: string, source: string): CertificateAndKey[] {
  const pairs: CertificateAndKey[] = [];
  for (const block of parsePem(pem)) {
    if (PRIVATE_KEY_LABELS.has(block.label)) {
      pairs.push({ key: parsePrivateKeyPem(block), chain: [] });
    } else if (CERTIFICATE_LABELS.has(block.label)) {
      const current = pairs[pairs.length - 1];
      if (current === undefined)
        throw new X509Error(
          'chain_order',
          `${source}: a certificate before any private key (each key must come immediately before its certificate)`,
        );
      current.chain.push(parseCertificate(block.der));
    }
  }
  if (pairs.length === 0) throw new X509Error('no_private_key', `${source}: no private key found`);
  pairs.forEach((pair, i) => checkPair(pair, i + 1, source));
  return pairs;
}

/** Reads the files, concatenated in order as Postfix does, then parses them as one chain text. */
export function loadKeyChains(paths: readonly string[]): CertificateAndKey[] {
  const texts = paths.map((path) => Buffer.from(readX509File(path)).toString('latin1'));
  return parseKeyChains(texts.join('\n'), paths.join(', '));
}

function checkPair(pair: CertificateAndKey, n: number, source: string): void {
  const leaf = pair.chain[0];
  if (leaf === undefined)
    throw new X509Error(
      'chain_order',
      `${source}: private key ${n} is not followed by its certificate`,
    );
  if (!publicKeysEqual(publicKeyOf(pair.key), leaf.publicKey.key)) {
    throw new X509Error(
      'key_mismatch',
      `${source}: private key ${n} does not match the certificate after it`,
    );
  }
}
