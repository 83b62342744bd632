// Queue IDs in the shape of Postfix's long queue IDs (enable_long_queue_ids,
// mail_queue.h): the arrival second, its microseconds, the letter 'z' (absent
// from the alphabet of the parts, so they never blur), then a disambiguator.
// Postfix uses the queue file's inode there; we use random digits, and the
// file is created with O_EXCL, so a collision is seen and a new ID drawn.
// The alphabet is in ASCII order and the widths are fixed, so sorting IDs as
// strings sorts them by arrival time, across restarts.
import type { Random } from '../../prng/index.js';

const ALPHABET = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxy';
const BASE = ALPHABET.length; // 61
const SEC_DIGITS = 6; // 61^6 s reaches past the year 3000
const USEC_DIGITS = 4; // 61^4 > 10^6
const TAIL_DIGITS = 5;
const TAIL_RANGE = BASE ** TAIL_DIGITS;

function encode(value: number, width: number): string {
  let out = '';
  for (let i = 0; i < width; i++) {
    out = ALPHABET[value % BASE]! + out;
    value = Math.floor(value / BASE);
  }
  return out;
}

function decode(digits: string): number {
  let value = 0;
  for (const ch of digits) value = value * BASE + ALPHABET.indexOf(ch);
  return value;
}

/** A new queue ID for a message arriving at `nowMicros` (microseconds since the epoch). */
export function newQueueId(nowMicros: bigint, random: Random): string {
  const seconds = Number(nowMicros / 1_000_000n);
  const micros = Number(nowMicros % 1_000_000n);
  const b = random.bytes(4);
  const tail = (((b[0]! << 24) | (b[1]! << 16) | (b[2]! << 8) | b[3]!) >>> 0) % TAIL_RANGE;
  return (
    encode(seconds, SEC_DIGITS) + encode(micros, USEC_DIGITS) + 'z' + encode(tail, TAIL_DIGITS)
  );
}

const ID_PATTERN = new RegExp(
  `^[${ALPHABET}]{${SEC_DIGITS + USEC_DIGITS}}z[${ALPHABET}]{${TAIL_DIGITS}}$`,
);

/** True for a string of the shape `newQueueId` makes; guards every path built from an ID. */
export function isQueueId(id: string): boolean {
  return ID_PATTERN.test(id);
}

/** The arrival time (ms since the epoch) encoded in an ID. */
export function queueIdTime(id: string): number {
  return (
    decode(id.slice(0, SEC_DIGITS)) * 1000 +
    Math.floor(decode(id.slice(SEC_DIGITS, SEC_DIGITS + USEC_DIGITS)) / 1000)
  );
}
