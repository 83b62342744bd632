import type { OpensslClass, Tls12Suite, Tls13Suite } from '../registry/suites.js';
import { ALL_TLS12_SUITES } from '../registry/suites.js';
import { DEFAULT_TLS13_SUITES } from './defaults.js';
import { DEFAULT_CIPHER_RULES } from './defaults.js';

/**
 * OpenSSL cipher strings (`man 1 openssl-ciphers`, "CIPHER LIST FORMAT"),
 * evaluated over the suites postern implements, so that
 * `smtpd_tls_cipherlist = HIGH:!aNULL` means here what it means to Postfix
 * linked with OpenSSL 3.0: the same suites in the same order, as far as
 * postern has them.
 *
 * The model is OpenSSL's: every suite sits in one ordered list, active or
 * not. A word selects suites by their attributes (key exchange,
 * authentication, encryption, MAC, first version, strength class); a bare
 * word appends the inactive ones it selects, `-` deactivates and moves them
 * to the front (so a later word re-adds them in their old order), `!`
 * removes them for good, `+` moves the active ones to the end, `@STRENGTH`
 * orders the active ones by key length. Before the string is read, all
 * suites are ordered by OpenSSL's default preference and deactivated.
 */

export class CipherListError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CipherListError';
  }
}

export interface ParsedCipherList {
  /** The active suites, in order, after the security level is applied. */
  tls12: Tls12Suite[];
  /** The level of `@SECLEVEL=N` if the string had one. */
  securityLevel?: number;
}

type Kx = 'RSA' | 'ECDHE' | 'DHE' | 'PSK' | 'RSAPSK' | 'ECDHEPSK' | 'DHEPSK' | 'SRP' | 'GOST';
type Au = 'RSA' | 'DSS' | 'ECDSA' | 'NULL' | 'PSK' | 'GOST' | 'SRP';
/** OpenSSL's encryption classes; everything after CHACHA20 is something postern does not implement. */
type Enc =
  | OpensslClass['enc']
  | 'eNULL'
  | 'DES'
  | '3DES'
  | 'RC4'
  | 'RC2'
  | 'IDEA'
  | 'SEED'
  | 'CAMELLIA'
  | 'ARIA'
  | 'AESCCM'
  | 'AESCCM8'
  | 'GOST';
type Mac = OpensslClass['mac'] | 'MD5' | 'GOST';
type Strength = 'LOW' | 'MEDIUM' | 'HIGH';

/** A set of suites described as OpenSSL does: every given dimension must match (ssl_cipher_apply_rule). */
interface Selector {
  kx?: ReadonlySet<Kx>;
  au?: ReadonlySet<Au>;
  enc?: ReadonlySet<Enc>;
  mac?: ReadonlySet<Mac>;
  minVersion?: OpensslClass['minVersion'] | 'DTLS';
  strength?: ReadonlySet<Strength>;
  notDefault?: true;
  fips?: true;
  code?: number;
}

const set = <T>(...values: T[]): ReadonlySet<T> => new Set(values);
const NOT_ENULL = set<Enc>(
  'AES128',
  'AES256',
  'AESGCM128',
  'AESGCM256',
  'CHACHA20',
  'DES',
  '3DES',
  'RC4',
  'RC2',
  'IDEA',
  'SEED',
  'CAMELLIA',
  'ARIA',
  'AESCCM',
  'AESCCM8',
  'GOST',
);
const NOTHING: Selector = { enc: set<Enc>() };

/**
 * The keywords of OpenSSL 3.0 (the alias table of ssl/ssl_ciph.c), each with
 * what it selects. Keywords for things postern lacks (RC4, CAMELLIA, PSK, …)
 * select nothing, as OpenSSL's do for ciphers absent from a build.
 */
