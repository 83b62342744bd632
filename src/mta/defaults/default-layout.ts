import { join, resolve } from 'node:path';

/** Where the built-in default configuration puts everything, below one root (./var/postern for `npm start`). */
export interface DefaultLayout {
  root: string;
  configDirectory: string;
  mainCf: string;
  masterCf: string;
  queueDirectory: string;
  dataDirectory: string;
  mailDirectory: string;
  logDirectory: string;
  logFile: string;
  aliases: string;
  localUsers: string;
  saslPasswd: string;
  firstUserFile: string;
  rsaCert: string;
  rsaKey: string;
  ecdsaCert: string;
  ecdsaKey: string;
}

/** main.cf values are split on white space and commas, and `$` expands: a root with those cannot be written there. */
const UNSAFE_PATH = /[\s,$#{}()]/;

export function defaultLayout(root: string): DefaultLayout {
  const abs = resolve(root);
  if (UNSAFE_PATH.test(abs))
    throw new Error(
      `default configuration root '${abs}': main.cf cannot name a path with white space, ',', '$', '#', braces or parentheses`,
    );
  const etc = join(abs, 'etc');
  return {
    root: abs,
    configDirectory: etc,
    mainCf: join(etc, 'main.cf'),
    masterCf: join(etc, 'master.cf'),
    queueDirectory: join(abs, 'queue'),
    dataDirectory: join(abs, 'data'),
    mailDirectory: join(abs, 'mail'),
    logDirectory: join(abs, 'log'),
    logFile: join(abs, 'log', 'postern.log'),
    aliases: join(etc, 'aliases'),
    localUsers: join(etc, 'local_users'),
    saslPasswd: join(etc, 'sasl_passwd'),
    firstUserFile: join(etc, 'first-user.txt'),
    rsaCert: join(etc, 'cert-rsa.pem'),
    rsaKey: join(etc, 'key-rsa.pem'),
    ecdsaCert: join(etc, 'cert-ecdsa.pem'),
    ecdsaKey: join(etc, 'key-ecdsa.pem'),
  };
}
