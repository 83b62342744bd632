import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * A small PKI for TLS tests, made with the `openssl` command at test time
 * (never committed): a CA, server certificates for localhost (ECDSA P-256
 * and RSA), a client certificate, and a second CA with its own client.
 */

export type TlsKeyType = 'p256' | 'rsa' | 'dsa';

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

const KEY_ARGS: Record<TlsKeyType, string[]> = {
  p256: ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'],
  rsa: ['-algorithm', 'RSA', '-pkeyopt', 'rsa_keygen_bits:2048'],
  // DSA keys come from a parameter file, made once per PKI (dsaParams).
  dsa: ['-paramfile', 'dsa-params.pem'],
};

export class TlsPki {
  readonly dir = mkdtempSync(join(tmpdir(), 'postern-tls-'));

  path(name: string): string {
    return join(this.dir, name);
  }

  key(name: string, type: TlsKeyType): string {
    if (type === 'dsa') this.dsaParams();
    openssl(['genpkey', ...KEY_ARGS[type], '-out', `${name}.key`], this.dir);
    return this.path(`${name}.key`);
  }

  private dsaParamsMade = false;

  /** 2048-bit DSA parameters (q of 224 bits, as OpenSSL 3 makes them), shared by every DSA key of this PKI. */
  private dsaParams(): void {
    if (this.dsaParamsMade) return;
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
    this.dsaParamsMade = true;
  }

  /** A `DH PARAMETERS` file: RFC 3526's 2048-bit MODP group, or a fresh safe prime of `bits` (as `openssl dhparam`). */
  dhParams(name: string, bits: 512 | 1024 | 2048): string {
    const file = this.path(name);
    if (bits === 2048)
      openssl(
        ['genpkey', '-genparam', '-algorithm', 'DH', '-pkeyopt', 'group:modp_2048', '-out', file],
        this.dir,
      );
    else openssl(['dhparam', '-out', file, String(bits)], this.dir);
    return file;
  }

  /** A self-signed CA `<name>.pem` / `<name>.key`. */
  ca(name: string, cn: string): string {
    this.key(name, 'p256');
    openssl(
      [
        'req',
        '-x509',
        '-new',
        '-key',
        `${name}.key`,
        '-subj',
        `/CN=${cn}`,
        '-days',
        '30',
        '-out',
        `${name}.pem`,
        '-addext',
        'basicConstraints=critical,CA:TRUE',
        '-addext',
        'keyUsage=critical,keyCertSign,cRLSign',
      ],
      this.dir,
    );
    return this.path(`${name}.pem`);
  }

  /** `<name>.pem` issued by CA `issuer` for a new key of `type`, with the given extension lines. */
  leaf(
    name: string,
    type: TlsKeyType,
    subject: string,
    issuer: string,
    extensions: string[],
  ): string {
    this.key(name, type);
    openssl(
      ['req', '-new', '-key', `${name}.key`, '-subj', subject, '-out', `${name}.csr`],
      this.dir,
    );
    writeFileSync(this.path(`${name}.ext`), extensions.join('\n') + '\n');
    openssl(
      [
        'x509',
        '-req',
        '-in',
        `${name}.csr`,
        '-CA',
        `${issuer}.pem`,
        '-CAkey',
        `${issuer}.key`,
        '-set_serial',
        String(Date.now() % 1e9),
        '-days',
        '30',
        '-extfile',
        `${name}.ext`,
        '-out',
        `${name}.pem`,
      ],
      this.dir,
    );
    return this.path(`${name}.pem`);
  }

  cleanup(): void {
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export const SERVER_EXTENSIONS = [
  'basicConstraints=CA:FALSE',
  'keyUsage=critical,digitalSignature,keyEncipherment',
  'extendedKeyUsage=serverAuth',
  'subjectAltName=DNS:localhost,IP:127.0.0.1',
];
export const CLIENT_EXTENSIONS = [
  'basicConstraints=CA:FALSE',
  'keyUsage=critical,digitalSignature',
  'extendedKeyUsage=clientAuth',
];

/** The usual set: `ca`, `server` (P-256), `server-rsa`, `client`, and `other-ca` with `stranger` (a client it issued). */
export function standardPki(): TlsPki {
  const pki = new TlsPki();
  pki.ca('ca', 'Postern Test CA');
  pki.leaf('server', 'p256', '/CN=localhost', 'ca', SERVER_EXTENSIONS);
  pki.leaf('server-rsa', 'rsa', '/CN=localhost/O=RSA', 'ca', SERVER_EXTENSIONS);
  pki.leaf('client', 'p256', '/CN=client.example.org/O=Postern', 'ca', CLIENT_EXTENSIONS);
  pki.ca('other-ca', 'Other CA');
  pki.leaf('stranger', 'p256', '/CN=stranger.example.org', 'other-ca', CLIENT_EXTENSIONS);
  return pki;
}
