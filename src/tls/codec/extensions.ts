import { TlsAlert } from '../error/tls-alert.js';
import {
  ExtensionType,
  PskKeyExchangeMode,
  ECPointFormat,
  ProtocolVersion,
} from '../registry/constants.js';
import { NamedGroup } from '../registry/named-group.js';
import { SignatureScheme } from '../registry/signature-scheme.js';
import { describe, nameOf } from '../registry/names.js';
import { Reader } from '../wire/reader.js';
import type { Writer } from '../wire/writer.js';

/** The message an extension block belongs to: several extensions have a different form in each (RFC 8446 §4.2). */
export type ExtensionContext =
  | 'client_hello'
  | 'server_hello'
  | 'hello_retry_request'
  | 'encrypted_extensions'
  | 'certificate_request'
  | 'certificate_entry'
  | 'new_session_ticket';

export interface ServerName {
  nameType: number;
  name: Uint8Array;
}
export interface KeyShareEntry {
  group: number;
  keyExchange: Uint8Array;
}
export interface PskIdentity {
  identity: Uint8Array;
  obfuscatedTicketAge: number;
}

/**
 * One extension, typed where postern knows its form in the context it was
 * read in, else kept raw (`unknown`) so re-encoding reproduces it. Every
 * variant carries its code point in `type`.
 */
export type Extension =
  /** RFC 6066 §3: a list in ClientHello; `null` for the empty extension a server answers with. */
  | { kind: 'server_name'; type: 0; serverNames: ServerName[] | null }
  | { kind: 'supported_groups'; type: 10; groups: number[] }
  | { kind: 'signature_algorithms'; type: 13; schemes: number[] }
  | { kind: 'signature_algorithms_cert'; type: 50; schemes: number[] }
  | { kind: 'key_share_client_hello'; type: 51; shares: KeyShareEntry[] }
  | { kind: 'key_share_server_hello'; type: 51; share: KeyShareEntry }
  | { kind: 'key_share_hello_retry_request'; type: 51; selectedGroup: number }
  | { kind: 'supported_versions_client_hello'; type: 43; versions: number[] }
  | { kind: 'supported_versions_server_hello'; type: 43; selectedVersion: number }
  | { kind: 'psk_key_exchange_modes'; type: 45; modes: number[] }
  | {
      kind: 'pre_shared_key_client_hello';
      type: 41;
      identities: PskIdentity[];
      binders: Uint8Array[];
    }
  | { kind: 'pre_shared_key_server_hello'; type: 41; selectedIdentity: number }
  | { kind: 'early_data'; type: 42 }
  | { kind: 'early_data_new_session_ticket'; type: 42; maxEarlyDataSize: number }
  | { kind: 'cookie'; type: 44; cookie: Uint8Array }
  | { kind: 'application_layer_protocol_negotiation'; type: 16; protocols: Uint8Array[] }
  | { kind: 'extended_master_secret'; type: 23 }
  | { kind: 'encrypt_then_mac'; type: 22 }
  | { kind: 'renegotiation_info'; type: 0xff01; renegotiatedConnection: Uint8Array }
  /** RFC 5077 §3.2: the ticket (empty to ask for one, or in ServerHello). */
  | { kind: 'session_ticket'; type: 35; ticket: Uint8Array }
  | { kind: 'ec_point_formats'; type: 11; formats: number[] }
  | { kind: 'certificate_authorities'; type: 47; authorities: Uint8Array[] }
  /** RFC 6066 §8 / RFC 8446 §4.4.2.1: kept as its extension_data. */
  | { kind: 'status_request'; type: 5; data: Uint8Array }
  | { kind: 'record_size_limit'; type: 28; limit: number }
  | { kind: 'unknown'; type: number; data: Uint8Array };

export type ExtensionKind = Extension['kind'];

/** The extension of `kind` in `extensions`, typed, or undefined. */
export function findExtension<K extends ExtensionKind>(
  extensions: readonly Extension[],
  kind: K,
): Extract<Extension, { kind: K }> | undefined {
  for (const e of extensions) if (e.kind === kind) return e as Extract<Extension, { kind: K }>;
  return undefined;
}