const KEYWORDS: ReadonlyMap<string, Selector> = new Map<string, Selector>([
  ['ALL', { enc: NOT_ENULL }],
  ['COMPLEMENTOFALL', { enc: set<Enc>('eNULL') }],
  ['COMPLEMENTOFDEFAULT', { notDefault: true }],
  ['kRSA', { kx: set<Kx>('RSA') }],
  ['kEDH', { kx: set<Kx>('DHE') }],
  ['kDHE', { kx: set<Kx>('DHE') }],
  ['DH', { kx: set<Kx>('DHE') }],
  ['kEECDH', { kx: set<Kx>('ECDHE') }],
  ['kECDHE', { kx: set<Kx>('ECDHE') }],
  ['ECDH', { kx: set<Kx>('ECDHE') }],
  ['kPSK', { kx: set<Kx>('PSK') }],
  ['kRSAPSK', { kx: set<Kx>('RSAPSK') }],
  ['kECDHEPSK', { kx: set<Kx>('ECDHEPSK') }],
  ['kDHEPSK', { kx: set<Kx>('DHEPSK') }],
  ['kSRP', { kx: set<Kx>('SRP') }],
  ['kGOST', { kx: set<Kx>('GOST') }],
  ['kGOST18', { kx: set<Kx>('GOST') }],
  ['aRSA', { au: set<Au>('RSA') }],
  ['aDSS', { au: set<Au>('DSS') }],
  ['DSS', { au: set<Au>('DSS') }],
  ['aNULL', { au: set<Au>('NULL') }],
  ['aECDSA', { au: set<Au>('ECDSA') }],
  ['ECDSA', { au: set<Au>('ECDSA') }],
  ['aPSK', { au: set<Au>('PSK') }],
  ['aGOST01', { au: set<Au>('GOST') }],
  ['aGOST12', { au: set<Au>('GOST') }],
  ['aGOST', { au: set<Au>('GOST') }],
  ['aSRP', { au: set<Au>('SRP') }],
  ['EDH', { kx: set<Kx>('DHE'), au: set<Au>('RSA', 'DSS', 'ECDSA', 'PSK', 'GOST', 'SRP') }],
  ['DHE', { kx: set<Kx>('DHE'), au: set<Au>('RSA', 'DSS', 'ECDSA', 'PSK', 'GOST', 'SRP') }],
  ['EECDH', { kx: set<Kx>('ECDHE'), au: set<Au>('RSA', 'DSS', 'ECDSA', 'PSK', 'GOST', 'SRP') }],
  ['ECDHE', { kx: set<Kx>('ECDHE'), au: set<Au>('RSA', 'DSS', 'ECDSA', 'PSK', 'GOST', 'SRP') }],
  ['NULL', { enc: set<Enc>('eNULL') }],
  ['RSA', { kx: set<Kx>('RSA'), au: set<Au>('RSA') }],
  ['ADH', { kx: set<Kx>('DHE'), au: set<Au>('NULL') }],
  ['AECDH', { kx: set<Kx>('ECDHE'), au: set<Au>('NULL') }],
  ['PSK', { kx: set<Kx>('PSK', 'RSAPSK', 'ECDHEPSK', 'DHEPSK') }],
  ['SRP', { kx: set<Kx>('SRP') }],
  ['3DES', { enc: set<Enc>('3DES') }],
  ['RC4', { enc: set<Enc>('RC4') }],
  ['RC2', { enc: set<Enc>('RC2') }],
  ['IDEA', { enc: set<Enc>('IDEA') }],
  ['SEED', { enc: set<Enc>('SEED') }],
  ['eNULL', { enc: set<Enc>('eNULL') }],
  ['GOST', { enc: set<Enc>('GOST') }],
  ['AES128', { enc: set<Enc>('AES128', 'AESGCM128', 'AESCCM', 'AESCCM8') }],
  ['AES256', { enc: set<Enc>('AES256', 'AESGCM256', 'AESCCM', 'AESCCM8') }],
  ['AES', { enc: set<Enc>('AES128', 'AES256', 'AESGCM128', 'AESGCM256', 'AESCCM', 'AESCCM8') }],
  ['AESGCM', { enc: set<Enc>('AESGCM128', 'AESGCM256') }],
  ['AESCCM', { enc: set<Enc>('AESCCM', 'AESCCM8') }],
  ['AESCCM8', { enc: set<Enc>('AESCCM8') }],
  ['CAMELLIA128', { enc: set<Enc>('CAMELLIA') }],
  ['CAMELLIA256', { enc: set<Enc>('CAMELLIA') }],
  ['CAMELLIA', { enc: set<Enc>('CAMELLIA') }],
  ['CHACHA20', { enc: set<Enc>('CHACHA20') }],
  ['ARIA', { enc: set<Enc>('ARIA') }],
  ['ARIAGCM', { enc: set<Enc>('ARIA') }],
  ['ARIA128', { enc: set<Enc>('ARIA') }],
  ['ARIA256', { enc: set<Enc>('ARIA') }],
  ['GOST2012-GOST8912-GOST8912', { enc: set<Enc>('GOST') }],
  ['CBC', { enc: set<Enc>('AES128', 'AES256', 'DES', '3DES', 'RC2', 'IDEA', 'SEED', 'CAMELLIA') }],
  ['MD5', { mac: set<Mac>('MD5') }],
  ['SHA1', { mac: set<Mac>('SHA1') }],
  ['SHA', { mac: set<Mac>('SHA1') }],
  ['GOST94', { mac: set<Mac>('GOST') }],
  ['GOST89MAC', { mac: set<Mac>('GOST') }],
  ['SHA256', { mac: set<Mac>('SHA256') }],
  ['SHA384', { mac: set<Mac>('SHA384') }],
  ['GOST12', { mac: set<Mac>('GOST') }],
  ['SSLv3', { minVersion: 'SSLv3' }],
  ['TLSv1', { minVersion: 'TLSv1' }],
  ['TLSv1.0', { minVersion: 'TLSv1' }],
  ['TLSv1.2', { minVersion: 'TLSv1.2' }],
  ['DTLSv1', { minVersion: 'DTLS' }],
  ['DTLSv1.0', { minVersion: 'DTLS' }],
  ['DTLSv1.2', { minVersion: 'DTLS' }],
  ['LOW', { strength: set<Strength>('LOW') }],
  ['MEDIUM', { strength: set<Strength>('MEDIUM') }],
  ['HIGH', { strength: set<Strength>('HIGH') }],
  ['FIPS', { enc: NOT_ENULL, fips: true }],
]);

