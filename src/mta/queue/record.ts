// The queue file's records. Like Postfix's rec_put/rec_get (record.c), a file
// is a sequence of typed records; ours are one type byte, a 4-byte big-endian
// length, then the payload. Lengths are checked against the bytes that are
// there, so a torn tail (a crash in the middle of an append) is recognised and
// ignored, never misread.

/** Record types, one letter each (the Postfix letters where a Postfix record means the same). */
export const RecordType = {
  /** Format version, first record. */
  version: 'V',
  /** Envelope: JSON of the arrival, sender, DSN and client facts. */
  envelope: 'E',
  /** One recipient: JSON of its address and DSN parameters. */
  recipient: 'R',
  /** The message content, one record. */
  content: 'M',
  /** The end of what the receiving side wrote: a file without it was never acknowledged. */
  end: 'X',
  /** Appended later: a recipient's final result (JSON: index, status, DSN text). */
  done: 'D',
  /** Appended later: a delivery attempt that deferred (JSON: time, reason). */
  deferred: 'F',
  /** Appended later: a delay warning was sent (delay_warning_time). */
  warned: 'W',
} as const;
export type RecordTypeName = keyof typeof RecordType;
export type RecordTypeLetter = (typeof RecordType)[RecordTypeName];

const HEADER = 5;
const LETTERS = new Set<string>(Object.values(RecordType));

export interface QueueRecord {
  readonly type: RecordTypeLetter;
  readonly payload: Uint8Array;
}

/** One record's bytes. */
export function encodeRecord(type: RecordTypeLetter, payload: Uint8Array): Uint8Array {
  const out = new Uint8Array(HEADER + payload.length);
  out[0] = type.charCodeAt(0);
  new DataView(out.buffer).setUint32(1, payload.length);
  out.set(payload, HEADER);
  return out;
}

export class QueueFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'QueueFileError';
  }
}

/**
 * Splits a file into records. A final record cut short (fewer bytes than its
 * header declares) is reported as `tornTail` and left out; an unknown type is
 * an error, since it means the file is not ours or is damaged.
 */
export function decodeRecords(bytes: Uint8Array): { records: QueueRecord[]; tornTail: boolean } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const records: QueueRecord[] = [];
  let at = 0;
  while (at < bytes.length) {
    if (bytes.length - at < HEADER) return { records, tornTail: true };
    const type = String.fromCharCode(bytes[at]!);
    if (!LETTERS.has(type))
      throw new QueueFileError(`unknown record type 0x${bytes[at]!.toString(16)} at offset ${at}`);
    const length = view.getUint32(at + 1);
    if (bytes.length - at - HEADER < length) return { records, tornTail: true };
    records.push({
      type: type as RecordTypeLetter,
      payload: bytes.subarray(at + HEADER, at + HEADER + length),
    });
    at += HEADER + length;
  }
  return { records, tornTail: false };
}