/** Whether an extension of code point `type` is present, in whatever form. */
export function hasExtensionType(extensions: readonly Extension[], type: number): boolean {
  return extensions.some((e) => e.type === type);
}

function u16List(r: Reader, what: string, min: number, max = 0xffff): number[] {
  const v = r.vector16(what, min, max);
  if (v.remaining % 2 !== 0) throw new TlsAlert('decode_error', `${what}: odd length`);
  const out: number[] = [];
  while (!v.done) out.push(v.u16());
  return out;
}

function u8List(r: Reader, what: string, min: number): number[] {
  const v = r.vector8(what, min);
  const out: number[] = [];
  while (!v.done) out.push(v.u8());
  return out;
}

function expectEmpty(r: Reader, what: string): void {
  r.expectEnd(what);
}

/** How one extension type's body is read: by the message it came in (RFC 8446 §4.2's table). Undefined: kept raw, as `unknown`. */
type BodyDecoder = (
  r: Reader,
  context: ExtensionContext,
  data: Uint8Array,
) => Extension | undefined;

function decodeServerName(r: Reader, context: ExtensionContext, data: Uint8Array): Extension {
  // RFC 6066 §3: the server's acknowledgement is empty.
  if (context !== 'client_hello' && data.length === 0)
    return { kind: 'server_name', type: ExtensionType.server_name, serverNames: null };
  const list = r.vector16('server_name_list', 1);
  const serverNames: ServerName[] = [];
  while (!list.done) {
    const nameType = list.u8('name_type');
    serverNames.push({ nameType, name: list.bytes16('host_name', 1) });
  }
  return { kind: 'server_name', type: ExtensionType.server_name, serverNames };
}

function decodeClientShares(r: Reader): KeyShareEntry[] {
  const list = r.vector16('client_shares');
  const shares: KeyShareEntry[] = [];
  const seen = new Set<number>();
  while (!list.done) {
    const entry = decodeKeyShareEntry(list);
    // RFC 8446 §4.2.8: "Clients MUST NOT offer multiple KeyShareEntry values for the same group"; servers MAY abort with illegal_parameter.
    if (seen.has(entry.group))
      throw new TlsAlert('illegal_parameter', `two key shares for group ${entry.group}`);
    seen.add(entry.group);
    shares.push(entry);
  }
  return shares;
}

function decodeKeyShare(r: Reader, context: ExtensionContext): Extension | undefined {
  const type = ExtensionType.key_share;
  if (context === 'client_hello')
    return { kind: 'key_share_client_hello', type, shares: decodeClientShares(r) };
  if (context === 'hello_retry_request')
    return { kind: 'key_share_hello_retry_request', type, selectedGroup: r.u16('selected_group') };
  if (context === 'server_hello')
    return { kind: 'key_share_server_hello', type, share: decodeKeyShareEntry(r) };
  return undefined;
}

function decodeSupportedVersions(r: Reader, context: ExtensionContext): Extension | undefined {
  const type = ExtensionType.supported_versions;
  if (context === 'client_hello') {
    const v = r.vector8('supported_versions', 2, 254);
    if (v.remaining % 2 !== 0) throw new TlsAlert('decode_error', 'supported_versions: odd length');
    const versions: number[] = [];
    while (!v.done) versions.push(v.u16());
    return { kind: 'supported_versions_client_hello', type, versions };
  }
  if (context === 'server_hello' || context === 'hello_retry_request')
    return {
      kind: 'supported_versions_server_hello',
      type,
      selectedVersion: r.u16('selected_version'),
    };
  return undefined;
}

