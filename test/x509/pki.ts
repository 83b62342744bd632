import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Test PKI made with the `openssl` command at test time (never committed):
 * keys of every kind we read, and certificates issued by `openssl ca` so the
 * validity dates, extensions and signature options can be chosen per case.
 */

/** `rsa-pss`: an id-RSASSA-PSS key without parameters; `rsa-pss-sha256`: one restricted to SHA-256, MGF1-SHA-256, salt ≥ 32. */
export type KeyType = 'rsa' | 'dsa' | 'p256' | 'p384' | 'ed25519' | 'rsa-pss' | 'rsa-pss-sha256';

export interface IssueOptions {
  /** Extension lines, e.g. ['basicConstraints=critical,CA:TRUE']. */
  extensions: string[];
  start?: string;
  end?: string;
  md?: string;
  sigopts?: string[];
}

export function openssl(args: string[], cwd?: string): string {
  return execFileSync('openssl', args, {
    cwd,
    encoding: 'latin1',
    stdio: ['ignore', 'pipe', 'pipe'],
  });
}

/** Runs openssl and returns its exit status and both outputs, for commands expected to fail. */
export function opensslResult(
  args: string[],
  cwd?: string,
): { status: number; stdout: string; stderr: string } {
  const r = spawnSync('openssl', args, { cwd, encoding: 'latin1' });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export const CA_EXTENSIONS = [
  'basicConstraints=critical,CA:TRUE',
  'keyUsage=critical,keyCertSign,cRLSign',
  'subjectKeyIdentifier=hash',
  'authorityKeyIdentifier=keyid',
];
export const SERVER_EXTENSIONS = [
  'basicConstraints=CA:FALSE',
  'keyUsage=critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage=serverAuth',
  'subjectAltName=DNS:mail.example.com',
];

const CA_CONFIG = `[ca]
default_ca = CA_default
[CA_default]
database = index.txt
new_certs_dir = issued
serial = serial
default_md = default
policy = policy_any
unique_subject = no
copy_extensions = none
preserve = yes
[policy_any]
commonName = optional
countryName = optional
organizationName = optional
organizationalUnitName = optional
`;

export class Pki {
  readonly dir: string;
  private dsaParams: string | undefined;
  private counter = 0;

  constructor() {
    this.dir = mkdtempSync(join(tmpdir(), 'postern-x509-'));
    mkdirSync(join(this.dir, 'issued'));
    writeFileSync(join(this.dir, 'index.txt'), '');
    writeFileSync(join(this.dir, 'serial'), '1000\n');
    writeFileSync(join(this.dir, 'ca.cnf'), CA_CONFIG);
  }

  path(name: string): string {
    return join(this.dir, name);
  }

  /** A private key `<name>.key` (PKCS#8, as OpenSSL 3 writes). */
  key(name: string, type: KeyType): string {
    const out = this.path(`${name}.key`);
    const args: Record<KeyType, string[]> = {
      rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
      'rsa-pss': ['-algorithm', 'RSA-PSS', '-pkeyopt', 'rsa_keygen_bits:2048'],
      'rsa-pss-sha256': [
        '-algorithm',
        'RSA-PSS',
        '-pkeyopt',
        'rsa_keygen_bits:2048',
        '-pkeyopt',
        'rsa_pss_keygen_md:sha256',
        '-pkeyopt',
        'rsa_pss_keygen_mgf1_md:sha256',
        '-pkeyopt',
        'rsa_pss_keygen_saltlen:32',
      ],
      p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
      p384: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-384'],
      ed25519: ['-algorithm', 'ED25519'],
      dsa: ['-paramfile', this.dsaParamFile()],
    };
    openssl(['genpkey', ...args[type], '-out', out]);
    return out;
  }

  private dsaParamFile(): string {
    if (this.dsaParams === undefined) {
      this.dsaParams = this.path('dsa-params.pem');
      openssl([
        'genpkey',
        '-genparam',
        '-algorithm',
        'DSA',
        '-pkeyopt',
        'dsa_paramgen_bits:2048',
        '-out',
        this.dsaParams,
      ]);
    }
    return this.dsaParams;
  }

  /**
   * Issues `<name>.pem` for `keyFile` with subject `/CN=<cn>`, signed by
   * `issuer` (a name given before) or self-signed when issuer is undefined.
   */
  issue(
    name: string,
    keyFile: string,
    subject: string,
    issuer: string | undefined,
    options: IssueOptions,
  ): string {
    const csr = this.path(`${name}.csr`);
    const ext = this.path(`${name}.ext`);
    const out = this.path(`${name}.pem`);
    openssl(['req', '-new', '-key', keyFile, '-subj', subject, '-out', csr]);
    writeFileSync(ext, `[ext]\n${options.extensions.join('\n')}\n`);
    const signer =
      issuer === undefined
        ? ['-selfsign', '-keyfile', keyFile]
        : ['-cert', this.path(`${issuer}.pem`), '-keyfile', this.path(`${issuer}.key`)];
    openssl(
      [
        'ca',
        '-batch',
        '-config',
        'ca.cnf',
        '-notext',
        ...signer,
        '-in',
        csr,
        '-out',
        out,
        '-startdate',
        options.start ?? '20200101000000Z',
        '-enddate',
        options.end ?? '20450101000000Z',
        '-extfile',
        ext,
        '-extensions',
        'ext',
        ...(options.md ? ['-md', options.md] : []),
        ...(options.sigopts ?? []).flatMap((o) => ['-sigopt', o]),
      ],
      this.dir,
    );
    this.counter++;
    return out;
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}
