// The shim's command line, as BoringSSL's ssl/test/test_config.cc defines it
// (ssl/test/PORTING.md: a flag the shim does not implement exits 89). Only
// the flags postern can honour are listed; every other flag is unknown.

/** What one connection (the initial one, or a resumption) is configured with. */
export interface ConnectionFlags {
  server: boolean;
  keyFile?: string;
  certFile?: string;
  trustCert?: string;
  verifyPeer: boolean;
  requireAnyClientCertificate: boolean;
  minVersion?: number;
  maxVersion?: number;
  noTls13: boolean;
  noTls12: boolean;
  expectVersion?: number;
  cipher?: string;
  expectCipher?: number;
  curves: number[];
  keyShares: number[];
  expectCurveId?: number;
  expectHrr: boolean;
  expectNoHrr: boolean;
  signingPrefs: number[];
  verifyPrefs: number[];
  expectPeerSignatureAlgorithm?: number;
  advertiseAlpn?: string;
  selectAlpn?: string;
  declineAlpn: boolean;
  expectAlpn?: string;
  hostName?: string;
  expectServerName?: string;
  expectSessionMiss: boolean;
  expectNoSession: boolean;
  expectExtendedMasterSecret: boolean;
  expectPeerCertFile?: string;
  expectVerifyResult: boolean;
  noTicket: boolean;
  shimWritesFirst: boolean;
  shimShutsDown: boolean;
  checkCloseNotify: boolean;
  keyUpdate: boolean;
  keyUpdateBeforeRead: boolean;
}

export interface ShimArgs {
  port: number;
  shimId: bigint;
  ipv6: boolean;
  resumeCount: number;
  initial: ConnectionFlags;
  resume: ConnectionFlags;
}

/** A flag the shim does not implement: the runner counts the test as unimplemented (exit 89). */
export class UnimplementedFlag extends Error {
  constructor(
    readonly flag: string,
    why = 'not implemented by the postern shim',
  ) {
    super(`${flag}: ${why}`);
    this.name = 'UnimplementedFlag';
  }
}

/** A malformed command line (a missing or bad parameter): exit 1, as BoringSSL's shim. */
export class BadFlag extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BadFlag';
  }
}

type Setter = (f: ConnectionFlags, value: string) => void;

interface FlagSpec {
  /** Takes a parameter (the next argument). */
  param: boolean;
  set: Setter;
}

function int(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n)) throw new BadFlag(`not an integer: ${value}`);
  return n;
}

function bool(set: (f: ConnectionFlags) => void): FlagSpec {
  return { param: false, set: (f) => set(f) };
}

function str(set: (f: ConnectionFlags, v: string) => void): FlagSpec {
  return { param: true, set };
}

function num(set: (f: ConnectionFlags, v: number) => void): FlagSpec {
  return { param: true, set: (f, v) => set(f, int(v)) };
}

/** A flag BoringSSL's shim uses only for its own internals (async BIOs, implicit handshakes): behaviour is the same without it. */
const ignored: FlagSpec = { param: false, set: () => undefined };

const FLAGS = new Map<string, FlagSpec>([
  ['-server', bool((f) => (f.server = true))],
  ['-key-file', str((f, v) => (f.keyFile = v))],
  ['-cert-file', str((f, v) => (f.certFile = v))],
  ['-trust-cert', str((f, v) => (f.trustCert = v))],
  ['-verify-peer', bool((f) => (f.verifyPeer = true))],
  ['-require-any-client-certificate', bool((f) => (f.requireAnyClientCertificate = true))],
  ['-min-version', num((f, v) => (f.minVersion = v))],
  ['-max-version', num((f, v) => (f.maxVersion = v))],
  ['-no-tls13', bool((f) => (f.noTls13 = true))],
  ['-no-tls12', bool((f) => (f.noTls12 = true))],
  // postern never speaks TLS 1.0 or 1.1: refusing them is its default.
  ['-no-tls11', ignored],
  ['-no-tls1', ignored],
  ['-expect-version', num((f, v) => (f.expectVersion = v))],
  ['-cipher', str((f, v) => (f.cipher = v))],
  ['-expect-cipher', num((f, v) => (f.expectCipher = v))],
  ['-curves', num((f, v) => f.curves.push(v))],
  ['-key-shares', num((f, v) => f.keyShares.push(v))],
  ['-expect-curve-id', num((f, v) => (f.expectCurveId = v))],
  ['-expect-hrr', bool((f) => (f.expectHrr = true))],
  ['-expect-no-hrr', bool((f) => (f.expectNoHrr = true))],
  ['-signing-prefs', num((f, v) => f.signingPrefs.push(v))],
  ['-verify-prefs', num((f, v) => f.verifyPrefs.push(v))],
  ['-expect-peer-signature-algorithm', num((f, v) => (f.expectPeerSignatureAlgorithm = v))],
  ['-advertise-alpn', str((f, v) => (f.advertiseAlpn = v))],
  ['-select-alpn', str((f, v) => (f.selectAlpn = v))],
  ['-decline-alpn', bool((f) => (f.declineAlpn = true))],
  ['-expect-alpn', str((f, v) => (f.expectAlpn = v))],
  ['-host-name', str((f, v) => (f.hostName = v))],
  ['-expect-server-name', str((f, v) => (f.expectServerName = v))],
  ['-expect-session-miss', bool((f) => (f.expectSessionMiss = true))],
  ['-expect-no-session', bool((f) => (f.expectNoSession = true))],
  ['-expect-extended-master-secret', bool((f) => (f.expectExtendedMasterSecret = true))],
  ['-expect-peer-cert-file', str((f, v) => (f.expectPeerCertFile = v))],
  ['-expect-verify-result', bool((f) => (f.expectVerifyResult = true))],
  // The shim's verifier already is a callback that accepts every chain (tls-config.ts acceptAnyChain).
  ['-use-custom-verify-callback', ignored],
  ['-no-ticket', bool((f) => (f.noTicket = true))],
  ['-shim-writes-first', bool((f) => (f.shimWritesFirst = true))],
  ['-shim-shuts-down', bool((f) => (f.shimShutsDown = true))],
  ['-check-close-notify', bool((f) => (f.checkCloseNotify = true))],
  ['-key-update', bool((f) => (f.keyUpdate = true))],
  ['-key-update-before-read', bool((f) => (f.keyUpdateBeforeRead = true))],
  // The engine is driven by socket events: there is no blocking call to make asynchronous.
  ['-async', ignored],
  // The handshake always runs on the first read or write, and a finished one is never run again.
  ['-implicit-handshake', ignored],
  ['-handshake-twice', ignored],
  ['-no-op-extra-handshake', ignored],
]);

