// The queue file format, version 1. A file is a sequence of records
// (record.ts: type byte, 4-byte big-endian length, payload):
//
//   V  "1"                       format version
//   E  JSON QueuedEnvelope       arrival time, sender, RET, ENVID, client facts
//   R  JSON QueuedRecipient      one per recipient, in RCPT order
//   M  bytes                     the message content, headers and body, CRLF lines
//   X  ""                        the end of what the receiving side wrote
//   --- written by the queue manager later, each append fsync'd ---
//   D  JSON RecipientResult      a recipient's final result (sent / bounced)
//   F  JSON DeferralNote         a delivery attempt that deferred
//   W  ""                        the delay warning was sent
//
// A file without X was never acknowledged (the 250 is sent only after X is on
// disk): recovery removes it. A torn last append (a crash mid-write) is
// ignored, so at worst a delivery is repeated, never lost.
import {
  decodeRecords,
  encodeRecord,
  QueueFileError,
  RecordType,
  type QueueRecord,
} from './record.js';
import type {
  DeferralNote,
  NewMessage,
  QueuedEnvelope,
  QueuedMessage,
  QueuedRecipient,
  RecipientResult,
} from './message.js';

export const QUEUE_FORMAT_VERSION = '1';

const utf8 = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true });

function json(value: unknown): Uint8Array {
  return utf8.encode(JSON.stringify(value));
}

function parseJson<T>(record: QueueRecord, what: string): T {
  try {
    return JSON.parse(utf8Decoder.decode(record.payload)) as T;
  } catch (e) {
    throw new QueueFileError(`bad ${what} record: ${(e as Error).message}`);
  }
}

/** The bytes of a new queue file, X record included. */
export function encodeQueueFile(message: NewMessage): Uint8Array[] {
  const envelope: QueuedEnvelope = {
    arrivalTime: message.arrivalTime,
    sender: message.sender,
    ...(message.ret !== undefined ? { ret: message.ret } : {}),
    ...(message.envid !== undefined ? { envid: message.envid } : {}),
    ...(message.client !== undefined ? { client: message.client } : {}),
  };
  return [
    encodeRecord(RecordType.version, utf8.encode(QUEUE_FORMAT_VERSION)),
    encodeRecord(RecordType.envelope, json(envelope)),
    ...message.recipients.map((r) => encodeRecord(RecordType.recipient, json(r))),
    encodeRecord(RecordType.content, message.content),
    encodeRecord(RecordType.end, new Uint8Array(0)),
  ];
}

export function encodeResult(result: RecipientResult): Uint8Array {
  return encodeRecord(RecordType.done, json(result));
}

export function encodeDeferral(note: DeferralNote): Uint8Array {
  return encodeRecord(RecordType.deferred, json(note));
}

export function encodeWarned(): Uint8Array {
  return encodeRecord(RecordType.warned, new Uint8Array(0));
}

/** True when the file holds its X record: the message was completely received. */
export function isComplete(bytes: Uint8Array): boolean {
  try {
    return decodeRecords(bytes).records.some((r) => r.type === RecordType.end);
  } catch (e) {
    if (e instanceof QueueFileError) return false;
    throw e;
  }
}

interface Parts {
  envelope?: QueuedEnvelope;
  recipients: QueuedRecipient[];
  content?: Uint8Array;
  complete: boolean;
  results: RecipientResult[];
  deferrals: DeferralNote[];
  warned: boolean;
}

function readHead(records: readonly QueueRecord[], parts: Parts): number {
  const first = records[0];
  if (first?.type !== RecordType.version) throw new QueueFileError('no version record');
  const version = utf8Decoder.decode(first.payload);
  if (version !== QUEUE_FORMAT_VERSION)
    throw new QueueFileError(`unsupported queue file version ${JSON.stringify(version)}`);
  let i = 1;
  for (; i < records.length && !parts.complete; i++) {
    const r = records[i]!;
    if (r.type === RecordType.envelope) parts.envelope = parseJson<QueuedEnvelope>(r, 'envelope');
    else if (r.type === RecordType.recipient)
      parts.recipients.push(parseJson<QueuedRecipient>(r, 'recipient'));
    else if (r.type === RecordType.content) parts.content = r.payload;
    else if (r.type === RecordType.end) parts.complete = true;
    else throw new QueueFileError(`record ${r.type} before the end record`);
  }
  return i;
}

function readTail(records: readonly QueueRecord[], from: number, parts: Parts): void {
  for (let i = from; i < records.length; i++) {
    const r = records[i]!;
    if (r.type === RecordType.done) parts.results.push(parseJson<RecipientResult>(r, 'result'));
    else if (r.type === RecordType.deferred)
      parts.deferrals.push(parseJson<DeferralNote>(r, 'deferral'));
    else if (r.type === RecordType.warned) parts.warned = true;
    else throw new QueueFileError(`record ${r.type} after the end record`);
  }
}

/** Reads a complete queue file back; an incomplete or damaged one is a QueueFileError. */
export function decodeQueueFile(id: string, bytes: Uint8Array): QueuedMessage {
  const { records } = decodeRecords(bytes);
  const parts: Parts = {
    recipients: [],
    complete: false,
    results: [],
    deferrals: [],
    warned: false,
  };
  readTail(records, readHead(records, parts), parts);
  if (!parts.complete)
    throw new QueueFileError('no end record: the message was never completely received');
  if (parts.envelope === undefined) throw new QueueFileError('no envelope record');
  if (parts.content === undefined) throw new QueueFileError('no content record');
  if (parts.recipients.length === 0) throw new QueueFileError('no recipients');
  for (const r of parts.results) {
    if (!Number.isInteger(r.index) || r.index < 0 || r.index >= parts.recipients.length)
      throw new QueueFileError(`result for recipient ${r.index}, which does not exist`);
  }
  const finished = new Set(parts.results.map((r) => r.index));
  const pending = parts.recipients.flatMap((recipient, index) =>
    finished.has(index) ? [] : [{ index, recipient }],
  );
  return {
    id,
    ...parts.envelope,
    recipients: parts.recipients,
    content: parts.content,
    results: parts.results,
    deferrals: parts.deferrals,
    warned: parts.warned,
    pending,
  };
}
