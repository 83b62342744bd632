import type { Aead } from '../../crypto/aead.js';
import { createAead } from '../../crypto/aead.js';
import type { AesCbc } from '../../crypto/aes-cbc.js';
import { createAesCbc } from '../../crypto/aes-cbc.js';
import { constantTimeEqual } from '../../crypto/ct.js';
import { CryptoError } from '../../crypto/errors.js';
import type { Hmac } from '../../crypto/hmac.js';
import { createHmac } from '../../crypto/hmac.js';
import type { Random } from '../../prng/random.js';
import type { Tls12AeadCipher, Tls12CbcCipher, Tls12Suite } from '../registry/suites.js';
import type { OpenedRecord, RecordReader, RecordWriter } from './protection.js';
import { RecordProtectionError } from './protection.js';
import { MAX_CIPHERTEXT_LENGTH_TLS12, MAX_PLAINTEXT_LENGTH } from '../registry/record-limits.js';
import type { DirectionKeys } from '../keys/tls12-key-schedule.js';

export { RecordProtectionError };
export type { OpenedRecord };

/** As in TLS 1.3: the 64-bit sequence number must never wrap; we stop at 2^48, within a safe integer. */
const MAX_SEQUENCE = 2 ** 48;
const BLOCK = 16;

export interface Tls12ProtectionOptions {
  /** RFC 7366: both sides sent encrypt_then_mac and the suite is CBC. Ignored for AEAD suites. */
  encryptThenMac?: boolean;
}

const badMac = (): RecordProtectionError =>
  new RecordProtectionError('bad_record_mac', 'record authentication failed');

/** seq_num ‖ type ‖ version ‖ length: RFC 5246 §6.2.3.1 (MAC input) and §6.2.3.3 (additional_data). */
function pseudoHeader(
  out: Uint8Array,
  seq: number,
  type: number,
  v0: number,
  v1: number,
  length: number,
): Uint8Array {
  const hi = Math.floor(seq / 2 ** 32);
  out[0] = hi >>> 24;
  out[1] = (hi >>> 16) & 0xff;
  out[2] = (hi >>> 8) & 0xff;
  out[3] = hi & 0xff;
  out[4] = seq >>> 24;
  out[5] = (seq >>> 16) & 0xff;
  out[6] = (seq >>> 8) & 0xff;
  out[7] = seq & 0xff;
  out[8] = type;
  out[9] = v0;
  out[10] = v1;
  out[11] = length >>> 8;
  out[12] = length & 0xff;
  return out;
}

function recordWith(type: number, bodyLength: number): Uint8Array {
  const record = new Uint8Array(5 + bodyLength);
  record[0] = type;
  record[1] = 0x03;
  record[2] = 0x03;
  record[3] = bodyLength >>> 8;
  record[4] = bodyLength & 0xff;
  return record;
}

/** The record-layer work of one suite kind, under one direction's keys. */
interface Protection {
  seal(seq: number, type: number, content: Uint8Array): Uint8Array;
  open(seq: number, header: Uint8Array, fragment: Uint8Array): Uint8Array;
}

/**
 * AES-GCM, RFC 5288 §3: nonce = salt (the 4-byte fixed IV) ‖ explicit nonce,
 * which we set to the sequence number, sent in front of the ciphertext.
 * ChaCha20-Poly1305, RFC 7905 §2: nonce = the 12-byte fixed IV XOR the
 * left-padded sequence number, nothing explicit.
 */
class AeadProtection implements Protection {
  private readonly aead: Aead;
  private readonly iv: Uint8Array;
  private readonly explicit: number;
  private readonly nonce = new Uint8Array(12);
  private readonly aad = new Uint8Array(13);

  constructor(cipher: Tls12AeadCipher, keys: DirectionKeys) {
    if (keys.iv.length !== cipher.fixedIvLength)
      throw new CryptoError(
        'invalid_key',
        `${cipher.aead} needs a ${cipher.fixedIvLength}-byte fixed IV`,
      );
    this.aead = createAead(cipher.aead, keys.key);
    this.iv = Uint8Array.from(keys.iv);
    this.explicit = cipher.explicitNonceLength;
  }

  private nonceFor(seq: number): Uint8Array {
    pseudoHeader(this.aad, seq, 0, 0, 0, 0);
    const n = this.nonce;
    if (this.explicit > 0) {
      n.set(this.iv);
      n.set(this.aad.subarray(0, 8), 4);
    } else {
      for (let i = 0; i < 12; i++)
        n[i] = (this.iv[i] as number) ^ (i < 4 ? 0 : (this.aad[i - 4] as number));
    }
    return n;
  }

