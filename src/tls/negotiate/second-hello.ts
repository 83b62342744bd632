import { TlsAlert } from '../error/tls-alert.js';
import type { Extension } from '../codec/extensions.js';
import { encodeExtension, findExtension } from '../codec/extensions.js';
import type { ClientHello } from '../codec/messages.js';
import { ExtensionType } from '../registry/constants.js';
import { equalBytes } from '../wire/bytes.js';
import { Writer } from '../wire/writer.js';

/**
 * RFC 8446 §4.1.2: after a HelloRetryRequest the client "MUST send the same
 * ClientHello without modification, except": key_share (one share, of the
 * group asked for), early_data (removed), cookie (echoed), pre_shared_key
 * (new ages and binders, identities of another hash dropped) and padding.
 * Everything else is compared, extension by extension.
 */
const MAY_CHANGE: ReadonlySet<number> = new Set([
  ExtensionType.key_share,
  ExtensionType.early_data,
  ExtensionType.cookie,
  ExtensionType.pre_shared_key,
  ExtensionType.padding,
]);

function encoded(e: Extension): Uint8Array {
  const w = new Writer();
  encodeExtension(w, e);
  return w.finish();
}

function fixedExtensions(ch: ClientHello): Map<number, Uint8Array> {
  return new Map(
    ch.extensions.filter((e) => !MAY_CHANGE.has(e.type)).map((e) => [e.type, encoded(e)]),
  );
}

/**
 * RFC 8446 §4.1.2 updates pre_shared_key "if present": one may not appear
 * in the second ClientHello. It may disappear: the client removes "any PSKs
 * which are incompatible with the server's indicated cipher suite", which
 * can be all of them (our client does so when the retry suite's hash differs).
 */
function noPskAdded(first: ClientHello, second: ClientHello): boolean {
  return (
    findExtension(first.extensions, 'pre_shared_key_client_hello') !== undefined ||
    findExtension(second.extensions, 'pre_shared_key_client_hello') === undefined
  );
}

function sameFixedExtensions(first: ClientHello, second: ClientHello): boolean {
  const a = fixedExtensions(first);
  const b = fixedExtensions(second);
  if (a.size !== b.size) return false;
  for (const [type, body] of a) if (!equalBytes(body, b.get(type))) return false;
  return true;
}

function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((x, i) => x === b[i]);
}

/** What the second ClientHello must repeat, and the share and cookie it must carry; illegal_parameter otherwise. */
export function checkSecondClientHello(
  first: ClientHello,
  second: ClientHello,
  want: { group: number; cookie: Uint8Array },
): Uint8Array {
  const cookie = findExtension(second.extensions, 'cookie');
  if (cookie === undefined || !equalBytes(cookie.cookie, want.cookie))
    throw TlsAlert.because(
      'retry_cookie_not_echoed',
      'second ClientHello does not echo the cookie',
    );
  const unchanged =
    second.legacyVersion === first.legacyVersion &&
    equalBytes(second.random, first.random) &&
    equalBytes(second.legacySessionId, first.legacySessionId) &&
    sameNumbers(second.cipherSuites, first.cipherSuites) &&
    sameNumbers(second.legacyCompressionMethods, first.legacyCompressionMethods) &&
    sameFixedExtensions(first, second) &&
    noPskAdded(first, second);
  if (!unchanged)
    throw TlsAlert.because(
      'retry_hello_changed',
      'second ClientHello differs from the first beyond what RFC 8446 §4.1.2 allows',
    );
  const shares = findExtension(second.extensions, 'key_share_client_hello');
  const share = shares?.shares.length === 1 ? shares.shares[0] : undefined;
  if (share === undefined || share.group !== want.group)
    throw TlsAlert.because(
      'retry_key_share_wrong',
      'second ClientHello does not carry exactly the requested key share',
    );
  return share.keyExchange;
}