/**
 * Words of older OpenSSL releases (export and Kerberos suites, fixed DH, SSLv2)
 * or common shorthands for suites postern lacks (CCM), which OpenSSL 3.0
 * skips; old configurations such as `ALL:!ADH:!LOW:!EXP:!MD5` still carry
 * them. They select nothing.
 */
const HISTORICAL_WORDS: ReadonlySet<string> = new Set([
  'EXP',
  'EXPORT',
  'EXPORT40',
  'EXPORT56',
  'SSLv2',
  'KRB5',
  'kKRB5',
  'aKRB5',
  'kDHr',
  'kDHd',
  'kDH',
  'aDH',
  'kECDHr',
  'kECDHe',
  'kECDH',
  'aECDH',
  'kFZA',
  'aFZA',
  'eFZA',
  'FZA',
  'DES',
  'CCM',
  'CCM8',
  // OpenSSL reads DEFAULT only at the start of a string and skips it anywhere else.
  'DEFAULT',
]);

/** The pieces OpenSSL suite names are made of, to recognise the name of a suite postern does not implement. */
const NAME_PARTS: ReadonlySet<string> = new Set([
  'ECDHE',
  'ECDH',
  'DHE',
  'EDH',
  'DH',
  'RSA',
  'DSS',
  'ECDSA',
  'ADH',
  'AECDH',
  'PSK',
  'SRP',
  'AES',
  'AES128',
  'AES256',
  'GCM',
  'CCM',
  'CCM8',
  'CBC',
  'CBC3',
  'DES',
  'RC4',
  'RC2',
  'MD5',
  'SHA',
  'SHA256',
  'SHA384',
  'CAMELLIA128',
  'CAMELLIA256',
  'ARIA128',
  'ARIA256',
  'SEED',
  'IDEA',
  'NULL',
  'CHACHA20',
  'POLY1305',
  'EXP',
  'EXP1024',
  'GOST2001',
  'GOST2012',
  'GOST89',
  'GOST94',
  'GOST8912',
  'KUZNYECHIK',
  'MAGMA',
  'OMAC',
  'CTR',
  'KRB5',
  '40',
  '56',
  '64',
  '128',
  '256',
]);

