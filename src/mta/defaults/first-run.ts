// The built-in default configuration of `npm start` (issue 14): made once,
// under one root, when ROOT/etc/main.cf does not exist; never touched again.
import { chmodSync, existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { hostname as systemHostname } from 'node:os';
import type { Logger, Random } from '../../prng/index.js';
import { buildSelfSignedCertificate } from '../../x509/index.js';
import type { SelfSignedKeyType } from '../../x509/index.js';
import { defaultLayout, type DefaultLayout } from './default-layout.js';
import { defaultMainCf } from './default-main-cf.js';
import { defaultMasterCf } from './default-master-cf.js';
import { hashPassword } from '../../smtp/sasl/stored-secret.js';
import { generatePassword } from './first-user-secret.js';

export const DEFAULT_ROOT = './var/postern';
export const FIRST_USER = 'postern';
/** Ten years: a local test certificate should not expire under its user. */
const CERT_DAYS = 3650;

export interface FirstRunOptions {
  random: Random;
  log: Logger;
  now?: Date;
  /** The machine's name; os.hostname() by default, `localhost` when that is not a DNS name. */
  hostname?: string;
}

export interface FirstRunResult extends DefaultLayout {
  /** False when main.cf was there already: nothing was written. */
  created: boolean;
  hostname: string;
  user: string;
  /** user@hostname, a local address the default configuration delivers. */
  userAddress: string;
  listeners: readonly { address: string; description: string }[];
}

const LISTENERS = [
  { address: '127.0.0.1:2525', description: 'SMTP, STARTTLS offered' },
  { address: '127.0.0.1:2465', description: 'SMTPS (implicit TLS), AUTH' },
  { address: '127.0.0.1:2587', description: 'submission, STARTTLS and AUTH required' },
] as const;

const DNS_NAME = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?(\.[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)*$/;

function machineName(given: string | undefined): string {
  const name = (given ?? systemHostname()).toLowerCase();
  return DNS_NAME.test(name) ? name : 'localhost';
}

/** $myhostname minus its first label when a dot remains, else localdomain (Postfix's mydomain default). */
function domainOf(host: string): string {
  const rest = host.slice(host.indexOf('.') + 1);
  return host.includes('.') && rest.includes('.') ? rest : 'localdomain';
}

/** Written beside the target and renamed, so a crash leaves either nothing or the whole file. */
function writeFileAtomically(path: string, text: string, mode: number): void {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text, { mode });
  chmodSync(tmp, mode);
  renameSync(tmp, path);
}

function writeCertificate(
  keyType: SelfSignedKeyType,
  certFile: string,
  keyFile: string,
  host: string,
  options: FirstRunOptions,
): void {
  const started = Date.now();
  const made = buildSelfSignedCertificate({
    keyType,
    commonName: host,
    dnsNames: [...new Set([host, 'localhost'])],
    ipAddresses: ['127.0.0.1'],
    days: CERT_DAYS,
    random: options.random,
    ...(options.now !== undefined && { now: options.now }),
  });
  writeFileAtomically(keyFile, made.keyPem, 0o600);
  writeFileAtomically(certFile, made.certificatePem, 0o644);
  options.log.info(
    `made a self-signed ${keyType === 'rsa' ? 'RSA-2048' : 'ECDSA P-256'} certificate for ${host} in ${Date.now() - started} ms: ${certFile}`,
  );
}

async function writeUser(
  l: DefaultLayout,
  address: string,
  options: FirstRunOptions,
): Promise<void> {
  const password = generatePassword(options.random);
  const secret = await hashPassword(password, 'scrypt', options.random);
  writeFileAtomically(
    l.saslPasswd,
    `# smtpd_sasl_password_maps (texthash): user and scrypt secret; "postern saslpasswd -f ${l.saslPasswd} USER" edits it.\n${FIRST_USER} ${secret}\n`,
    0o600,
  );
  writeFileAtomically(
    l.firstUserFile,
    `# The SMTP AUTH user made on first run; ${l.saslPasswd} holds only its scrypt hash.\nuser: ${FIRST_USER}\npassword: ${password}\naddress: ${address}\n`,
    0o600,
  );
  writeFileAtomically(
    l.localUsers,
    `# local_recipient_maps (texthash): the local users mail is accepted for, one "user value" line each.\n${FIRST_USER} ${FIRST_USER}\n`,
    0o644,
  );
  writeFileAtomically(
    l.aliases,
    `# alias_maps (texthash, postmap's "key value" format, no colon): name and where its mail goes.\npostmaster ${FIRST_USER}\nroot ${FIRST_USER}\n`,
    0o644,
  );
}

function resultOf(l: DefaultLayout, created: boolean, host: string): FirstRunResult {
  return {
    ...l,
    created,
    hostname: host,
    user: FIRST_USER,
    userAddress: `${FIRST_USER}@${host}`,
    listeners: LISTENERS,
  };
}

/**
 * Makes ROOT/etc (main.cf, master.cf, certificates, users), ROOT/queue,
 * ROOT/data, ROOT/mail and ROOT/log when ROOT/etc/main.cf does not exist.
 * main.cf is written last: a run cut short leaves no main.cf and is redone whole.
 */
export async function ensureDefaultConfiguration(
  root: string,
  options: FirstRunOptions,
): Promise<FirstRunResult> {
  const l = defaultLayout(root);
  const host = machineName(options.hostname);
  if (existsSync(l.mainCf)) return resultOf(l, false, host);
  for (const dir of [
    l.configDirectory,
    l.queueDirectory,
    l.dataDirectory,
    l.mailDirectory,
    l.logDirectory,
  ])
    mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeCertificate('rsa', l.rsaCert, l.rsaKey, host, options);
  writeCertificate('ecdsa', l.ecdsaCert, l.ecdsaKey, host, options);
  await writeUser(l, `${FIRST_USER}@${host}`, options);
  writeFileAtomically(l.masterCf, defaultMasterCf(), 0o644);
  writeFileAtomically(l.mainCf, defaultMainCf(l, host, domainOf(host)), 0o644);
  options.log.info(`wrote the default configuration in ${l.configDirectory}`);
  return resultOf(l, true, host);
}