function decodePreSharedKey(r: Reader, context: ExtensionContext): Extension | undefined {
  const type = ExtensionType.pre_shared_key;
  if (context === 'server_hello')
    return {
      kind: 'pre_shared_key_server_hello',
      type,
      selectedIdentity: r.u16('selected_identity'),
    };
  if (context !== 'client_hello') return undefined;
  const ids = r.vector16('identities', 7);
  const identities: PskIdentity[] = [];
  while (!ids.done)
    identities.push({
      identity: ids.bytes16('identity', 1),
      obfuscatedTicketAge: ids.u32('obfuscated_ticket_age'),
    });
  const bl = r.vector16('binders', 33);
  const binders: Uint8Array[] = [];
  while (!bl.done) binders.push(bl.bytes8('PskBinderEntry', 32));
  // RFC 8446 §4.2.11: one binder per identity; a mismatch is a malformed extension.
  if (binders.length !== identities.length)
    throw new TlsAlert(
      'illegal_parameter',
      `${identities.length} PSK identities but ${binders.length} binders`,
    );
  return { kind: 'pre_shared_key_client_hello', type, identities, binders };
}

function decodeByteStrings(
  r: Reader,
  list: string,
  min: number,
  item: string,
  wide: boolean,
): Uint8Array[] {
  const v = r.vector16(list, min);
  const out: Uint8Array[] = [];
  while (!v.done) out.push(wide ? v.bytes16(item, 1) : v.bytes8(item, 1));
  return out;
}

function decodeRecordSizeLimit(r: Reader): Extension {
  const limit = r.u16('record_size_limit');
  // RFC 8449 §4: "Endpoints MUST NOT send a "record_size_limit" extension with a value smaller than 64. An endpoint MUST treat receipt of a smaller value as a fatal error and generate an "illegal_parameter" alert."
  if (limit < 64) throw new TlsAlert('illegal_parameter', `record_size_limit ${limit} < 64`);
  return { kind: 'record_size_limit', type: ExtensionType.record_size_limit, limit };
}

const T = ExtensionType;

/** The body decoder of every extension type postern reads; any other type is kept raw. */
const DECODERS: ReadonlyMap<number, BodyDecoder> = new Map<number, BodyDecoder>([
  [T.server_name, decodeServerName],
  [
    T.supported_groups,
    (r) => ({
      kind: 'supported_groups',
      type: T.supported_groups,
      groups: u16List(r, 'named_group_list', 2),
    }),
  ],
  [
    T.signature_algorithms,
    (r) => ({
      kind: 'signature_algorithms',
      type: T.signature_algorithms,
      schemes: u16List(r, 'supported_signature_algorithms', 2, 0xfffe),
    }),
  ],
  [
    T.signature_algorithms_cert,
    (r) => ({
      kind: 'signature_algorithms_cert',
      type: T.signature_algorithms_cert,
      schemes: u16List(r, 'supported_signature_algorithms', 2, 0xfffe),
    }),
  ],
  [T.key_share, decodeKeyShare],
  [T.supported_versions, decodeSupportedVersions],
  [
    T.psk_key_exchange_modes,
    (r) => ({
      kind: 'psk_key_exchange_modes',
      type: T.psk_key_exchange_modes,
      modes: u8List(r, 'ke_modes', 1),
    }),
  ],
  [T.pre_shared_key, decodePreSharedKey],
  [
    T.early_data,
    (r, context) =>
      context === 'new_session_ticket'
        ? {
            kind: 'early_data_new_session_ticket',
            type: T.early_data,
            maxEarlyDataSize: r.u32('max_early_data_size'),
          }
        : { kind: 'early_data', type: T.early_data },
  ],
  [T.cookie, (r) => ({ kind: 'cookie', type: T.cookie, cookie: r.bytes16('cookie', 1) })],
  [
    T.application_layer_protocol_negotiation,
    (r) => ({
      kind: 'application_layer_protocol_negotiation',
      type: T.application_layer_protocol_negotiation,
      protocols: decodeByteStrings(r, 'protocol_name_list', 2, 'ProtocolName', false),
    }),
  ],
  [
    T.extended_master_secret,
    () => ({ kind: 'extended_master_secret', type: T.extended_master_secret }),
  ],
  [T.encrypt_then_mac, () => ({ kind: 'encrypt_then_mac', type: T.encrypt_then_mac })],
  [
    T.renegotiation_info,
    (r) => ({
      kind: 'renegotiation_info',
      type: T.renegotiation_info,
      renegotiatedConnection: r.bytes8('renegotiated_connection'),
    }),
  ],
  [T.session_ticket, (r) => ({ kind: 'session_ticket', type: T.session_ticket, ticket: r.rest() })],
  [
    T.ec_point_formats,
    (r) => ({
      kind: 'ec_point_formats',
      type: T.ec_point_formats,
      formats: u8List(r, 'ec_point_format_list', 1),
    }),
  ],
  [
    T.certificate_authorities,
    (r) => ({
      kind: 'certificate_authorities',
      type: T.certificate_authorities,
      authorities: decodeByteStrings(r, 'authorities', 3, 'DistinguishedName', true),
    }),
  ],
  [T.status_request, (r) => ({ kind: 'status_request', type: T.status_request, data: r.rest() })],
  [T.record_size_limit, decodeRecordSizeLimit],
]);

