import { TlsAlert } from '../error/tls-alert.js';

/**
 * A bounds-checked cursor over a byte array. Every overrun, and every
 * trailing byte that `expectEnd()` finds, is a `TlsAlert(decode_error)`
 * (RFC 8446 §6.2: "the length of the message was incorrect").
 * `bytes()` and the vector readers return sub-arrays of the input, not copies:
 * a caller that keeps them past the input's lifetime copies them itself.
 */
export class Reader {
  private pos: number;
  private readonly end: number;

  constructor(
    private readonly buf: Uint8Array,
    start = 0,
    end = buf.length,
  ) {
    this.pos = start;
    this.end = end;
  }

  /** Position in the underlying array (not relative to this reader's start). */
  get offset(): number {
    return this.pos;
  }

  get remaining(): number {
    return this.end - this.pos;
  }

  get done(): boolean {
    return this.pos === this.end;
  }

  /** The array this reader walks, for callers that slice by absolute offset. */
  get source(): Uint8Array {
    return this.buf;
  }

  private need(n: number, what: string): void {
    if (n > this.end - this.pos) {
      throw new TlsAlert('decode_error', `${what}: needs ${n} bytes, ${this.end - this.pos} left`);
    }
  }

  u8(what = 'uint8'): number {
    this.need(1, what);
    return this.buf[this.pos++]!;
  }

  u16(what = 'uint16'): number {
    this.need(2, what);
    const b = this.buf;
    const v = (b[this.pos]! << 8) | b[this.pos + 1]!;
    this.pos += 2;
    return v;
  }

  u24(what = 'uint24'): number {
    this.need(3, what);
    const b = this.buf;
    const v = (b[this.pos]! << 16) | (b[this.pos + 1]! << 8) | b[this.pos + 2]!;
    this.pos += 3;
    return v;
  }

  u32(what = 'uint32'): number {
    this.need(4, what);
    const b = this.buf;
    const v =
      b[this.pos]! * 0x1000000 +
      ((b[this.pos + 1]! << 16) | (b[this.pos + 2]! << 8) | b[this.pos + 3]!);
    this.pos += 4;
    return v;
  }

  bytes(n: number, what = 'bytes'): Uint8Array {
    this.need(n, what);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  /** Everything left. */
  rest(): Uint8Array {
    return this.bytes(this.end - this.pos);
  }

  private sub(n: number, what: string): Reader {
    this.need(n, what);
    const r = new Reader(this.buf, this.pos, this.pos + n);
    this.pos += n;
    return r;
  }

  /**
   * A vector with a 1/2/3-byte length prefix, as a sub-reader. `min`/`max`
   * are the RFC's `<min..max>` bounds on the length in bytes; outside them
   * is decode_error (RFC 8446 §4: "field was out of the specified range").
   */
  vector8(what = 'vector8', min = 0, max = 0xff): Reader {
    return this.sub(this.checkLength(this.u8(what), what, min, max), what);
  }

  vector16(what = 'vector16', min = 0, max = 0xffff): Reader {
    return this.sub(this.checkLength(this.u16(what), what, min, max), what);
  }

  vector24(what = 'vector24', min = 0, max = 0xffffff): Reader {
    return this.sub(this.checkLength(this.u24(what), what, min, max), what);
  }

  /** The contents of a length-prefixed opaque vector. */
  bytes8(what = 'opaque8', min = 0, max = 0xff): Uint8Array {
    return this.bytes(this.checkLength(this.u8(what), what, min, max), what);
  }

  bytes16(what = 'opaque16', min = 0, max = 0xffff): Uint8Array {
    return this.bytes(this.checkLength(this.u16(what), what, min, max), what);
  }

  bytes24(what = 'opaque24', min = 0, max = 0xffffff): Uint8Array {
    return this.bytes(this.checkLength(this.u24(what), what, min, max), what);
  }

  private checkLength(n: number, what: string, min: number, max: number): number {
    if (n < min || n > max)
      throw new TlsAlert('decode_error', `${what}: length ${n} outside ${min}..${max}`);
    return n;
  }

  /** Throws decode_error if any byte is left. */
  expectEnd(what = 'message'): void {
    if (this.pos !== this.end) {
      throw new TlsAlert('decode_error', `${what}: ${this.end - this.pos} trailing bytes`);
    }
  }
}
