import { readFileSync } from 'node:fs';
import { ConfigError, type ConfigLocation, type ConfigWarning } from './config-error.js';
import { logicalLines } from './main-cf.js';
import type { Setting } from './parameter-set.js';
import { parseServiceAddress, type ServiceAddress } from './service-address.js';
import type { ServicesFile } from './services-file.js';
import { matchingBrace } from './list-value.js';

/** master(5) service types. */
export const SERVICE_TYPES = ['inet', 'unix', 'unix-dgram', 'fifo', 'pass'] as const;
export type ServiceType = (typeof SERVICE_TYPES)[number];

/** One master.cf service, its columns resolved (a `-` is the column's default). */
export interface MasterService extends ConfigLocation {
  /** The service field as written: `smtp`, `127.0.0.1:2525`, `[::1]:submission`, `tlsmgr`. */
  readonly name: string;
  readonly type: ServiceType;
  /** Where an inet service listens; undefined for the other types. */
  readonly address?: ServiceAddress;
  readonly private: boolean;
  readonly unprivileged: boolean;
  readonly chroot: boolean;
  /** Wake-up interval in seconds (0: never); `ifUsed` for the `300?` form. */
  readonly wakeup: { readonly seconds: number; readonly ifUsed: boolean };
  /** The process limit as written: a number (0: no limit) or undefined for `-` ($default_process_limit). */
  readonly maxProcesses: number | undefined;
  readonly command: string;
  /** The command's arguments in order, `-o` overrides included (a `{ … }` one written `{name=value}`). */
  readonly args: readonly string[];
  /** The arguments other than `-o` overrides (`-v`, pipe's `flags=…`), kept for the service. */
  readonly flags: readonly string[];
  /** The `-o name=value` overrides, scoped to this service. */
  readonly overrides: ReadonlyMap<string, Setting>;
  /** The seven columns before the command, as written. */
  readonly columns: readonly string[];
}

export const MASTER_FIELDS = 'service type private unpriv chroot wakeup maxproc command';

/** White-space separated words; `{ … }` is one word (Postfix 3.0). */
export function masterWords(text: string, location: ConfigLocation): string[] {
  const words: string[] = [];
  let i = 0;
  while (i < text.length) {
    if (/\s/.test(text[i] as string)) {
      i++;
      continue;
    }
    let end = i;
    while (end < text.length && !/\s/.test(text[end] as string)) {
      if (text[end] === '{') {
        const close = matchingBrace(text, end);
        if (close < 0)
          throw new ConfigError({ ...location, reason: `missing "}" in "${text.slice(end)}"` });
        end = close;
      }
      end++;
    }
    words.push(text.slice(i, end));
    i = end;
  }
  return words;
}

function yesNo(
  value: string,
  column: string,
  fallback: boolean,
  location: ConfigLocation,
): boolean {
  if (value === '-') return fallback;
  if (value === 'y') return true;
  if (value === 'n') return false;
  throw new ConfigError({
    ...location,
    reason: `invalid ${column} field "${value}": expected y, n or -`,
  });
}

function wakeupOf(value: string, location: ConfigLocation): MasterService['wakeup'] {
  if (value === '-') return { seconds: 0, ifUsed: false };
  const match = /^(\d+)(\??)$/.exec(value);
  if (!match)
    throw new ConfigError({
      ...location,
      reason: `invalid wakeup field "${value}": expected seconds, seconds followed by ?, or -`,
    });
  return { seconds: Number(match[1]), ifUsed: match[2] === '?' };
}

function maxprocOf(value: string, location: ConfigLocation): number | undefined {
  if (value === '-') return undefined;
  if (!/^\d+$/.test(value))
    throw new ConfigError({
      ...location,
      reason: `invalid maxproc field "${value}": expected a number or -`,
    });
  return Number(value);
}

function typeOf(value: string, location: ConfigLocation): ServiceType {
  const type = SERVICE_TYPES.find((t) => t === value);
  if (type === undefined)
    throw new ConfigError({
      ...location,
      reason: `invalid type field "${value}": expected ${SERVICE_TYPES.join(', ')}`,
    });
  return type;
}

/** `name=value` or `{ name = value }` after a `-o`. */
function override(word: string, location: ConfigLocation): [string, string] {
  const text = word.startsWith('{') && word.endsWith('}') ? word.slice(1, -1) : word;
  const eq = text.indexOf('=');
  const name = eq < 0 ? '' : text.slice(0, eq).trim();
  if (eq < 0 || !/^[A-Za-z0-9_]+$/.test(name))
    throw new ConfigError({ ...location, reason: `-o needs name=value: "${word}"` });
  return [name, text.slice(eq + 1).trim()];
}

interface Arguments {
  args: string[];
  flags: string[];
  overrides: Map<string, Setting>;
}

function commandArguments(
  words: readonly string[],
  location: ConfigLocation & { file: string; line: number },
): Arguments {
  const result: Arguments = { args: [], flags: [], overrides: new Map() };
  for (let i = 0; i < words.length; i++) {
    const word = words[i] as string;
    if (word !== '-o') {
      result.args.push(word);
      result.flags.push(word);
      continue;
    }
    const next = words[++i];
    if (next === undefined)
      throw new ConfigError({ ...location, reason: '-o at the end of the line needs name=value' });
    const [name, value] = override(next, location);
    result.args.push('-o', next.startsWith('{') ? `{${name}=${value}}` : `${name}=${value}`);
    result.overrides.set(name, { value, file: location.file, line: location.line });
  }
  return result;
}

/** One service line; `services` undefined leaves inet addresses unresolved (postconf does not resolve them). */
export function parseMasterLine(
  text: string,
  location: { file: string; line: number },
  services: ServicesFile | undefined,
): MasterService {
  const words = masterWords(text, location);
  if (words.length < 8) {
    throw new ConfigError({
      ...location,
      reason: `bad field count: ${words.length} fields, ${MASTER_FIELDS} (and arguments) expected`,
    });
  }
  const [name, typeText, priv, unpriv, chroot, wakeup, maxproc, command] = words as [
    string,
    string,
    string,
    string,
    string,
    string,
    string,
    string,
  ];
  const type = typeOf(typeText, location);
  const { args, flags, overrides } = commandArguments(words.slice(8), location);
  return {
    ...location,
    name,
    type,
    ...(type === 'inet' &&
      services !== undefined && { address: parseServiceAddress(name, services, location) }),
    // master(5): private and unpriv default to y; chroot to n since Postfix 3.0.
    private: yesNo(priv, 'private', true, location),
    unprivileged: yesNo(unpriv, 'unpriv', true, location),
    chroot: yesNo(chroot, 'chroot', false, location),
    wakeup: wakeupOf(wakeup, location),
    maxProcesses: maxprocOf(maxproc, location),
    command,
    args,
    flags,
    overrides,
    columns: words.slice(0, 7),
  };
}

/** The services of a master.cf text; layout problems Postfix only warns about go to `warnings`. */
export function parseMasterCf(
  text: string,
  file: string,
  services: ServicesFile | undefined,
  warnings: ConfigWarning[] = [],
): MasterService[] {
  return logicalLines(text, file, warnings).map((logical) =>
    parseMasterLine(logical.text, { file, line: logical.line }, services),
  );
}

export function readMasterCf(
  file: string,
  services: ServicesFile | undefined,
  warnings: ConfigWarning[] = [],
): MasterService[] {
  return parseMasterCf(readFileSync(file, 'utf8'), file, services, warnings);
}
