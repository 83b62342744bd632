// The Entropy Gathering Daemon protocol, client side, sans-IO: request
// encoders and reply decoders. Facts from egd 0.9's protocol (as documented
// in ekeyd's README.egd-protocol and by OpenSSL's RAND_query_egd_bytes, which
// sends 0x01 N): every value longer than a byte is big-endian, and a read asks
// for at most 255 bytes because N is one byte.

export const EgdCommand = {
  /** 0x00: reply U32, the entropy the daemon holds, in bits. */
  EntropyLevel: 0x00,
  /** 0x01 N: reply U8 count, then count bytes (count <= N, 0 when empty). */
  ReadNonBlocking: 0x01,
  /** 0x02 N: reply exactly N bytes, as they become available. */
  ReadBlocking: 0x02,
  /** 0x03 U16 bits, U8 N, N bytes: no reply. */
  WriteEntropy: 0x03,
  /** 0x04: reply U8 length, then the daemon's pid as ASCII. */
  GetPid: 0x04,
} as const;

/** A request's length byte caps every read and write at 255 bytes. */
export const EGD_MAX_REQUEST = 255;

/** The daemon answered something the protocol does not allow. */
export class EgdProtocolError extends Error {
  constructor(message: string) {
    super(`EGD protocol: ${message}`);
    this.name = 'EgdProtocolError';
  }
}

/** A decoded reply and how many buffered bytes it used; undefined while incomplete. */
export type Decoded<T> = { value: T; used: number } | undefined;

function checkCount(n: number): void {
  if (!Number.isInteger(n) || n < 1 || n > EGD_MAX_REQUEST)
    throw new RangeError(`EGD requests carry 1 to ${EGD_MAX_REQUEST} bytes, not ${n}`);
}

export function encodeEntropyLevel(): Uint8Array {
  return Uint8Array.of(EgdCommand.EntropyLevel);
}

export function encodeRead(n: number, blocking: boolean): Uint8Array {
  checkCount(n);
  return Uint8Array.of(blocking ? EgdCommand.ReadBlocking : EgdCommand.ReadNonBlocking, n);
}

export function encodeWriteEntropy(bits: number, data: Uint8Array): Uint8Array {
  checkCount(data.length);
  if (!Number.isInteger(bits) || bits < 0 || bits > 0xffff)
    throw new RangeError(`EGD entropy estimate must fit 16 bits, not ${bits}`);
  const out = new Uint8Array(4 + data.length);
  out.set([EgdCommand.WriteEntropy, bits >> 8, bits & 0xff, data.length]);
  out.set(data, 4);
  return out;
}

export function encodeGetPid(): Uint8Array {
  return Uint8Array.of(EgdCommand.GetPid);
}

export function decodeEntropyLevel(buf: Uint8Array): Decoded<number> {
  if (buf.length < 4) return undefined;
  const view = new DataView(buf.buffer, buf.byteOffset, 4);
  return { value: view.getUint32(0), used: 4 };
}

export function decodeNonBlockingRead(buf: Uint8Array, requested: number): Decoded<Uint8Array> {
  const count = buf[0];
  if (count === undefined) return undefined;
  if (count > requested)
    throw new EgdProtocolError(`asked for ${requested} bytes, the daemon announces ${count}`);
  if (buf.length < 1 + count) return undefined;
  return { value: buf.slice(1, 1 + count), used: 1 + count };
}

export function decodeBlockingRead(buf: Uint8Array, requested: number): Decoded<Uint8Array> {
  if (buf.length < requested) return undefined;
  return { value: buf.slice(0, requested), used: requested };
}

export function decodePid(buf: Uint8Array): Decoded<string> {
  const len = buf[0];
  if (len === undefined || buf.length < 1 + len) return undefined;
  const text = new TextDecoder('latin1').decode(buf.subarray(1, 1 + len));
  if (!/^-?\d+$/.test(text))
    throw new EgdProtocolError(`pid reply is not a number: ${JSON.stringify(text)}`);
  return { value: text, used: 1 + len };
}