  seal(seq: number, type: number, content: Uint8Array): Uint8Array {
    const nonce = this.nonceFor(seq);
    const sealed = this.aead.seal(
      nonce,
      content,
      pseudoHeader(this.aad, seq, type, 3, 3, content.length),
    );
    const record = recordWith(type, this.explicit + sealed.length);
    record.set(nonce.subarray(4, 4 + this.explicit), 5);
    record.set(sealed, 5 + this.explicit);
    return record;
  }

  open(seq: number, header: Uint8Array, fragment: Uint8Array): Uint8Array {
    const plainLength = fragment.length - this.explicit - this.aead.tagLength;
    if (plainLength < 0) throw badMac();
    const nonce = this.nonceFor(seq);
    if (this.explicit > 0) nonce.set(fragment.subarray(0, this.explicit), 4);
    const aad = pseudoHeader(
      this.aad,
      seq,
      header[0] as number,
      header[1] as number,
      header[2] as number,
      plainLength,
    );
    try {
      return this.aead.open(nonce, fragment.subarray(this.explicit), aad);
    } catch (err) {
      if (err instanceof CryptoError) throw badMac();
      throw err;
    }
  }
}

/** -1 (all bits set) when a ≤ b, else 0, for 0 ≤ a, b < 2^31, without a branch. */
const ctLe = (a: number, b: number): number => ~((b - a) >> 31);
/** -1 when a = b, else 0, for 0 ≤ a, b < 2^31. */
const ctEq = (a: number, b: number): number => ((a ^ b) - 1) >> 31;

/** AES-CBC with HMAC, MAC-then-encrypt (RFC 5246 §6.2.3.2) or encrypt-then-MAC (RFC 7366 §3). */
class CbcProtection implements Protection {
  private readonly aes: AesCbc;
  private readonly mac: Hmac;
  private readonly macLength: number;
  /** The hash's block and length-field sizes, for counting compression-function calls. */
  private readonly hashBlockShift: number;
  private readonly hashLengthField: number;
  private readonly dummy: Uint8Array;
  private readonly header = new Uint8Array(13);

  constructor(
    cipher: Tls12CbcCipher,
    keys: DirectionKeys,
    private readonly encryptThenMac: boolean,
    private readonly random: Random | undefined,
  ) {
    if (keys.macKey.length !== cipher.macLength)
      throw new CryptoError(
        'invalid_key',
        `HMAC-${cipher.mac} key must be ${cipher.macLength} bytes`,
      );
    this.aes = createAesCbc(keys.key);
    this.mac = createHmac(cipher.mac, keys.macKey);
    this.macLength = cipher.macLength;
    // SHA-1 and SHA-256: 64-byte blocks, 8-byte length; SHA-384: 128 and 16 (FIPS 180-4 §5.1).
    this.hashBlockShift = cipher.mac === 'sha384' ? 7 : 6;
    this.hashLengthField = cipher.mac === 'sha384' ? 16 : 8;
    // Enough blocks to stand in for the most padding can hide: 256 bytes, plus one for the final block.
    this.dummy = new Uint8Array(((256 >> this.hashBlockShift) + 2) << this.hashBlockShift);
  }

  private macOf(
    seq: number,
    type: number,
    v0: number,
    v1: number,
    ...parts: Uint8Array[]
  ): Uint8Array {
    const length = parts.reduce((n, p) => n + p.length, 0);
    const h = this.mac.clone().update(pseudoHeader(this.header, seq, type, v0, v1, length));
    for (const p of parts) h.update(p);
    return h.digest();
  }

  seal(seq: number, type: number, content: Uint8Array): Uint8Array {
    if (this.random === undefined)
      throw new RecordProtectionError('internal_error', 'a CBC sealer needs a Random for its IVs');
    const inner = this.encryptThenMac ? content.length : content.length + this.macLength;
    // RFC 5246 §6.2.3.2: padding bytes, each holding the padding length, then that length.
    const padLength = BLOCK - 1 - (inner % BLOCK);
    const plain = new Uint8Array(inner + padLength + 1);
    plain.set(content);
    if (!this.encryptThenMac) plain.set(this.macOf(seq, type, 3, 3, content), content.length);
    plain.fill(padLength, inner);
    const iv = this.random.bytes(BLOCK);
    const encrypted = this.aes.encrypt(iv, plain);
    const tail = this.encryptThenMac ? this.macLength : 0;
    const record = recordWith(type, BLOCK + encrypted.length + tail);
    record.set(iv, 5);
    record.set(encrypted, 5 + BLOCK);
    // RFC 7366 §3: MAC(seq ‖ type ‖ version ‖ length of IV+ciphertext ‖ IV ‖ ciphertext).
    if (this.encryptThenMac)
      record.set(this.macOf(seq, type, 3, 3, iv, encrypted), 5 + BLOCK + encrypted.length);
    return record;
  }