/**
 * ClientHello extensions only TLS 1.2 reads (RFC 8446 §4.2's table lists
 * none of them for TLS 1.3; a TLS 1.3 server ignores them). The ClientHello
 * is decoded before the version is chosen, so a malformed one is kept raw
 * (`unknown`) here and decoded by decodeTls12ClientHelloExtensions once
 * TLS 1.2 is chosen: a TLS 1.3 handshake never fails on an extension that
 * does not apply to it, as OpenSSL parses these only below TLS 1.3.
 */
const TLS12_ONLY_IN_CLIENT_HELLO: ReadonlySet<number> = new Set([
  ExtensionType.ec_point_formats,
  ExtensionType.renegotiation_info,
  ExtensionType.extended_master_secret,
  ExtensionType.encrypt_then_mac,
]);

function decodeBody(type: number, data: Uint8Array, context: ExtensionContext): Extension {
  if (context === 'client_hello' && TLS12_ONLY_IN_CLIENT_HELLO.has(type))
    return decodeOrDefer(type, data);
  return decodeBodyNow(type, data, context);
}

function decodeOrDefer(type: number, data: Uint8Array): Extension {
  try {
    return decodeBodyNow(type, data, 'client_hello');
  } catch (err) {
    // Deferred, not dropped: decodeTls12ClientHelloExtensions raises this same error if TLS 1.2 is negotiated.
    if (err instanceof TlsAlert) return { kind: 'unknown', type, data };
    throw err;
  }
}

/** A ClientHello's extensions for a TLS 1.2 handshake: the TLS 1.2-only ones kept raw as malformed are decoded, and fail with their error. */
export function decodeTls12ClientHelloExtensions(extensions: readonly Extension[]): Extension[] {
  return extensions.map((e) =>
    e.kind === 'unknown' && TLS12_ONLY_IN_CLIENT_HELLO.has(e.type)
      ? decodeBodyNow(e.type, e.data, 'client_hello')
      : e,
  );
}

function decodeBodyNow(type: number, data: Uint8Array, context: ExtensionContext): Extension {
  const r = new Reader(data);
  const e = DECODERS.get(type)?.(r, context, data);
  if (e === undefined) return { kind: 'unknown', type, data };
  expectEmpty(r, nameOf(ExtensionType, type));
  return e;
}

function decodeKeyShareEntry(r: Reader): KeyShareEntry {
  const group = r.u16('group');
  return { group, keyExchange: r.bytes16('key_exchange', 1) };
}

/**
 * Reads an `Extension extensions<0..2^16-1>` block. RFC 8446 §4.2: "There
 * MUST NOT be more than one extension of the same type in a given extension
 * block" — the RFC names no alert for it; postern sends illegal_parameter,
 * RFC 8446 §6.2's alert for "a field in the handshake was incorrect or
 * inconsistent with other fields". RFC 8446 §4.2.11: pre_shared_key "MUST be
 * the last extension in the ClientHello … Servers MUST check that it is the
 * last extension and otherwise fail the handshake with an illegal_parameter
 * alert."
 */
