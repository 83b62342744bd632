import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';

/** The secrets of an NSS key log file (`LABEL client_random secret` lines), in lower-case hex. */
export function keyLogSecrets(file: string): string[] {
  return readFileSync(file, 'latin1')
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    .filter((f) => f.length === 3 && /SECRET/.test(f[0] ?? ''))
    .map((f) => (f[2] ?? '').toLowerCase());
}

const HEADER = /^(>>>|<<<) TLS 1\.[23] Handshake \[length ([0-9a-f]{4})\], (\w+)$/;
// The last byte of a row may end the line: the dumper trims trailing white
// space, which takes the hex column's final space with it when the row's
// ASCII column is all spaces (a short last row of 0x20 bytes).
const DUMP_LINE = /^([0-9a-f]{4}) {2}((?:[0-9a-f]{2}(?: |$)){1,16})/;

export interface TracedMessage {
  direction: '>>>' | '<<<';
  name: string;
  /** Every byte of the dump, in hex. */
  hex: string;
  text: string;
}

/**
 * Splits `-msg` output into its messages and checks that each is a
 * handshake message dumped whole: the dump starts at offset 0 with
 * msg_type and its bytes add up to the length in the header. Lines that
 * are neither headers nor dump lines (the peer's data, the session report)
 * are left out.
 */
export function tracedMessages(output: string): TracedMessage[] {
  const messages: TracedMessage[] = [];
  let current: (TracedMessage & { length: number }) | undefined;
  const close = (): void => {
    if (current === undefined) return;
    assert.equal(
      current.hex.length / 2,
      current.length,
      `${current.name}: dump bytes equal the header length`,
    );
    messages.push(current);
    current = undefined;
  };
  for (const line of output.split('\n')) {
    const h = HEADER.exec(line);
    if (h !== null) {
      close();
      current = {
        direction: h[1] as '>>>' | '<<<',
        name: h[3] as string,
        hex: '',
        text: '',
        length: parseInt(h[2] as string, 16),
      };
      continue;
    }
    const d = current !== undefined ? DUMP_LINE.exec(line) : null;
    if (
      current !== undefined &&
      d !== null &&
      parseInt(d[1] as string, 16) === current.hex.length / 2
    ) {
      if (current.hex === '')
        assert.match(line, /msg_type: /, `${current.name}: the dump opens with msg_type`);
      current.hex += (d[2] as string).replace(/ /g, '');
      current.text += line + '\n';
      continue;
    }
    close();
  }
  close();
  return messages;
}

/** No secret of the key log appears in the output, neither as printed hex nor inside a dump. */
export function assertNoSecrets(output: string, secrets: readonly string[]): void {
  assert.ok(
    secrets.length >= 4,
    `the key log holds the handshake and traffic secrets (${secrets.length})`,
  );
  const dumped = tracedMessages(output)
    .map((m) => m.hex)
    .join('');
  const flat = output.toLowerCase().replace(/[^0-9a-f]/g, '');
  for (const s of secrets) {
    assert.ok(!dumped.includes(s), 'a secret in a dump');
    assert.ok(!flat.includes(s), 'a secret in the output');
  }
}
