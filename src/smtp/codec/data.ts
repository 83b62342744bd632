// DATA content (RFC 5321 §4.1.1.4, §4.5.2): dot-unstuffing, and the end of
// data only at <CR><LF>.<CR><LF> (SMTP smuggling, Postfix 3.9
// smtpd_forbid_bare_newline). One pass over each byte, whatever the reads.

/**
 * smtpd_forbid_bare_newline, as Postfix 3.9 defines it:
 * - `normalize` (Postfix 3.9's default): a line ending in bare LF is taken as
 *   if it ended in CRLF, but only `<CR><LF>.<CR><LF>` ends the data;
 * - `reject`: a bare LF (and, beyond Postfix, a bare CR, as issue 12 asks)
 *   gets `521 5.5.2 Error: bare <LF> received` and the connection closes;
 * - `no`: Postfix's old behaviour, a `.` line ending in bare LF ends the data too.
 * (`yes` is Postfix's alias of `normalize`.)
 */
export type BareNewlinePolicy = 'normalize' | 'reject' | 'no';

/** What one call to `DataReader.push` found. */
export interface DataProgress {
  /** Unstuffed content bytes (may be empty). */
  content: Uint8Array;
  /** The end-of-data line was seen; `rest` holds what followed it. */
  done: boolean;
  rest: Uint8Array;
  /** A bare LF or CR was seen under `reject`: the session must refuse the message. */
  bareNewline: 'lf' | 'cr' | undefined;
}

const enum S {
  /** At the start of a line. */
  LineStart,
  InLine,
  /** A CR inside a line, not yet known to be part of CRLF. */
  Cr,
  /** A `.` at the start of a line. */
  Dot,
  /** `.` then CR at the start of a line. */
  DotCr,
}

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

export class DataReader {
  private state = S.LineStart;
  private bare: 'lf' | 'cr' | undefined;
  /** The current line began after a bare LF: a `.` line here is content, not the end (smuggling). */
  private afterBareLf = false;

  constructor(private readonly policy: BareNewlinePolicy) {}

  push(input: Uint8Array): DataProgress {
    // Output never exceeds twice the input (a bare LF may become CRLF) plus the CR held from the last call.
    const out = new Uint8Array(input.length * 2 + 2);
    let n = 0;
    for (let i = 0; i < input.length; i++) {
      const b = input[i] as number;
      switch (this.state) {
        case S.LineStart:
          if (b === DOT) this.state = S.Dot;
          else n = this.inLine(b, out, n);
          break;
        case S.InLine:
          n = this.inLine(b, out, n);
          break;
        case S.Cr:
          if (b === LF) {
            out[n++] = CR;
            out[n++] = LF;
            this.state = S.LineStart;
            this.afterBareLf = false;
          } else {
            n = this.bareCr(out, n);
            n = this.inLine(b, out, n);
          }
          break;
        case S.Dot:
          if (b === CR) this.state = S.DotCr;
          else if (b === LF && this.policy === 'no') return this.finish(out, n, input, i + 1);
          else {
            // RFC 5321 §4.5.2: the leading dot of a longer line goes.
            this.state = S.InLine;
            n = this.inLine(b, out, n);
          }
          break;
        case S.DotCr:
          if (b === LF && (!this.afterBareLf || this.policy === 'no'))
            return this.finish(out, n, input, i + 1);
          if (b === LF) {
            // `<LF>.<CR><LF>`: an unstuffed empty line, never the end of data.
            out[n++] = CR;
            out[n++] = LF;
            this.state = S.LineStart;
            this.afterBareLf = false;
            break;
          }
          // `.` CR X: not the end; the dot goes (unstuffing), the CR is bare.
          n = this.bareCr(out, n);
          this.state = S.InLine;
          n = this.inLine(b, out, n);
          break;
      }
    }
    return {
      content: out.subarray(0, n),
      done: false,
      rest: new Uint8Array(0),
      bareNewline: this.bare,
    };
  }

  private inLine(b: number, out: Uint8Array, n: number): number {
    if (b === CR) {
      this.state = S.Cr;
      return n;
    }
    if (b === LF) {
      // A bare LF: normalized to CRLF (normalize, no) or noted for rejection.
      if (this.policy === 'reject') this.bare ??= 'lf';
      out[n++] = CR;
      out[n++] = LF;
      this.state = S.LineStart;
      this.afterBareLf = true;
      return n;
    }
    out[n++] = b;
    this.state = S.InLine;
    return n;
  }

  private bareCr(out: Uint8Array, n: number): number {
    if (this.policy === 'reject') this.bare ??= 'cr';
    out[n++] = CR;
    return n;
  }

  private finish(out: Uint8Array, n: number, input: Uint8Array, next: number): DataProgress {
    this.state = S.LineStart;
    return {
      content: out.subarray(0, n),
      done: true,
      rest: input.subarray(next),
      bareNewline: this.bare,
    };
  }
}

/** RFC 3030 §2: a BDAT chunk is exactly `size` octets, no stuffing, no end marker. */
export class ChunkReader {
  constructor(private remaining: number) {}

  get left(): number {
    return this.remaining;
  }

  /** Takes what belongs to the chunk; `rest` is what follows it. */
  push(input: Uint8Array): { content: Uint8Array; done: boolean; rest: Uint8Array } {
    const take = Math.min(this.remaining, input.length);
    this.remaining -= take;
    return {
      content: input.subarray(0, take),
      done: this.remaining === 0,
      rest: input.subarray(take),
    };
  }
}
