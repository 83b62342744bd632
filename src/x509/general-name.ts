import type { DerNode } from './der.js';
import { oid, sequence, structureError } from './der-read.js';
import type { Name } from './name.js';
import { parseName } from './name.js';

/** RFC 5280 §4.2.1.6 GeneralName, the forms we read; others are kept as their tag only. */
export type GeneralName =
  | { type: 'email'; value: string }
  | { type: 'dns'; value: string }
  | { type: 'uri'; value: string }
  | { type: 'ip'; value: Uint8Array }
  | { type: 'directory'; value: Name }
  | { type: 'registeredId'; value: string }
  | { type: 'other'; tag: number };

const LATIN1 = new TextDecoder('latin1');

function ia5(node: DerNode, what: string): string {
  for (const b of node.content)
    if (b > 0x7f) throw structureError(what, 'non-ASCII byte in IA5String');
  return LATIN1.decode(node.content);
}

export function parseGeneralName(node: DerNode, what: string): GeneralName {
  if (node.tagClass !== 'context') throw structureError(what, 'GeneralName must be context-tagged');
  switch (node.tag) {
    case 1:
      return { type: 'email', value: ia5(node, what) };
    case 2:
      return { type: 'dns', value: ia5(node, what) };
    case 6:
      return { type: 'uri', value: ia5(node, what) };
    case 7:
      // RFC 5280 §4.2.1.6: four octets for IPv4, sixteen for IPv6.
      if (node.content.length !== 4 && node.content.length !== 16)
        throw structureError(what, 'iPAddress must be 4 or 16 bytes');
      return { type: 'ip', value: node.content };
    case 4:
      if (!node.constructed || node.children.length !== 1)
        throw structureError(what, 'directoryName must hold one Name');
      return { type: 'directory', value: parseName(node.children[0], `${what} directoryName`) };
    case 8:
      return { type: 'registeredId', value: oid({ ...node, tagClass: 'universal', tag: 6 }, what) };
    default:
      return { type: 'other', tag: node.tag };
  }
}

export function parseGeneralNames(node: DerNode | undefined, what: string): GeneralName[] {
  const names = sequence(node, what, 1);
  return names.map((n) => parseGeneralName(n, what));
}

/** An IP address as OpenSSL prints it: dotted quad, or eight colon-separated upper-case hex groups. */
export function formatIp(bytes: Uint8Array): string {
  if (bytes.length === 4) return Array.from(bytes).join('.');
  const groups: string[] = [];
  for (let i = 0; i < bytes.length; i += 2)
    groups.push((((bytes[i] ?? 0) << 8) | (bytes[i + 1] ?? 0)).toString(16).toUpperCase());
  return groups.join(':');
}
