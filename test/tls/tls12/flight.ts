import { splitRecords } from '../../helpers/tls-pair.js';

/**
 * Rewrites the plaintext handshake messages of a flight (before any
 * ChangeCipherSpec): `edit` gets each message's type and body and returns
 * the new body, or undefined to drop the message. Other records pass as
 * they are, in order.
 */
export function editFlight(
  bytes: Uint8Array,
  edit: (type: number, body: Uint8Array) => Uint8Array | undefined,
): Uint8Array {
  const out: Uint8Array[] = [];
  let pending: Uint8Array[] = [];
  const flush = (): void => {
    if (pending.length === 0) return;
    const all = Buffer.concat(pending);
    pending = [];
    const messages: Uint8Array[] = [];
    for (let at = 0; at < all.length;) {
      const type = all[at] as number;
      const len =
        ((all[at + 1] as number) << 16) | ((all[at + 2] as number) << 8) | (all[at + 3] as number);
      const body = edit(type, all.subarray(at + 4, at + 4 + len));
      if (body !== undefined)
        messages.push(
          Buffer.concat([
            Uint8Array.of(type, body.length >> 16, (body.length >> 8) & 0xff, body.length & 0xff),
            body,
          ]),
        );
      at += 4 + len;
    }
    for (const m of messages) out.push(record(22, m));
  };
  let protectedFromHere = false;
  for (const r of splitRecords(bytes)) {
    if (r[0] === 22 && !protectedFromHere) pending.push(r.subarray(5));
    else {
      flush();
      if (r[0] === 20) protectedFromHere = true;
      out.push(r);
    }
  }
  flush();
  return Buffer.concat(out);
}

export function record(type: number, content: Uint8Array): Uint8Array {
  return Buffer.concat([
    Uint8Array.of(type, 3, 3, content.length >> 8, content.length & 0xff),
    content,
  ]);
}

export const CHANGE_CIPHER_SPEC = record(20, Uint8Array.of(1));
