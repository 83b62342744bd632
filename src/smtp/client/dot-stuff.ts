// DATA content for the wire (RFC 5321 §4.5.2): a dot at the start of a line
// is doubled, lines end in CRLF (a bare LF becomes CRLF, RFC 5321 §2.3.8), and
// the content ends with CRLF before the `.` line.

const CR = 0x0d;
const LF = 0x0a;
const DOT = 0x2e;

/** The stuffed content followed by `.` CRLF, in one pass. */
export function dotStuff(content: Uint8Array): Uint8Array {
  // Worst case: every byte a dot at a line start or a bare LF, plus the terminator.
  const out = new Uint8Array(content.length * 2 + 5);
  let n = 0;
  let lineStart = true;
  for (let i = 0; i < content.length; i++) {
    const b = content[i] as number;
    if (lineStart && b === DOT) out[n++] = DOT;
    if (b === LF && (i === 0 || content[i - 1] !== CR)) out[n++] = CR;
    out[n++] = b;
    lineStart = b === LF;
  }
  if (!lineStart) {
    out[n++] = CR;
    out[n++] = LF;
  }
  out[n++] = DOT;
  out[n++] = CR;
  out[n++] = LF;
  return out.subarray(0, n);
}

/** Content with CRLF line ends for BDAT, which has no stuffing (RFC 3030 §2). */
export function crlfLines(content: Uint8Array): Uint8Array {
  const out = new Uint8Array(content.length * 2 + 2);
  let n = 0;
  for (let i = 0; i < content.length; i++) {
    const b = content[i] as number;
    if (b === LF && (i === 0 || content[i - 1] !== CR)) out[n++] = CR;
    out[n++] = b;
  }
  if (n > 0 && out[n - 1] !== LF) {
    out[n++] = CR;
    out[n++] = LF;
  }
  return out.subarray(0, n);
}

/** RFC 6152: content with any octet above 127 needs BODY=8BITMIME. */
export function has8bit(content: Uint8Array): boolean {
  for (let i = 0; i < content.length; i++) if ((content[i] as number) > 0x7f) return true;
  return false;
}