function looksLikeSuiteName(word: string): boolean {
  if (/^(TLS|SSL)_[A-Z0-9_]+$/.test(word)) return true;
  const parts = word.split('-');
  return parts.length > 1 && parts.every((p) => NAME_PARTS.has(p));
}

const BY_NAME: ReadonlyMap<string, Tls12Suite> = new Map(
  ALL_TLS12_SUITES.flatMap((s) => [[s.opensslName, s] as const, [s.name, s] as const]),
);

function lookup(word: string): Selector {
  const suite = BY_NAME.get(word);
  if (suite !== undefined) return { code: suite.code };
  const keyword = KEYWORDS.get(word);
  if (keyword !== undefined) return keyword;
  if (HISTORICAL_WORDS.has(word) || looksLikeSuiteName(word)) return NOTHING;
  throw new CipherListError(`unknown cipher-string word "${word}"`);
}

function intersect<T>(
  a: ReadonlySet<T> | undefined,
  b: ReadonlySet<T> | undefined,
): ReadonlySet<T> | undefined {
  if (a === undefined) return b;
  if (b === undefined) return a;
  return new Set([...a].filter((x) => b.has(x)));
}

/** `A+B`: both must hold (OpenSSL ANDs each attribute mask). */
function both(a: Selector, b: Selector): Selector {
  const out: Selector = {};
  const kx = intersect(a.kx, b.kx);
  const au = intersect(a.au, b.au);
  const enc = intersect(a.enc, b.enc);
  const mac = intersect(a.mac, b.mac);
  const strength = intersect(a.strength, b.strength);
  if (kx) out.kx = kx;
  if (au) out.au = au;
  if (enc) out.enc = enc;
  if (mac) out.mac = mac;
  if (strength) out.strength = strength;
  if (a.notDefault || b.notDefault) out.notDefault = true;
  if (a.fips || b.fips) out.fips = true;
  if (a.minVersion !== undefined && b.minVersion !== undefined && a.minVersion !== b.minVersion)
    return NOTHING;
  const minVersion = a.minVersion ?? b.minVersion;
  if (minVersion !== undefined) out.minVersion = minVersion;
  if (a.code !== undefined && b.code !== undefined && a.code !== b.code) return NOTHING;
  const code = a.code ?? b.code;
  if (code !== undefined) out.code = code;
  return out;
}

const KX: Record<Tls12Suite['keyExchange'], Kx> = { ecdhe: 'ECDHE', dhe: 'DHE', rsa: 'RSA' };
const AU: Record<Tls12Suite['auth'], Au> = { rsa: 'RSA', dss: 'DSS', ecdsa: 'ECDSA' };

function matches(sel: Selector, s: Tls12Suite): boolean {
  return (
    (sel.code === undefined || sel.code === s.code) &&
    (sel.kx === undefined || sel.kx.has(KX[s.keyExchange])) &&
    (sel.au === undefined || sel.au.has(AU[s.auth])) &&
    (sel.enc === undefined || sel.enc.has(s.openssl.enc)) &&
    (sel.mac === undefined || sel.mac.has(s.openssl.mac)) &&
    (sel.minVersion === undefined || sel.minVersion === s.openssl.minVersion) &&
    (sel.strength === undefined || sel.strength.has(s.openssl.strength)) &&
    (sel.notDefault === undefined || !s.openssl.inDefault) &&
    (sel.fips === undefined || s.openssl.fips)
  );
}

interface Entry {
  readonly suite: Tls12Suite;
  active: boolean;
}

type Pred = (s: Tls12Suite) => boolean;