export function decodeExtensions(r: Reader, context: ExtensionContext): Extension[] {
  const block = r.vector16('extensions');
  const out: Extension[] = [];
  const seen = new Set<number>();
  while (!block.done) {
    const type = block.u16('extension_type');
    const data = block.bytes16('extension_data');
    if (seen.has(type))
      throw new TlsAlert('illegal_parameter', `duplicate extension ${nameOf(ExtensionType, type)}`);
    seen.add(type);
    if (
      context === 'client_hello' &&
      seen.has(ExtensionType.pre_shared_key) &&
      type !== ExtensionType.pre_shared_key
    ) {
      throw new TlsAlert(
        'illegal_parameter',
        'pre_shared_key is not the last extension in ClientHello',
      );
    }
    out.push(decodeBody(type, data, context));
  }
  return out;
}

function hex(b: Uint8Array): string {
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('hex');
}

function printable(b: Uint8Array): string {
  return JSON.stringify(Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString('latin1'));
}

function encodeKeyShareEntry(w: Writer, s: KeyShareEntry): void {
  w.u16(s.group, () => `group: ${describe(NamedGroup, s.group)}`);
  w.vector16(s.keyExchange, 'key_exchange');
}

type Of<K extends ExtensionKind> = Extract<Extension, { kind: K }>;
/** How each kind of extension writes its body, annotated for dumps. */
type BodyEncoders = { [K in ExtensionKind]: (w: Writer, e: Of<K>) => void };

function encodeList<T>(
  w: Writer,
  open: (what: string) => () => void,
  what: string,
  items: readonly T[],
  item: (x: T) => void,
): void {
  const end = open(what);
  for (const x of items) item(x);
  end();
}

function encodeNothing(): void {}

function encodeRaw(w: Writer, e: Of<'status_request'> | Of<'unknown'>): void {
  if (e.data.length > 0)
    w.bytes(
      e.data,
      () => `extension_data: ${hex(e.data).slice(0, 16)}${e.data.length > 8 ? '…' : ''}`,
    );
}

function encodeSchemes(
  w: Writer,
  e: Of<'signature_algorithms'> | Of<'signature_algorithms_cert'>,
): void {
  encodeList(
    w,
    (x) => w.openVector16(x),
    'supported_signature_algorithms',
    e.schemes,
    (s) => w.u16(s, () => describe(SignatureScheme, s)),
  );
}

function encodeServerNames(w: Writer, e: Of<'server_name'>): void {
  if (e.serverNames === null) return;
  encodeList(
    w,
    (x) => w.openVector16(x),
    'server_name_list',
    e.serverNames,
    (n) => {
      w.u8(
        n.nameType,
        () => `name_type: ${n.nameType === 0 ? 'host_name' : 'unknown'} (${n.nameType})`,
      );
      w.vector16(n.name, () => `host_name: ${printable(n.name)}`);
    },
  );
}

function encodeClientPsk(w: Writer, e: Of<'pre_shared_key_client_hello'>): void {
  encodeList(
    w,
    (x) => w.openVector16(x),
    'identities',
    e.identities,
    (id) => {
      w.vector16(id.identity, 'identity');
      w.u32(id.obfuscatedTicketAge, () => `obfuscated_ticket_age: ${id.obfuscatedTicketAge}`);
    },
  );
  encodeList(
    w,
    (x) => w.openVector16(x),
    'binders',
    e.binders,
    (b) => w.vector8(b, 'PskBinderEntry'),
  );
}

