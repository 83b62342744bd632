// Turns the shim's flags into postern's ClientConfig / ServerConfig. A flag
// whose meaning the engine cannot express is UnimplementedFlag (exit 89),
// never approximated silently.
import type {
  CertifiedKey,
  ClientConfig,
  ServerConfig,
  TlsVersionName,
} from '../../src/tls/index.js';
import { parseCipherList, CipherListError } from '../../src/tls/index.js';
import { loadCertificates, loadPrivateKey } from '../../src/x509/index.js';
import type { Certificate, VerifyResult } from '../../src/x509/index.js';
import type { Random } from '../../src/prng/index.js';
// Not in the public surface (yet): the suite registry and the group table.
import { ALL_TLS12_SUITES } from '../../src/tls/registry/suites.js';
import type { Tls12Suite } from '../../src/tls/registry/suites.js';
import { isSupportedGroup } from '../../src/tls/keys/key-exchange.js';
import type { TicketKeyring } from '../../src/tls/session/ticket-keys.js';
import type { SessionState } from '../../src/tls/index.js';
import type { ConnectionFlags } from './flags.js';
import { UnimplementedFlag } from './flags.js';

const TLS12 = 0x0303;
const TLS13 = 0x0304;

const VERSION_NAMES = new Map<number, TlsVersionName>([
  [TLS12, 'TLSv1.2'],
  [TLS13, 'TLSv1.3'],
]);

/** Wire version of a SessionInfo protocol name. */
export function wireVersion(name: TlsVersionName): number {
  return name === 'TLSv1.3' ? TLS13 : TLS12;
}

/** RFC 8446 §4.2.1 wire versions → postern's range; below TLS 1.2 and DTLS are features postern does not have. */
function versionRange(f: ConnectionFlags): {
  minVersion: TlsVersionName;
  maxVersion: TlsVersionName;
} {
  let min = f.minVersion ?? TLS12;
  let max = f.maxVersion ?? TLS13;
  if (min >= 0xfe00 || max >= 0xfe00)
    throw new UnimplementedFlag('-min-version/-max-version', 'DTLS versions');
  if (max < TLS12)
    throw new UnimplementedFlag(
      '-max-version',
      `0x${max.toString(16)}: postern speaks TLS 1.2 and 1.3 only`,
    );
  // A lower minimum than TLS 1.2 allows what postern never negotiates anyway.
  min = Math.max(min, TLS12);
  max = Math.min(max, TLS13);
  if (f.noTls13) max = Math.min(max, TLS12);
  if (f.noTls12) min = Math.max(min, TLS13);
  if (min > max)
    throw new UnimplementedFlag(
      '-min-version/-max-version',
      'no version left enabled (postern refuses to configure it)',
    );
  return {
    minVersion: VERSION_NAMES.get(min) as TlsVersionName,
    maxVersion: VERSION_NAMES.get(max) as TlsVersionName,
  };
}

function groups(f: ConnectionFlags): { groups?: number[]; keyShareGroups?: number[] } {
  const out: { groups?: number[]; keyShareGroups?: number[] } = {};
  for (const g of [...f.curves, ...f.keyShares]) {
    if (!isSupportedGroup(g))
      throw new UnimplementedFlag('-curves', `group 0x${g.toString(16)} is not implemented`);
  }
  if (f.curves.length > 0) out.groups = [...f.curves];
  if (f.keyShares.length > 0) out.keyShareGroups = [...f.keyShares];
  return out;
}

function tls12Suites(f: ConnectionFlags): readonly Tls12Suite[] {
  if (f.cipher === undefined) return ALL_TLS12_SUITES;
  try {
    const suites = parseCipherList(f.cipher).tls12;
    if (suites.length === 0)
      throw new UnimplementedFlag('-cipher', `${f.cipher}: selects no suite postern implements`);
    return suites;
  } catch (err) {
    if (err instanceof CipherListError) throw new UnimplementedFlag('-cipher', err.message);
    throw err;
  }
}

/** `-advertise-alpn` is the wire format: each name preceded by its length byte (RFC 7301 §3.1). */
export function parseAlpnWire(wire: string): string[] {
  const bytes = Buffer.from(wire, 'latin1');
  const names: string[] = [];
  for (let i = 0; i < bytes.length;) {
    const n = bytes[i] as number;
    if (n === 0 || i + 1 + n > bytes.length)
      throw new UnimplementedFlag('-advertise-alpn', 'malformed protocol list');
    names.push(bytes.subarray(i + 1, i + 1 + n).toString('latin1'));
    i += 1 + n;
  }
  return names;
}

function loadCredential(f: ConnectionFlags): CertifiedKey | undefined {
  if (f.certFile === undefined && f.keyFile === undefined) return undefined;
  if (f.certFile === undefined || f.keyFile === undefined)
    throw new UnimplementedFlag(
      '-cert-file/-key-file',
      'a certificate without its key (or the reverse)',
    );
  try {
    return { chain: loadCertificates(f.certFile), key: loadPrivateKey(f.keyFile) };
  } catch (err) {
    // BoGo's own files are well-formed: one postern cannot load has a key type it does not implement (ML-DSA, P-521…).
    throw new UnimplementedFlag('-cert-file/-key-file', (err as Error).message);
  }
}

