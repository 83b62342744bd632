import { encodeHandshake, type HandshakeMessage } from './handshake.js';
import { encodeRecordHeader, type RecordHeader } from './record-header.js';
import { Writer, type Span } from '../wire/writer.js';

const BYTES_PER_LINE = 16;
const HEX_WIDTH = BYTES_PER_LINE * 3;

function hexRow(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x.toString(16).padStart(2, '0') + ' ';
  return s.padEnd(HEX_WIDTH);
}

function asciiRow(b: Uint8Array): string {
  let s = '';
  for (const x of b) s += x >= 0x20 && x < 0x7f ? String.fromCharCode(x) : '.';
  return s.padEnd(BYTES_PER_LINE);
}

/**
 * Prints `bytes` as an annotated hex dump, one line per span (wrapped every
 * 16 bytes): offset, hex, ASCII, then the span's comment indented by its
 * nesting depth — in the spirit of `openssl s_client -trace`.
 */
export function dumpSpans(bytes: Uint8Array, spans: readonly Span[]): string {
  const lines: string[] = [];
  let covered = 0;
  const emit = (offset: number, length: number, comment: string, depth: number): void => {
    const indent = '  '.repeat(depth);
    if (length === 0) {
      lines.push(
        `${offset.toString(16).padStart(4, '0')}  ${''.padEnd(HEX_WIDTH)} ${''.padEnd(BYTES_PER_LINE)}  ${indent}${comment}`,
      );
      return;
    }
    for (let at = offset; at < offset + length; at += BYTES_PER_LINE) {
      const row = bytes.subarray(at, Math.min(at + BYTES_PER_LINE, offset + length));
      const note = at === offset ? indent + comment : '';
      lines.push(
        `${at.toString(16).padStart(4, '0')}  ${hexRow(row)} ${asciiRow(row)}  ${note}`.trimEnd(),
      );
    }
  };
  for (const s of spans) {
    if (s.offset > covered) emit(covered, s.offset - covered, '(unannotated)', s.depth);
    emit(s.offset, s.length, s.comment, s.depth);
    covered = Math.max(covered, s.offset + s.length);
  }
  if (covered < bytes.length) emit(covered, bytes.length - covered, '(unannotated)', 0);
  return lines.join('\n');
}

/**
 * The annotated dump of a handshake message, header included. Dumps take
 * messages only, never keys: handshake messages carry public values, and
 * key material has no way in (DESIGN.md: keys are never logged).
 */
export function dumpHandshake(m: HandshakeMessage): string {
  const w = new Writer({ annotate: true });
  const bytes = encodeHandshake(m, w);
  return dumpSpans(bytes, w.spans ?? []);
}

/** A plain hex and ASCII dump, 16 bytes a line with their offset (smtpd_tls_loglevel 4's wire bytes). */
export function hexDump(bytes: Uint8Array): string[] {
  const lines: string[] = [];
  for (let at = 0; at < bytes.length; at += BYTES_PER_LINE) {
    const row = bytes.subarray(at, at + BYTES_PER_LINE);
    lines.push(`${at.toString(16).padStart(4, '0')}  ${hexRow(row)} ${asciiRow(row)}`.trimEnd());
  }
  return lines;
}

/** The annotated dump of a record header (the fragment itself is dumped by its own codec, or not at all when encrypted). */
export function dumpRecordHeader(h: RecordHeader): string {
  const w = new Writer({ annotate: true, initialSize: 5 });
  encodeRecordHeader(h, w);
  return dumpSpans(w.finish(), w.spans ?? []);
}
