import { existsSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { createSystemRandom } from '../prng/index.js';
import {
  hashPassword,
  parseArgon2idParams,
  parseScryptParams,
  StoredSecretError,
} from '../smtp/sasl/stored-secret.js';
import type { HashScheme } from '../smtp/sasl/stored-secret.js';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { optionValue, parseArgs } from './args.js';
import { readPassword } from './password-input.js';

const USAGE = `usage: postern saslpasswd -f FILE [-a scrypt|argon2id] [-params P] [-plain] USER
       postern saslpasswd -f FILE -d USER

Adds or replaces USER's secret in FILE, the source text of
smtpd_sasl_password_maps (smtpd_sasl_type = postern), one "user secret" line
per user; -d deletes USER. Rebuild the table afterwards (postmap FILE) when it
is not a texthash: table. Other lines and comments are kept.

The password is read from the terminal (asked twice, not echoed) or as the
first line of standard input; never from the command line.

  -a scrypt      $scrypt$ln=15,r=8,p=1$salt$hash (the default)
  -a argon2id    $argon2id$v=19$m=65536,t=3,p=4$salt$hash
  -params P      the cost: "ln=15,r=8,p=1" for scrypt, "m=65536,t=3,p=4" for argon2id
  -plain         store {PLAIN}password, the password itself. Discouraged:
                 anyone who reads the table reads every password. Only
                 needed for CRAM-MD5, which needs the password on the server.`;

// A table key: no white space (it ends the key), no control characters, not a comment.
function checkUser(user: string): void {
  if (user === '' || /[\s\x00-\x1f\x7f]/.test(user) || user.startsWith('#'))
    throw new UsageError(`bad user name '${user}'`);
}

function keyOf(line: string): string | undefined {
  if (/^\s/.test(line) || line.startsWith('#')) return undefined;
  return line.split(/\s/)[0]?.toLowerCase();
}

/** The file's lines with USER's line replaced, appended or (secret undefined) removed. */
export function updateSourceLines(
  lines: readonly string[],
  user: string,
  secret: string | undefined,
): { lines: string[]; found: boolean } {
  const key = user.toLowerCase();
  const out: string[] = [];
  let found = false;
  for (const line of lines) {
    if (keyOf(line) !== key) {
      out.push(line);
      continue;
    }
    // Postfix tables fold keys to lower case: a second line for the same user would be shadowed, so every copy goes.
    if (!found && secret !== undefined) out.push(`${user} ${secret}`);
    found = true;
  }
  if (!found && secret !== undefined) out.push(`${user} ${secret}`);
  return { lines: out, found };
}

function readLines(file: string): string[] {
  if (!existsSync(file)) return [];
  const text = readFileSync(file, 'utf8');
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** Writes next to the file and renames, so a reader never sees half a file; the old mode is kept, 0600 for a new one. */
function writeAtomically(file: string, lines: readonly string[]): void {
  const mode = existsSync(file) ? statSync(file).mode & 0o777 : 0o600;
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, lines.length > 0 ? lines.join('\n') + '\n' : '', { mode });
  renameSync(tmp, file);
}

async function makeSecret(args: ReturnType<typeof parseArgs>, io: CommandIO): Promise<string> {
  const password = await readPassword(io.stdin, io.stderr);
  if (args.flags.has('plain')) {
    io.stderr.write(
      'postern saslpasswd: warning: {PLAIN} stores the password itself; use it only for CRAM-MD5 users\n',
    );
    return `{PLAIN}${password}`;
  }
  const scheme = optionValue(args, 'a') ?? 'scrypt';
  if (scheme !== 'scrypt' && scheme !== 'argon2id')
    throw new UsageError(`unknown scheme '${scheme}' (scrypt or argon2id)`);
  const paramText = optionValue(args, 'params');
  try {
    const params =
      paramText === undefined
        ? {}
        : scheme === 'scrypt'
          ? { scrypt: parseScryptParams(paramText) }
          : { argon2id: parseArgon2idParams(paramText) };
    return await hashPassword(password, scheme as HashScheme, createSystemRandom(), params);
  } catch (err) {
    if (err instanceof StoredSecretError) throw new UsageError(`-params: ${err.message}`);
    throw err;
  }
}

export const saslpasswdCommand: Command = {
  name: 'saslpasswd',
  summary: 'add, change or delete a user of smtpd_sasl_password_maps',
  usage: USAGE,
  async run(argv, io) {
    const args = parseArgs(argv, { flags: ['d', 'plain'], options: ['f', 'a', 'params'] });
    const file = optionValue(args, 'f');
    const [user, ...extra] = args.positional;
    if (file === undefined) throw new UsageError('give the file with -f');
    if (user === undefined || extra.length > 0)
      throw new UsageError('give exactly one user name (never the password)');
    checkUser(user);
    const deleting = args.flags.has('d');
    if (
      deleting &&
      (args.flags.has('plain') || args.options.has('a') || args.options.has('params'))
    )
      throw new UsageError('-d takes no password options');
    const secret = deleting ? undefined : await makeSecret(args, io);
    const { lines, found } = updateSourceLines(readLines(file), user, secret);
    if (deleting && !found) {
      io.stderr.write(`postern saslpasswd: ${user}: no such user in ${file}\n`);
      return 1;
    }
    writeAtomically(file, lines);
    io.stderr.write(
      `postern saslpasswd: ${deleting ? 'deleted' : found ? 'updated' : 'added'} ${user} in ${file}\n`,
    );
    return 0;
  },
};
