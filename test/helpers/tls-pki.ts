import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCertificateAndKey } from '../../src/x509/load.js';
import { TrustStore } from '../../src/x509/trust-store.js';
import type { CertifiedKey } from '../../src/tls/policy/config.js';

/**
 * The PKI of the TLS tests, made with the `openssl` command once per test
 * file (never committed): a CA, one server certificate per key type we
 * serve, a client certificate, and a second CA that nobody trusts.
 * (Adapted from test/x509/pki.ts, which belongs to the x509 tests.)
 */

/**
 * `rsa-pss`: an id-RSASSA-PSS key without parameters; `rsa-pss-sha384`: one
 * restricted to SHA-384, MGF1-SHA-384, salt ≥ 48 (RFC 4055 §3.1);
 * `rsa-pss-salt64`: restricted to SHA-256 with salt ≥ 64, which no TLS
 * scheme fits (RFC 8446 §4.2.3: the salt is as long as the hash).
 */
export type TlsKeyType = DefaultKeyType | 'rsa-pss' | 'rsa-pss-sha384' | 'rsa-pss-salt64' | 'dsa';
/** What the default matrix serves; the other types are made only when asked for. */
export type DefaultKeyType = 'rsa' | 'p256' | 'p384' | 'ed25519';
export const KEY_TYPES: readonly DefaultKeyType[] = ['rsa', 'p256', 'p384', 'ed25519'];

export const SERVER_NAME = 'mail.example.com';

const KEY_ARGS: Record<TlsKeyType, string[]> = {
  rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
  ed25519: ['-algorithm', 'ED25519'],
  'rsa-pss': ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'],
  'rsa-pss-sha384': pssArgs('sha384', 48),
  'rsa-pss-salt64': pssArgs('sha256', 64),
  dsa: ['-paramfile', 'dsa-params.pem'],
};

function pssArgs(hash: string, salt: number): string[] {
  return [
    '-algorithm',
    'RSA-PSS',
    '-pkeyopt',
    'rsa_keygen_bits:2048',
    '-pkeyopt',
    `rsa_pss_keygen_md:${hash}`,
    '-pkeyopt',
    `rsa_pss_keygen_mgf1_md:${hash}`,
    '-pkeyopt',
    `rsa_pss_keygen_saltlen:${salt}`,
  ];
}

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

/** Files on disk (for openssl and node:tls) and the parsed pairs (for our engine). */
export interface TlsIdentity {
  certFile: string;
  keyFile: string;
  /** PEM text of the certificate and of the key, for node:tls. */
  certPem: string;
  keyPem: string;
  certified: CertifiedKey;
}

export class TlsPki {
  readonly dir: string;
  readonly caFile: string;
  readonly caPem: string;
  readonly wrongCaFile: string;
  readonly trustStore: TrustStore;
  readonly servers: Record<TlsKeyType, TlsIdentity>;
  /** A server certificate issued by the untrusted CA. */
  readonly wrongCaServer: TlsIdentity;
  readonly client: TlsIdentity;

  /** Makes everything at once: about a second, most of it the RSA keys. */
  constructor(serverTypes: readonly TlsKeyType[] = KEY_TYPES) {
    this.dir = mkdtempSync(join(tmpdir(), 'postern-tls-'));
    this.caFile = this.selfSigned('ca', '/CN=postern test CA');
    this.wrongCaFile = this.selfSigned('wrong-ca', '/CN=postern untrusted CA');
    this.caPem = readFileSync(this.caFile, 'latin1');
    this.trustStore = TrustStore.load({ caFile: this.caFile });
    const servers: Partial<Record<TlsKeyType, TlsIdentity>> = {};
    for (const type of serverTypes)
      servers[type] = this.issue(`server-${type}`, type, `/CN=${SERVER_NAME}`, 'ca', SERVER_EXT);
    this.servers = servers as Record<TlsKeyType, TlsIdentity>;
    this.wrongCaServer = this.issue(
      'server-wrong-ca',
      'p256',
      `/CN=${SERVER_NAME}`,
      'wrong-ca',
      SERVER_EXT,
    );
    this.client = this.issue('client', 'p256', '/CN=client.example.com', 'ca', CLIENT_EXT);
  }

  /** A client certificate of another key type, issued by the trusted CA. */
  clientOf(type: TlsKeyType): TlsIdentity {
    return this.issue(`client-${type}`, type, '/CN=client.example.com', 'ca', CLIENT_EXT);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  private selfSigned(name: string, subject: string): string {
    const key = this.path(`${name}.key`);
    const cert = this.path(`${name}.pem`);
    openssl(['genpkey', ...KEY_ARGS.p256, '-out', key], this.dir);
    writeFileSync(this.path(`${name}.ext`), `[ext]\n${CA_EXT.join('\n')}\n`);
    openssl(
      [
        'req',
        '-new',
        '-x509',
        '-key',
        key,
        '-subj',
        subject,
        '-days',
        '3650',
        '-out',
        cert,
        '-config',
        this.path(`${name}.ext`),
        '-extensions',
        'ext',
      ],
      this.dir,
    );
    return cert;
  }

  private issue(
    name: string,
    type: TlsKeyType,
    subject: string,
    issuer: string,
    extensions: string[],
  ): TlsIdentity {
    const keyFile = this.path(`${name}.key`);
    const certFile = this.path(`${name}.pem`);
    const csr = this.path(`${name}.csr`);
    const ext = this.path(`${name}.ext`);
    if (type === 'dsa') this.dsaParameters();
    openssl(['genpkey', ...KEY_ARGS[type], '-out', keyFile], this.dir);
    openssl(['req', '-new', '-key', keyFile, '-subj', subject, '-out', csr], this.dir);
    writeFileSync(ext, `[ext]\n${extensions.join('\n')}\n`);
    mkdirSync(this.path('serials'), { recursive: true });
    openssl(
      [
        'x509',
        '-req',
        '-in',
        csr,
        '-CA',
        this.path(`${issuer}.pem`),
        '-CAkey',
        this.path(`${issuer}.key`),
        '-CAcreateserial',
        '-CAserial',
        this.path(`serials/${issuer}.srl`),
        '-days',
        '3650',
        '-extfile',
        ext,
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

  /** DSA keys share one 2048-bit parameter file, made on first use (a few seconds). */
  private dsaParameters(): void {
    if (existsSync(this.path('dsa-params.pem'))) return;
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
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