/**
 * BoringSSL's shim installs a verify callback that accepts any chain
 * (test_config.cc CertVerifyCallback): BoGo tests the protocol, not path
 * building. The shim does the same; the chain is still parsed and its
 * signatures over the handshake checked by the engine.
 */
function acceptAnyChain(chain: readonly Certificate[]): VerifyResult {
  return { ok: true, chain: [...chain] };
}

function common(f: ConnectionFlags, random: Random) {
  return {
    random,
    ...versionRange(f),
    tls12CipherSuites: tls12Suites(f),
    ...groups(f),
    verifyPeer: acceptAnyChain,
    rejectUnauthorized: true,
  };
}

/**
 * WORKAROUND for an engine bug (see the BoGo report): postern's TLS 1.3
 * client sends psk_key_exchange_modes only with a PSK, so BoGo's server (like
 * BoringSSL's and Go's, RFC 8446 §4.2.9 and §4.6.1) never issues it a first
 * ticket. The shim adds the extension until src/tls/tls13/client.ts sends it
 * on every TLS 1.3 ClientHello; remove this then.
 */
const offerPskDheKe: NonNullable<ClientConfig['customizeClientHello']> = (hello) => {
  const offersTls13 = hello.extensions.some(
    (e) => e.kind === 'supported_versions_client_hello' && e.versions.includes(TLS13),
  );
  if (!offersTls13 || hello.extensions.some((e) => e.kind === 'psk_key_exchange_modes'))
    return hello;
  return {
    ...hello,
    extensions: [...hello.extensions, { kind: 'psk_key_exchange_modes', type: 45, modes: [1] }],
  };
};

export function clientConfig(
  f: ConnectionFlags,
  random: Random,
  session: SessionState | undefined,
): ClientConfig {
  if (f.signingPrefs.length > 0)
    throw new UnimplementedFlag(
      '-signing-prefs',
      'the client signs with the first scheme of the server that fits its key (no client signing preference)',
    );
  if (f.noTicket)
    throw new UnimplementedFlag('-no-ticket', 'the TLS 1.2 client always offers session_ticket');
  const config: ClientConfig = {
    ...common(f, random),
    verifyHostname: '',
    customizeClientHello: offerPskDheKe,
  };
  if (f.verifyPrefs.length > 0) config.signatureSchemes = [...f.verifyPrefs];
  if (f.advertiseAlpn !== undefined) config.alpnProtocols = parseAlpnWire(f.advertiseAlpn);
  if (f.hostName !== undefined) config.serverName = f.hostName;
  const credential = loadCredential(f);
  if (credential !== undefined) config.certificate = credential;
  if (session !== undefined) config.session = session;
  return config;
}

/**
 * The server's signature schemes serve both signing and CertificateRequest
 * (ServerConfig.signatureSchemes), so only one of -signing-prefs and
 * -verify-prefs can be honoured, and only when they agree.
 */
function serverSchemes(f: ConnectionFlags): number[] | undefined {
  if (f.verifyPrefs.length === 0)
    return f.signingPrefs.length > 0 ? [...f.signingPrefs] : undefined;
  const same =
    f.signingPrefs.length === f.verifyPrefs.length &&
    f.signingPrefs.every((s, i) => f.verifyPrefs[i] === s);
  if (!same)
    throw new UnimplementedFlag(
      '-verify-prefs',
      'the server has one signature-scheme list for signing and for CertificateRequest',
    );
  return [...f.verifyPrefs];
}

/**
 * WORKAROUND for an engine bug (see the BoGo report): postern's TLS 1.3
 * server acknowledges server_name in EncryptedExtensions even when it
 * resumes, which RFC 6066 §3 forbids and BoGo's client (like BoringSSL's and
 * Go's) refuses. A connection's customizer drops the acknowledgement after a
 * ServerHello that accepted a PSK; remove this once src/tls/tls13/server.ts
 * omits it on resumption.
 */
function noServerNameAckOnResumption(): NonNullable<ServerConfig['customizeServerMessage']> {
  let resumed = false;
  return (message) => {
    if (message.kind === 'server_hello')
      resumed = message.extensions.some((e) => e.kind === 'pre_shared_key_server_hello');
    if (message.kind !== 'encrypted_extensions' || !resumed) return message;
    return { ...message, extensions: message.extensions.filter((e) => e.kind !== 'server_name') };
  };
}

export function serverConfig(
  f: ConnectionFlags,
  random: Random,
  tickets: TicketKeyring,
  sessions: { get(id: Uint8Array): SessionState | undefined },
): ServerConfig {
  const credential = loadCredential(f);
  if (credential === undefined)
    throw new UnimplementedFlag(
      '-server',
      'a server without a certificate (PSK or raw public keys)',
    );
  const config: ServerConfig = {
    ...common(f, random),
    certificates: [credential],
    clientAuth: f.requireAnyClientCertificate ? 'required' : f.verifyPeer ? 'optional' : 'none',
    sessionTickets: f.noTicket ? false : tickets,
    sessionCache: sessions,
    customizeServerMessage: noServerNameAckOnResumption(),
  };
  const schemes = serverSchemes(f);
  if (schemes !== undefined) config.signatureSchemes = schemes;
  if (f.selectAlpn !== undefined && !f.declineAlpn) config.alpnProtocols = [f.selectAlpn];
  return config;
}