  open(seq: number, header: Uint8Array, fragment: Uint8Array): Uint8Array {
    return this.encryptThenMac
      ? this.openEtm(seq, header, fragment)
      : this.openMte(seq, header, fragment);
  }

  /** RFC 7366 §3: the MAC is checked before anything is decrypted, so the padding check may exit early. */
  private openEtm(seq: number, header: Uint8Array, fragment: Uint8Array): Uint8Array {
    const cbcLength = fragment.length - this.macLength;
    if (cbcLength < 2 * BLOCK || cbcLength % BLOCK !== 0) throw badMac();
    const cbc = fragment.subarray(0, cbcLength);
    const expected = this.macOf(
      seq,
      header[0] as number,
      header[1] as number,
      header[2] as number,
      cbc,
    );
    if (!constantTimeEqual(expected, fragment.subarray(cbcLength))) throw badMac();
    const plain = this.aes.decrypt(cbc.subarray(0, BLOCK), cbc.subarray(BLOCK));
    const padLength = plain[plain.length - 1] as number;
    if (padLength + 1 > plain.length) throw badMac();
    for (let i = plain.length - 1 - padLength; i < plain.length; i++)
      if (plain[i] !== padLength) throw badMac();
    return plain.subarray(0, plain.length - 1 - padLength);
  }

  /**
   * MAC-then-encrypt, opened without a timing signal about the padding
   * (AlFardan and Paterson, "Lucky Thirteen: Breaking the TLS and DTLS Record
   * Protocols", IEEE S&P 2013). Only the fragment length, which is public,
   * decides early exits. After decryption, with the padding length p secret:
   *
   * 1. The padding is checked over the last 256 bytes (or all of them) with
   *    masks: the same loop for every p. A bad padding counts as p = 0 and
   *    makes the record fail at the end, after the same work (RFC 5246
   *    §6.2.3.2 and §7.2.2: one alert, bad_record_mac, for both).
   * 2. The HMAC runs over the n − p − 1 − macLength content bytes, which takes
   *    c = ⌈(13 + content + 1 + lengthField) / blockLength⌉ compression calls
   *    of the inner hash. Then as many dummy blocks as the longest possible
   *    content would have needed more are hashed, so every record of one
   *    length costs the same number of compression calls — the dummy-block
   *    countermeasure of the paper's §7 (as s2n does it), since noble gives
   *    no access to the compression function for the fixed-length method.
   * 3. The received MAC sits at a secret offset; it is gathered with masks
   *    from the whole window it can lie in, then rotated into place with
   *    masks, so no memory index depends on p.
   */
  private openMte(seq: number, header: Uint8Array, fragment: Uint8Array): Uint8Array {
    const macLength = this.macLength;
    if (fragment.length % BLOCK !== 0 || fragment.length < BLOCK + macLength + 1) throw badMac();
    const plain = this.aes.decrypt(fragment.subarray(0, BLOCK), fragment.subarray(BLOCK));
    const n = plain.length;

    const claimed = plain[n - 1] as number;
    let good = ctLe(claimed + 1 + macLength, n);
    const scan = Math.min(256, n);
    for (let i = 0; i < scan; i++) {
      const inPadding = ctLe(i, claimed);
      good &= ~inPadding | ctEq(plain[n - 1 - i] as number, claimed);
    }
    const padLength = claimed & good;
    const contentLength = n - padLength - 1 - macLength;

    const h = this.mac
      .clone()
      .update(
        pseudoHeader(
          this.header,
          seq,
          header[0] as number,
          header[1] as number,
          header[2] as number,
          contentLength,
        ),
      );
    h.update(plain.subarray(0, contentLength));
    const expected = h.digest();
    const extra = 13 + this.hashLengthField + (1 << this.hashBlockShift);
    const blocksNeeded = (contentLength + extra) >>> this.hashBlockShift;
    const mostBlocks = (n - 1 - macLength + extra) >>> this.hashBlockShift;
    this.mac
      .clone()
      .update(this.dummy.subarray(0, (mostBlocks - blocksNeeded) << this.hashBlockShift));

    const received = this.receivedMac(plain, contentLength);
    const macOk = constantTimeEqual(expected, received) ? -1 : 0;
    if ((good & macOk) === 0) throw badMac();
    return plain.subarray(0, contentLength);
  }