/** The ordered list and OpenSSL's five operations on it (ssl_cipher_apply_rule). */
class SuiteList {
  entries: Entry[];
  constructor(suites: readonly Tls12Suite[]) {
    this.entries = suites.map((suite) => ({ suite, active: false }));
  }
  private split(pick: (e: Entry) => boolean): [Entry[], Entry[]] {
    const picked: Entry[] = [];
    const rest: Entry[] = [];
    for (const e of this.entries) (pick(e) ? picked : rest).push(e);
    return [picked, rest];
  }
  /** Activates the inactive matches and appends them to the end. */
  add(p: Pred): void {
    const [picked, rest] = this.split((e) => !e.active && p(e.suite));
    for (const e of picked) e.active = true;
    this.entries = [...rest, ...picked];
  }
  /** `+`: moves the active matches to the end. */
  toEnd(p: Pred): void {
    const [picked, rest] = this.split((e) => e.active && p(e.suite));
    this.entries = [...rest, ...picked];
  }
  /** `-`: deactivates the active matches and moves them to the front, where a later add finds them first. */
  remove(p: Pred): void {
    const [picked, rest] = this.split((e) => e.active && p(e.suite));
    for (const e of picked) e.active = false;
    this.entries = [...picked, ...rest];
  }
  /** Moves the active matches to the front (only used to build the default order). */
  bump(p: Pred): void {
    const [picked, rest] = this.split((e) => e.active && p(e.suite));
    this.entries = [...picked, ...rest];
  }
  /** `!`: removes the matches for good. */
  kill(p: Pred): void {
    this.entries = this.entries.filter((e) => !p(e.suite));
  }
  /** `@STRENGTH`: active suites by descending key length, keeping the order within one length. */
  strengthSort(): void {
    const lengths = [
      ...new Set(this.entries.filter((e) => e.active).map((e) => e.suite.bits)),
    ].sort((a, b) => b - a);
    for (const bits of lengths) this.toEnd((s) => s.bits === bits);
  }
  active(): Tls12Suite[] {
    return this.entries.filter((e) => e.active).map((e) => e.suite);
  }
}

const aead = (s: Tls12Suite): boolean => s.cipher.kind === 'aead';
const forwardSecret = (s: Tls12Suite): boolean => s.keyExchange !== 'rsa';

/**
 * OpenSSL's starting order (ssl_create_cipher_list): its cipher table is
 * sorted by code point and read from the end; then ECDHE first (ECDSA before
 * RSA), AES-GCM before ChaCha20 before AES-CBC, RSA key exchange last, a
 * stable sort by key length, and finally TLS 1.2-only suites, then AEADs,
 * then (EC)DHE, then (EC)DHE AEADs bumped to the front. All end inactive.
 */
function startingList(): SuiteList {
  const list = new SuiteList([...ALL_TLS12_SUITES].sort((a, b) => b.code - a.code));
  list.add((s) => s.keyExchange === 'ecdhe' && s.auth === 'ecdsa');
  list.add((s) => s.keyExchange === 'ecdhe');
  list.remove((s) => s.keyExchange === 'ecdhe');
  list.add((s) => s.openssl.enc === 'AESGCM128' || s.openssl.enc === 'AESGCM256');
  list.add((s) => s.openssl.enc === 'CHACHA20');
  list.add((s) => s.openssl.enc === 'AES128' || s.openssl.enc === 'AES256');
  list.add(() => true);
  list.toEnd((s) => s.keyExchange === 'rsa');
  list.strengthSort();
  list.bump((s) => s.openssl.minVersion === 'TLSv1.2');
  list.bump(aead);
  list.bump(forwardSecret);
  list.bump((s) => forwardSecret(s) && aead(s));
  list.remove(() => true);
  return list;
}

/** OpenSSL 3.0's DEFAULT (OSSL_default_cipher_list). */
const WORD = /^[A-Za-z0-9._=-]+$/;

function applyRules(list: SuiteList, spec: string, state: { securityLevel?: number }): void {
  // OpenSSL separates words with ':', ',', ';' and spaces.
  for (const item of spec.split(/[:,; ]+/)) {
    if (item === '') continue;
    const op = item[0];
    const body = op === '!' || op === '-' || op === '+' || op === '@' ? item.slice(1) : item;
    if (op === '@') {
      special(list, body, state);
      continue;
    }
    const words = body.split('+');
    for (const w of words) {
      if (!WORD.test(w))
        throw new CipherListError(`invalid cipher-string word "${w}" in "${item}"`);
    }
    const sel = words.map(lookup).reduce(both);
    const p: Pred = (s) => matches(sel, s);
    if (op === '!') list.kill(p);
    else if (op === '-') list.remove(p);
    else if (op === '+') list.toEnd(p);
    else list.add(p);
  }
}

