// Command lines: bytes up to LF, however they are split across reads, in
// time linear in the input (each byte is scanned once, DESIGN.md).

/** A complete command line, its terminator removed. */
export interface Line {
  readonly kind: 'line';
  readonly bytes: Uint8Array;
  /** The line ended in LF without CR (smtpd_forbid_bare_newline). */
  readonly bareLf: boolean;
  /** The line holds a CR not followed by LF. */
  readonly bareCr: boolean;
  /** More bytes were already buffered after this line (the client pipelined). */
  readonly followed: boolean;
}

/** A line longer than the limit; its bytes were dropped up to the next LF. */
export interface OverlongLine {
  readonly kind: 'overlong';
  readonly followed: boolean;
}

const LF = 0x0a;
const CR = 0x0d;

/**
 * Splits buffered input into lines. `limit` is Postfix's line_length_limit
 * (2048 by default); a longer line is reported as `overlong` once its LF
 * arrives and its bytes are not kept meanwhile, so memory stays bounded.
 */
export class LineSplitter {
  private chunks: Uint8Array[] = [];
  /** Offset of the first unread byte in chunks[0]. */
  private head = 0;
  /** Bytes of the current line already scanned without finding LF (across chunks). */
  private scanned = 0;
  /** Where scanning resumes: chunks before this index hold no LF of the current line. */
  private scanChunk = 0;
  private total = 0;
  private discarding = false;

  constructor(private readonly limit: number) {}

  push(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    this.chunks.push(bytes);
    this.total += bytes.length;
  }

  /** Bytes buffered and not yet returned. */
  get buffered(): number {
    return this.total;
  }

  /** The next line, or undefined until its LF arrives. */
  next(): Line | OverlongLine | undefined {
    for (;;) {
      const found = this.findLf();
      if (found === undefined) {
        this.dropIfOverlong();
        return undefined;
      }
      const line = this.cut(found);
      const followed = this.buffered > 0;
      if (this.discarding || line.length > this.limit) {
        this.discarding = false;
        return { kind: 'overlong', followed };
      }
      return lineOf(line, followed);
    }
  }

  /** Everything buffered, removed from the splitter (for DATA, BDAT, or to discard it after STARTTLS). */
  takeRest(): Uint8Array[] {
    const first = this.chunks[0];
    const rest = first === undefined ? [] : [first.subarray(this.head), ...this.chunks.slice(1)];
    this.reset();
    return rest.filter((c) => c.length > 0);
  }

  /** Puts bytes back in front (what followed the end of DATA or a BDAT chunk). */
  unshift(bytes: Uint8Array): void {
    if (bytes.length === 0) return;
    const first = this.chunks[0];
    if (first !== undefined) this.chunks[0] = first.subarray(this.head);
    this.chunks.unshift(bytes);
    this.head = 0;
    this.scanned = 0;
    this.scanChunk = 0;
    this.total += bytes.length;
  }

  private reset(): void {
    this.chunks = [];
    this.head = 0;
    this.scanned = 0;
    this.scanChunk = 0;
    this.total = 0;
  }

  /** Where the next LF is, as [chunk index, offset]; chunks scanned by an earlier call are not scanned again. */
  private findLf(): [number, number] | undefined {
    for (let i = this.scanChunk; i < this.chunks.length; i++) {
      const c = this.chunks[i] as Uint8Array;
      const start = i === 0 ? this.head : 0;
      const at = c.indexOf(LF, start);
      if (at >= 0) return [i, at];
      this.scanned += c.length - start;
      this.scanChunk = i + 1;
    }
    return undefined;
  }

  /** Removes the line ending at [i, at] (LF included) and returns it without the LF. */
  private cut([i, at]: [number, number]): Uint8Array {
    const parts: Uint8Array[] = [];
    for (let k = 0; k < i; k++)
      parts.push(
        k === 0
          ? (this.chunks[k] as Uint8Array).subarray(this.head)
          : (this.chunks[k] as Uint8Array),
      );
    const last = this.chunks[i] as Uint8Array;
    parts.push(last.subarray(i === 0 ? this.head : 0, at));
    for (const p of parts) this.total -= p.length;
    this.total -= 1;
    this.chunks = i === 0 ? this.chunks : this.chunks.slice(i);
    this.head = at + 1;
    if (this.head >= last.length) {
      this.chunks.shift();
      this.head = 0;
    }
    this.scanned = 0;
    this.scanChunk = 0;
    return parts.length === 1 ? (parts[0] as Uint8Array) : concat(parts);
  }

  /** An unterminated line past the limit: its bytes go, and the line is reported as overlong when it ends. */
  private dropIfOverlong(): void {
    if (this.scanned <= this.limit) return;
    this.discarding = true;
    this.reset();
  }
}

function lineOf(raw: Uint8Array, followed: boolean): Line {
  const crlf = raw.length > 0 && raw[raw.length - 1] === CR;
  const bytes = crlf ? raw.subarray(0, raw.length - 1) : raw;
  return { kind: 'line', bytes, bareLf: !crlf, bareCr: bytes.includes(CR), followed };
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  let n = 0;
  for (const p of parts) n += p.length;
  const out = new Uint8Array(n);
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