const ENCODERS: BodyEncoders = {
  server_name: encodeServerNames,
  supported_groups: (w, e) =>
    encodeList(
      w,
      (x) => w.openVector16(x),
      'named_group_list',
      e.groups,
      (g) => w.u16(g, () => describe(NamedGroup, g)),
    ),
  signature_algorithms: encodeSchemes,
  signature_algorithms_cert: encodeSchemes,
  key_share_client_hello: (w, e) =>
    encodeList(
      w,
      (x) => w.openVector16(x),
      'client_shares',
      e.shares,
      (s) => encodeKeyShareEntry(w, s),
    ),
  key_share_server_hello: (w, e) => encodeKeyShareEntry(w, e.share),
  key_share_hello_retry_request: (w, e) =>
    w.u16(e.selectedGroup, () => `selected_group: ${describe(NamedGroup, e.selectedGroup)}`),
  supported_versions_client_hello: (w, e) =>
    encodeList(
      w,
      (x) => w.openVector8(x),
      'versions',
      e.versions,
      (v) => w.u16(v, () => describe(ProtocolVersion, v)),
    ),
  supported_versions_server_hello: (w, e) =>
    w.u16(
      e.selectedVersion,
      () => `selected_version: ${describe(ProtocolVersion, e.selectedVersion)}`,
    ),
  psk_key_exchange_modes: (w, e) =>
    encodeList(
      w,
      (x) => w.openVector8(x),
      'ke_modes',
      e.modes,
      (m) => w.u8(m, () => describe(PskKeyExchangeMode, m, 2)),
    ),
  pre_shared_key_client_hello: encodeClientPsk,
  pre_shared_key_server_hello: (w, e) =>
    w.u16(e.selectedIdentity, () => `selected_identity: ${e.selectedIdentity}`),
  early_data: encodeNothing,
  extended_master_secret: encodeNothing,
  encrypt_then_mac: encodeNothing,
  early_data_new_session_ticket: (w, e) =>
    w.u32(e.maxEarlyDataSize, () => `max_early_data_size: ${e.maxEarlyDataSize}`),
  cookie: (w, e) => w.vector16(e.cookie, 'cookie'),
  application_layer_protocol_negotiation: (w, e) =>
    encodeList(
      w,
      (x) => w.openVector16(x),
      'protocol_name_list',
      e.protocols,
      (p) => w.vector8(p, () => `ProtocolName: ${printable(p)}`),
    ),
  renegotiation_info: (w, e) => w.vector8(e.renegotiatedConnection, 'renegotiated_connection'),
  session_ticket: (w, e) => {
    if (e.ticket.length > 0) w.bytes(e.ticket, 'ticket');
  },
  ec_point_formats: (w, e) =>
    encodeList(
      w,
      (x) => w.openVector8(x),
      'ec_point_format_list',
      e.formats,
      (f) => w.u8(f, () => describe(ECPointFormat, f, 2)),
    ),
  certificate_authorities: (w, e) =>
    encodeList(
      w,
      (x) => w.openVector16(x),
      'authorities',
      e.authorities,
      (a) => w.vector16(a, 'DistinguishedName'),
    ),
  status_request: encodeRaw,
  unknown: encodeRaw,
  record_size_limit: (w, e) => w.u16(e.limit, () => `record_size_limit: ${e.limit}`),
};

function encodeBody(w: Writer, e: Extension): void {
  (ENCODERS[e.kind] as (w: Writer, e: Extension) => void)(w, e);
}

export function encodeExtension(w: Writer, e: Extension): void {
  w.u16(e.type, () => `extension_type: ${describe(ExtensionType, e.type)}`);
  const end = w.openVector16('extension_data');
  encodeBody(w, e);
  end();
}

/** Writes an `extensions<0..2^16-1>` block. */
export function encodeExtensions(w: Writer, extensions: readonly Extension[]): void {
  const end = w.openVector16('extensions');
  for (const e of extensions) encodeExtension(w, e);
  end();
}

/**
 * The bytes the binders of a ClientHello pre_shared_key extension take at
 * the end of the message (the 2-byte length and every PskBinderEntry):
 * RFC 8446 §4.2.11.2 hashes the ClientHello up to, not including, them.
 */
export function pskBindersLength(binders: readonly Uint8Array[]): number {
  let n = 2;
  for (const b of binders) n += 1 + b.length;
  return n;
}
