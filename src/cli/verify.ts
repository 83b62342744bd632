import type { Command } from './command.js';
import { UsageError } from './command.js';
import { optionValue, parseArgs } from './args.js';
import type { Certificate } from '../x509/certificate.js';
import { loadCertificates } from '../x509/load.js';
import { formatOneline } from '../x509/name.js';
import type { Purpose } from '../x509/purpose.js';
import { TrustStore } from '../x509/trust-store.js';
import { verifyChain } from '../x509/verify.js';
import { verifyReasonCode, verifyReasonText } from '../x509/verify-reason.js';

const USAGE = `usage: postern verify [-CAfile FILE] [-CApath DIR] [-untrusted FILE] [-purpose sslserver|sslclient]
                      [-verify_depth N] [-verify_hostname NAME] [-attime SECONDS] CERTFILE...

Verifies each CERTFILE (its first certificate) against the trust store, as
'openssl verify' does: prints 'CERTFILE: OK', or the failing certificate's
subject and 'error N at D depth lookup: REASON', and exits 2 on failure.
-verify_depth counts the intermediates between the certificate and the
trust anchor (OpenSSL's meaning); without it the depth is 100, as there.
-attime checks validity at that time (seconds since the epoch) instead of now.`;

/** `openssl verify` has no depth limit to speak of by default (X509_VERIFY_PARAM's 100). */
const OPENSSL_DEFAULT_DEPTH = 100;

function nonNegativeInteger(value: string | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value)) throw new UsageError(`-${name} needs a non-negative integer`);
  return Number(value);
}

export const verifyCommand: Command = {
  name: 'verify',
  summary: 'verify certificate chains (like openssl verify)',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(args, {
      options: [
        'CAfile',
        'CApath',
        'untrusted',
        'purpose',
        'verify_depth',
        'verify_hostname',
        'attime',
      ],
    });
    if (parsed.positional.length === 0) throw new UsageError('no certificate file given');
    const purpose = optionValue(parsed, 'purpose');
    if (purpose !== undefined && purpose !== 'sslserver' && purpose !== 'sslclient')
      throw new UsageError(`unknown purpose ${purpose}`);
    const attime = nonNegativeInteger(optionValue(parsed, 'attime'), 'attime');
    const now = attime === undefined ? new Date() : new Date(attime * 1000);
    const caFile = optionValue(parsed, 'CAfile');
    const caPath = optionValue(parsed, 'CApath');
    const trustStore = TrustStore.load({
      ...(caFile !== undefined && { caFile }),
      ...(caPath !== undefined && { caPath }),
    });
    const untrustedFile = optionValue(parsed, 'untrusted');
    const untrusted = untrustedFile === undefined ? [] : loadCertificates(untrustedFile);
    const hostname = optionValue(parsed, 'verify_hostname');
    let failed = false;
    for (const file of parsed.positional) {
      const leaf: Certificate | undefined = loadCertificates(file)[0];
      if (leaf === undefined) throw new Error(`${file}: no certificate found`);
      const result = verifyChain([leaf], {
        trustStore,
        untrusted,
        now,
        maxDepth:
          nonNegativeInteger(optionValue(parsed, 'verify_depth'), 'verify_depth') ??
          OPENSSL_DEFAULT_DEPTH,
        ...(purpose !== undefined && { purpose: purpose as Purpose }),
        ...(hostname !== undefined && { hostname }),
      });
      if (result.ok) {
        io.stdout.write(`${file}: OK\n`);
        continue;
      }
      failed = true;
      io.stderr.write(
        `${formatOneline(result.certificate.subject)}\n` +
          `error ${verifyReasonCode(result.reason)} at ${result.depth} depth lookup: ${verifyReasonText(result.reason)}\n` +
          `error ${file}: verification failed\n`,
      );
    }
    return failed ? 2 : 0;
  },
};