  /** The macLength bytes at the secret offset `macStart`, read without a secret-dependent index. */
  private receivedMac(plain: Uint8Array, macStart: number): Uint8Array {
    const macLength = this.macLength;
    const n = plain.length;
    const windowStart = Math.max(0, n - macLength - 256);
    const macEnd = macStart + macLength;
    const rotated = new Uint8Array(macLength);
    let rotation = 0;
    let slot = 0;
    for (let j = windowStart; j < n; j++) {
      const inMac = ctLe(macStart, j) & ~ctLe(macEnd, j);
      rotation |= slot & ctEq(j, macStart);
      rotated[slot] = (rotated[slot] as number) | ((plain[j] as number) & inMac);
      slot = slot + 1 === macLength ? 0 : slot + 1;
    }
    const out = new Uint8Array(macLength);
    for (let i = 0; i < macLength; i++) {
      let b = 0;
      const want = i + rotation;
      for (let k = 0; k < macLength; k++)
        b |= (rotated[k] as number) & (ctEq(k, want) | ctEq(k + macLength, want));
      out[i] = b;
    }
    return out;
  }
}

abstract class Direction {
  protected readonly protection: Protection;
  protected seq = 0;

  constructor(
    suite: Tls12Suite,
    keys: DirectionKeys,
    options: Tls12ProtectionOptions,
    random: Random | undefined,
  ) {
    const c = suite.cipher;
    this.protection =
      c.kind === 'aead'
        ? new AeadProtection(c, keys)
        : new CbcProtection(c, keys, options.encryptThenMac === true, random);
  }

  protected nextSequence(): number {
    if (this.seq >= MAX_SEQUENCE)
      throw new RecordProtectionError('internal_error', 'record sequence number exhausted');
    return this.seq++;
  }

  get sequence(): number {
    return this.seq;
  }
}

/** Protects outgoing TLS 1.2 records under one direction's keys; `random` supplies the CBC IVs. */
export class Tls12RecordSealer extends Direction implements RecordWriter {
  constructor(
    suite: Tls12Suite,
    keys: DirectionKeys,
    random: Random,
    options: Tls12ProtectionOptions = {},
  ) {
    super(suite, keys, options, random);
  }

  /** Returns the whole TLSCiphertext record, header included. */
  seal(contentType: number, content: Uint8Array): Uint8Array {
    if (content.length > MAX_PLAINTEXT_LENGTH)
      throw new RecordProtectionError(
        'internal_error',
        `record content of ${content.length} bytes exceeds 2^14`,
      );
    return this.protection.seal(this.nextSequence(), contentType, content);
  }
}

/** Removes protection from incoming TLS 1.2 records under one direction's keys. */
export class Tls12RecordOpener extends Direction implements RecordReader {
  readonly maxFragmentLength = MAX_CIPHERTEXT_LENGTH_TLS12;
  plaintextLimit = MAX_PLAINTEXT_LENGTH;

  constructor(suite: Tls12Suite, keys: DirectionKeys, options: Tls12ProtectionOptions = {}) {
    super(suite, keys, options, undefined);
  }

  /** The record as received; its type and version are authenticated. */
  open(type: number, version: number, fragment: Uint8Array): OpenedRecord {
    const header = Uint8Array.of(
      type,
      version >> 8,
      version & 0xff,
      fragment.length >> 8,
      fragment.length & 0xff,
    );
    if (fragment.length > MAX_CIPHERTEXT_LENGTH_TLS12)
      throw new RecordProtectionError(
        'record_overflow',
        `protected record of ${fragment.length} bytes exceeds 2^14 + 2048`,
      );
    const content = this.protection.open(this.nextSequence(), header, fragment);
    // RFC 5246 §6.2.1, and RFC 8449 §4 for a lower limit we advertised.
    if (content.length > Math.min(this.plaintextLimit, MAX_PLAINTEXT_LENGTH)) {
      throw new RecordProtectionError(
        'record_overflow',
        `record plaintext of ${content.length} bytes exceeds ${Math.min(this.plaintextLimit, MAX_PLAINTEXT_LENGTH)}`,
      );
    }
    return { contentType: header[0] as number, content };
  }
}