function special(list: SuiteList, command: string, state: { securityLevel?: number }): void {
  if (command === 'STRENGTH') {
    list.strengthSort();
    return;
  }
  const level = /^SECLEVEL=([0-5])$/.exec(command);
  if (level !== null) {
    state.securityLevel = Number(level[1]);
    return;
  }
  throw new CipherListError(`unknown cipher-string command "@${command}"`);
}

/**
 * Whether OpenSSL 3.0 lets `suite` be negotiated at security `level`
 * (ssl_security_default_callback, SSL_SECOP_CIPHER_*): from level 1 at least
 * 80 bits, 2: 112, 3: 128 and forward secrecy, 4: 192 and no SHA-1 MAC, 5: 256.
 * Levels 0 to 2 leave all of postern's suites in.
 */
export function permittedAtSecurityLevel(suite: Tls12Suite, level: number): boolean {
  const minBits = [0, 80, 112, 128, 192, 256][Math.min(Math.max(level, 0), 5)] as number;
  if (suite.bits < minBits) return false;
  if (level >= 3 && !forwardSecret(suite)) return false;
  if (level >= 4 && suite.openssl.mac === 'SHA1') return false;
  return true;
}

/**
 * Evaluates an OpenSSL-style cipher string over postern's TLS 1.2 suites.
 * `DEFAULT` is understood at the start only, as by OpenSSL (elsewhere it selects nothing). Besides OpenSSL's
 * own names, the IANA names of our suites are accepted. `@SECLEVEL=N` is
 * recorded and, as OpenSSL does when it negotiates, drops the suites that
 * level forbids; without it no suite is dropped (OpenSSL's levels 0–2 forbid
 * none of ours). Throws CipherListError for words that are not
 * cipher-string words, and when no suite is left.
 */
export function parseCipherList(spec: string): ParsedCipherList {
  const list = startingList();
  const state: { securityLevel?: number } = {};
  let rest = spec.trim();
  if (rest.startsWith('DEFAULT')) {
    applyRules(list, DEFAULT_CIPHER_RULES, state);
    rest = rest.slice('DEFAULT'.length);
  }
  applyRules(list, rest, state);
  const level = state.securityLevel;
  const tls12 = list
    .active()
    .filter((s) => level === undefined || permittedAtSecurityLevel(s, level));
  if (tls12.length === 0) throw new CipherListError(`no cipher suites match "${spec}"`);
  return level === undefined ? { tls12 } : { tls12, securityLevel: level };
}

/** TLS 1.3 suites OpenSSL knows that postern does not implement; OpenSSL 3.0 skips unavailable ones too. */
const TLS13_NOT_IMPLEMENTED: ReadonlySet<string> = new Set([
  'TLS_AES_128_CCM_SHA256',
  'TLS_AES_128_CCM_8_SHA256',
]);

/**
 * The TLS 1.3 list in OpenSSL's `-ciphersuites` form: IANA names joined by
 * ':', in preference order. An empty string disables TLS 1.3 suites (an
 * empty list), as in OpenSSL; a non-empty one that names none of ours, or a
 * name that is no TLS 1.3 suite, is a CipherListError.
 */
export function parseTls13Ciphersuites(spec: string): Tls13Suite[] {
  const trimmed = spec.trim();
  if (trimmed === '') return [];
  const out: Tls13Suite[] = [];
  for (const name of trimmed.split(':')) {
    if (name === '') continue;
    const suite = DEFAULT_TLS13_SUITES.find((s) => s.name === name);
    if (suite !== undefined) {
      if (!out.includes(suite)) out.push(suite);
    } else if (!TLS13_NOT_IMPLEMENTED.has(name)) {
      throw new CipherListError(`unknown TLS 1.3 cipher suite "${name}"`);
    }
  }
  if (out.length === 0) throw new CipherListError(`no TLS 1.3 cipher suites match "${spec}"`);
  return out;
}
