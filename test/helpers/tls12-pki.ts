import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { deterministicRandom } from '../../src/prng/deterministic.js';
import type { CertifiedKey } from '../../src/tls/policy/config.js';
import type { DhParameters } from '../../src/x509/dh-params.js';
import { loadDhParameters } from '../../src/x509/dh-params.js';
import { loadCertificateAndKey } from '../../src/x509/load.js';
import { TrustStore } from '../../src/x509/trust-store.js';

/**
 * The PKI of the TLS 1.2 tests, made with the `openssl` command once per
 * test file (never committed): a CA, a server certificate for each key type
 * a TLS 1.2 suite authenticates with (RSA, DSA, ECDSA P-256), a client
 * certificate, and DH parameter files. (The approach of test/x509/pki.ts.)
 */

export type Tls12KeyType = 'rsa' | 'dsa' | 'p256';
export const SERVER_NAME = 'mail.example.com';

const CA_EXT = [
  'basicConstraints=critical,CA:TRUE',
  'keyUsage=critical,keyCertSign,cRLSign',
  'subjectKeyIdentifier=hash',
];
const SERVER_EXT = [
  'basicConstraints=CA:FALSE',
  'keyUsage=critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage=serverAuth',
  `subjectAltName=DNS:${SERVER_NAME}`,
];
const CLIENT_EXT = [
  'basicConstraints=CA:FALSE',
  'keyUsage=critical,digitalSignature',
  'extendedKeyUsage=clientAuth',
];

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

export interface Identity {
  certFile: string;
  keyFile: string;
  certPem: string;
  keyPem: string;
  certified: CertifiedKey;
}

export class Tls12Pki {
  readonly dir: string;
  readonly caFile: string;
  readonly caPem: string;
  readonly trustStore: TrustStore;
  readonly servers: Record<Tls12KeyType, Identity>;
  readonly client: Identity;
  readonly clientRsa: Identity;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'postern-tls12-'));
    this.caFile = this.path('ca.pem');
    openssl(
      ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', 'ca.key'],
      this.dir,
    );
    writeFileSync(this.path('ca.ext'), `[ext]\n${CA_EXT.join('\n')}\n`);
    openssl(
      [
        'req',
        '-new',
        '-x509',
        '-key',
        'ca.key',
        '-subj',
        '/CN=postern TLS 1.2 test CA',
        '-days',
        '3650',
        '-out',
        'ca.pem',
        '-config',
        'ca.ext',
        '-extensions',
        'ext',
      ],
      this.dir,
    );
    this.caPem = readFileSync(this.caFile, 'latin1');
    this.trustStore = TrustStore.load({ caFile: this.caFile });
    openssl(
      [
        'genpkey',
        '-genparam',
        '-algorithm',
        'DSA',
        '-pkeyopt',
        'dsa_paramgen_bits:2048',
        '-out',
        'dsa-params.pem',
      ],
      this.dir,
    );
    this.servers = {
      rsa: this.issue('server-rsa', 'rsa', `/CN=${SERVER_NAME}`, SERVER_EXT),
      dsa: this.issue('server-dsa', 'dsa', `/CN=${SERVER_NAME}`, SERVER_EXT),
      p256: this.issue('server-p256', 'p256', `/CN=${SERVER_NAME}`, SERVER_EXT),
    };
    this.client = this.issue('client', 'p256', '/CN=client.example.com', CLIENT_EXT);
    this.clientRsa = this.issue('client-rsa', 'rsa', '/CN=client-rsa.example.com', CLIENT_EXT);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  private issue(name: string, type: Tls12KeyType, subject: string, extensions: string[]): Identity {
    const keyFile = this.path(`${name}.key`);
    const certFile = this.path(`${name}.pem`);
    const keyArgs: Record<Tls12KeyType, string[]> = {
      rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      dsa: ['-paramfile', 'dsa-params.pem'],
      p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
    };
    openssl(['genpkey', ...keyArgs[type], '-out', keyFile], this.dir);
    openssl(['req', '-new', '-key', keyFile, '-subj', subject, '-out', `${name}.csr`], this.dir);
    writeFileSync(this.path(`${name}.ext`), `[ext]\n${extensions.join('\n')}\n`);
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        'ca.pem',
        '-CAkey',
        'ca.key',
        '-CAcreateserial',
        '-CAserial',
        'ca.srl',
        '-days',
        '3650',
        '-extfile',
        `${name}.ext`,
        '-extensions',
        'ext',
        '-out',
        certFile,
      ],
      this.dir,
    );
    return {
      certFile,
      keyFile,
      certPem: readFileSync(certFile, 'latin1'),
      keyPem: readFileSync(keyFile, 'latin1'),
      certified: loadCertificateAndKey(certFile, keyFile),
    };
  }

  /** RFC 3526 §3's 2048-bit MODP group as a `DH PARAMETERS` file (a 2048-bit group other than ffdhe2048). */
  dh2048File(): string {
    const file = this.path('dh2048.pem');
    openssl(
      ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:modp_2048', '-out', file],
      this.dir,
    );
    return file;
  }

  /** A fresh 1024-bit safe-prime group, as `openssl dhparam 1024` makes for `smtpd_tls_dh1024_param_file`. */
  dh1024File(): string {
    const file = this.path('dh1024.pem');
    openssl(['dhparam', '-out', file, '1024'], this.dir);
    return file;
  }

  /** A 512-bit group, as the dh512 file of old configurations. */
  dh512File(): string {
    const file = this.path('dh512.pem');
    openssl(['dhparam', '-out', file, '512'], this.dir);
    return file;
  }

  static loadDh(file: string, minBits = 512): DhParameters {
    return loadDhParameters(readFileSync(file, 'latin1'), deterministicRandom('dh check'), minBits);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
