import { TlsAlert } from '../error/tls-alert.js';
import { ExtensionType, PskKeyExchangeMode, ECPointFormat, ProtocolVersion } from '../registry/constants.js';
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
  | { kind: 'pre_shared_key_client_hello'; type: 41; identities: PskIdentity[]; binders: Uint8Array[] }
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

function decodeBody(type: number, data: Uint8Array, context: ExtensionContext): Extension {
  const r = new Reader(data);
  const ch = context === 'client_hello';
  let e: Extension;
  switch (type) {
    case ExtensionType.server_name: {
      if (!ch && data.length === 0) {
        e = { kind: 'server_name', type, serverNames: null };
        break;
      }
      const list = r.vector16('server_name_list', 1);
      const serverNames: ServerName[] = [];
      while (!list.done) {
        const nameType = list.u8('name_type');
        serverNames.push({ nameType, name: list.bytes16('host_name', 1) });
      }
      e = { kind: 'server_name', type, serverNames };
      break;
    }
    case ExtensionType.supported_groups:
      e = { kind: 'supported_groups', type, groups: u16List(r, 'named_group_list', 2) };
      break;
    case ExtensionType.signature_algorithms:
      e = { kind: 'signature_algorithms', type, schemes: u16List(r, 'supported_signature_algorithms', 2, 0xfffe) };
      break;
    case ExtensionType.signature_algorithms_cert:
      e = { kind: 'signature_algorithms_cert', type, schemes: u16List(r, 'supported_signature_algorithms', 2, 0xfffe) };
      break;
    case ExtensionType.key_share:
      if (ch) {
        const list = r.vector16('client_shares');
        const shares: KeyShareEntry[] = [];
        const seen = new Set<number>();
        while (!list.done) {
          const entry = decodeKeyShareEntry(list);
          // RFC 8446 §4.2.8: "Clients MUST NOT offer multiple KeyShareEntry values for the same group"; servers MAY abort with illegal_parameter.
          if (seen.has(entry.group)) throw new TlsAlert('illegal_parameter', `two key shares for group ${entry.group}`);
          seen.add(entry.group);
          shares.push(entry);
        }
        e = { kind: 'key_share_client_hello', type, shares };
      } else if (context === 'hello_retry_request') {
        e = { kind: 'key_share_hello_retry_request', type, selectedGroup: r.u16('selected_group') };
      } else if (context === 'server_hello') {
        e = { kind: 'key_share_server_hello', type, share: decodeKeyShareEntry(r) };
      } else {
        return { kind: 'unknown', type, data };
      }
      break;
    case ExtensionType.supported_versions:
      if (ch) {
        const v = r.vector8('supported_versions', 2, 254);
        if (v.remaining % 2 !== 0) throw new TlsAlert('decode_error', 'supported_versions: odd length');
        const versions: number[] = [];
        while (!v.done) versions.push(v.u16());
        e = { kind: 'supported_versions_client_hello', type, versions };
      } else if (context === 'server_hello' || context === 'hello_retry_request') {
        e = { kind: 'supported_versions_server_hello', type, selectedVersion: r.u16('selected_version') };
      } else {
        return { kind: 'unknown', type, data };
      }
      break;
    case ExtensionType.psk_key_exchange_modes:
      e = { kind: 'psk_key_exchange_modes', type, modes: u8List(r, 'ke_modes', 1) };
      break;
    case ExtensionType.pre_shared_key:
      if (ch) {
        const ids = r.vector16('identities', 7);
        const identities: PskIdentity[] = [];
        while (!ids.done) {
          identities.push({ identity: ids.bytes16('identity', 1), obfuscatedTicketAge: ids.u32('obfuscated_ticket_age') });
        }
        const bl = r.vector16('binders', 33);
        const binders: Uint8Array[] = [];
        while (!bl.done) binders.push(bl.bytes8('PskBinderEntry', 32));
        // RFC 8446 §4.2.11: one binder per identity; a mismatch is a malformed extension.
        if (binders.length !== identities.length) {
          throw new TlsAlert('illegal_parameter', `${identities.length} PSK identities but ${binders.length} binders`);
        }
        e = { kind: 'pre_shared_key_client_hello', type, identities, binders };
      } else if (context === 'server_hello') {
        e = { kind: 'pre_shared_key_server_hello', type, selectedIdentity: r.u16('selected_identity') };
      } else {
        return { kind: 'unknown', type, data };
      }
      break;
    case ExtensionType.early_data:
      if (context === 'new_session_ticket') {
        e = { kind: 'early_data_new_session_ticket', type, maxEarlyDataSize: r.u32('max_early_data_size') };
      } else {
        e = { kind: 'early_data', type };
      }
      break;
    case ExtensionType.cookie:
      e = { kind: 'cookie', type, cookie: r.bytes16('cookie', 1) };
      break;
    case ExtensionType.application_layer_protocol_negotiation: {
      const list = r.vector16('protocol_name_list', 2);
      const protocols: Uint8Array[] = [];
      while (!list.done) protocols.push(list.bytes8('ProtocolName', 1));
      e = { kind: 'application_layer_protocol_negotiation', type, protocols };
      break;
    }
    case ExtensionType.extended_master_secret:
      e = { kind: 'extended_master_secret', type };
      break;
    case ExtensionType.encrypt_then_mac:
      e = { kind: 'encrypt_then_mac', type };
      break;
    case ExtensionType.renegotiation_info:
      e = { kind: 'renegotiation_info', type, renegotiatedConnection: r.bytes8('renegotiated_connection') };
      break;
    case ExtensionType.session_ticket:
      e = { kind: 'session_ticket', type, ticket: r.rest() };
      break;
    case ExtensionType.ec_point_formats:
      e = { kind: 'ec_point_formats', type, formats: u8List(r, 'ec_point_format_list', 1) };
      break;
    case ExtensionType.certificate_authorities: {
      const list = r.vector16('authorities', 3);
      const authorities: Uint8Array[] = [];
      while (!list.done) authorities.push(list.bytes16('DistinguishedName', 1));
      e = { kind: 'certificate_authorities', type, authorities };
      break;
    }
    case ExtensionType.status_request:
      e = { kind: 'status_request', type, data: r.rest() };
      break;
    case ExtensionType.record_size_limit: {
      const limit = r.u16('record_size_limit');
      // RFC 8449 §4: "Endpoints MUST NOT send a "record_size_limit" extension with a value smaller than 64. An endpoint MUST treat receipt of a smaller value as a fatal error and generate an "illegal_parameter" alert."
      if (limit < 64) throw new TlsAlert('illegal_parameter', `record_size_limit ${limit} < 64`);
      e = { kind: 'record_size_limit', type, limit };
      break;
    }
    default:
      return { kind: 'unknown', type, data };
  }
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
    if (seen.has(type)) throw new TlsAlert('illegal_parameter', `duplicate extension ${nameOf(ExtensionType, type)}`);
    seen.add(type);
    if (context === 'client_hello' && seen.has(ExtensionType.pre_shared_key) && type !== ExtensionType.pre_shared_key) {
      throw new TlsAlert('illegal_parameter', 'pre_shared_key is not the last extension in ClientHello');
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

function encodeBody(w: Writer, e: Extension): void {
  switch (e.kind) {
    case 'server_name': {
      if (e.serverNames === null) return;
      const end = w.openVector16('server_name_list');
      for (const n of e.serverNames) {
        w.u8(n.nameType, () => `name_type: ${n.nameType === 0 ? 'host_name' : 'unknown'} (${n.nameType})`);
        w.vector16(n.name, () => `host_name: ${printable(n.name)}`);
      }
      end();
      return;
    }
    case 'supported_groups': {
      const end = w.openVector16('named_group_list');
      for (const g of e.groups) w.u16(g, () => describe(NamedGroup, g));
      end();
      return;
    }
    case 'signature_algorithms':
    case 'signature_algorithms_cert': {
      const end = w.openVector16('supported_signature_algorithms');
      for (const s of e.schemes) w.u16(s, () => describe(SignatureScheme, s));
      end();
      return;
    }
    case 'key_share_client_hello': {
      const end = w.openVector16('client_shares');
      for (const s of e.shares) encodeKeyShareEntry(w, s);
      end();
      return;
    }
    case 'key_share_server_hello':
      encodeKeyShareEntry(w, e.share);
      return;
    case 'key_share_hello_retry_request':
      w.u16(e.selectedGroup, () => `selected_group: ${describe(NamedGroup, e.selectedGroup)}`);
      return;
    case 'supported_versions_client_hello': {
      const end = w.openVector8('versions');
      for (const v of e.versions) w.u16(v, () => describe(ProtocolVersion, v));
      end();
      return;
    }
    case 'supported_versions_server_hello':
      w.u16(e.selectedVersion, () => `selected_version: ${describe(ProtocolVersion, e.selectedVersion)}`);
      return;
    case 'psk_key_exchange_modes': {
      const end = w.openVector8('ke_modes');
      for (const m of e.modes) w.u8(m, () => describe(PskKeyExchangeMode, m, 2));
      end();
      return;
    }
    case 'pre_shared_key_client_hello': {
      const ids = w.openVector16('identities');
      for (const id of e.identities) {
        w.vector16(id.identity, 'identity');
        w.u32(id.obfuscatedTicketAge, () => `obfuscated_ticket_age: ${id.obfuscatedTicketAge}`);
      }
      ids();
      const bs = w.openVector16('binders');
      for (const b of e.binders) w.vector8(b, 'PskBinderEntry');
      bs();
      return;
    }
    case 'pre_shared_key_server_hello':
      w.u16(e.selectedIdentity, () => `selected_identity: ${e.selectedIdentity}`);
      return;
    case 'early_data':
    case 'extended_master_secret':
    case 'encrypt_then_mac':
      return;
    case 'early_data_new_session_ticket':
      w.u32(e.maxEarlyDataSize, () => `max_early_data_size: ${e.maxEarlyDataSize}`);
      return;
    case 'cookie':
      w.vector16(e.cookie, 'cookie');
      return;
    case 'application_layer_protocol_negotiation': {
      const end = w.openVector16('protocol_name_list');
      for (const p of e.protocols) w.vector8(p, () => `ProtocolName: ${printable(p)}`);
      end();
      return;
    }
    case 'renegotiation_info':
      w.vector8(e.renegotiatedConnection, 'renegotiated_connection');
      return;
    case 'session_ticket':
      if (e.ticket.length > 0) w.bytes(e.ticket, 'ticket');
      return;
    case 'ec_point_formats': {
      const end = w.openVector8('ec_point_format_list');
      for (const f of e.formats) w.u8(f, () => describe(ECPointFormat, f, 2));
      end();
      return;
    }
    case 'certificate_authorities': {
      const end = w.openVector16('authorities');
      for (const a of e.authorities) w.vector16(a, 'DistinguishedName');
      end();
      return;
    }
    case 'status_request':
    case 'unknown':
      if (e.data.length > 0) w.bytes(e.data, () => `extension_data: ${hex(e.data).slice(0, 16)}${e.data.length > 8 ? '…' : ''}`);
      return;
    case 'record_size_limit':
      w.u16(e.limit, () => `record_size_limit: ${e.limit}`);
      return;
  }
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