export function defaultConnectionFlags(): ConnectionFlags {
  return {
    server: false,
    verifyPeer: false,
    requireAnyClientCertificate: false,
    noTls13: false,
    noTls12: false,
    curves: [],
    keyShares: [],
    expectHrr: false,
    expectNoHrr: false,
    signingPrefs: [],
    verifyPrefs: [],
    declineAlpn: false,
    expectSessionMiss: false,
    expectNoSession: false,
    expectExtendedMasterSecret: false,
    expectVerifyResult: false,
    noTicket: false,
    shimWritesFirst: false,
    shimShutsDown: false,
    checkCloseNotify: false,
    keyUpdate: false,
    keyUpdateBeforeRead: false,
  };
}

/** test_config.cc's prefixes: `-on-shim` applies here, `-on-handshaker` to a split handshaker we do not have. */
function stripRolePrefix(name: string): { name: string; skip: boolean } {
  if (name.startsWith('-on-shim-')) return { name: name.slice('-on-shim'.length), skip: false };
  if (name.startsWith('-on-handshaker-'))
    return { name: name.slice('-on-handshaker'.length), skip: true };
  return { name, skip: false };
}

type Target = 'all' | 'initial' | 'resume' | 'retry';

function stripConnectionPrefix(name: string): { name: string; target: Target } {
  for (const target of ['initial', 'resume', 'retry'] as const) {
    const prefix = `-on-${target}`;
    if (name.startsWith(`${prefix}-`)) return { name: name.slice(prefix.length), target };
  }
  return { name, target: 'all' };
}

function parseGlobal(name: string, value: () => string, args: Partial<ShimArgs>): boolean {
  switch (name) {
    case '-port':
      args.port = int(value());
      return true;
    case '-shim-id': {
      const v = value();
      if (!/^\d+$/.test(v)) throw new BadFlag(`-shim-id: not an unsigned integer: ${v}`);
      args.shimId = BigInt(v);
      return true;
    }
    case '-ipv6':
      args.ipv6 = true;
      return true;
    case '-resume-count':
      args.resumeCount = int(value());
      return true;
    default:
      return false;
  }
}

/**
 * Parses the runner's arguments. Throws UnimplementedFlag for a flag postern
 * does not implement, BadFlag for a malformed one.
 */
export function parseShimArgs(argv: readonly string[]): ShimArgs {
  const args: Partial<ShimArgs> = { ipv6: false, resumeCount: 0 };
  const initial = defaultConnectionFlags();
  const resume = defaultConnectionFlags();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] as string;
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new BadFlag(`missing parameter for ${arg}`);
      return v;
    };
    if (parseGlobal(arg, value, args)) continue;
    const role = stripRolePrefix(arg);
    const { name, target } = stripConnectionPrefix(role.name);
    const spec = FLAGS.get(name);
    if (spec === undefined) throw new UnimplementedFlag(arg);
    const param = spec.param ? value() : '';
    if (role.skip) continue;
    // -on-retry configures the handshake after a 0-RTT rejection, which needs early data postern does not send.
    if (target === 'retry') continue;
    if (target !== 'resume') spec.set(initial, param);
    if (target !== 'initial') spec.set(resume, param);
  }
  if (args.port === undefined) throw new BadFlag('-port is required');
  if (args.shimId === undefined) throw new BadFlag('-shim-id is required');
  return {
    port: args.port,
    shimId: args.shimId,
    ipv6: args.ipv6 ?? false,
    resumeCount: args.resumeCount ?? 0,
    initial,
    resume,
  };
}
