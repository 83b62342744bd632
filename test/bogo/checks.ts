// The -expect-* checks BoringSSL's shim makes once the handshake is done
// (bssl_shim.cc CheckHandshakeProperties), on postern's SessionInfo.
import type { SessionInfo } from '../../src/tls/index.js';
import { loadCertificates } from '../../src/x509/index.js';
import type { ConnectionFlags } from './flags.js';
import { wireVersion } from './tls-config.js';

/** A negotiated property differs from what the test expects. */
export class ShimCheckError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ShimCheckError';
  }
}

function hex(n: number | undefined): string {
  return n === undefined ? 'none' : `0x${n.toString(16).padStart(4, '0')}`;
}

function expectEqual(
  what: string,
  got: number | string | undefined,
  want: number | string | undefined,
): void {
  if (got === want) return;
  const show = (v: number | string | undefined): string =>
    typeof v === 'number' ? hex(v) : v === undefined ? 'none' : JSON.stringify(v);
  throw new ShimCheckError(`${what}: got ${show(got)}, want ${show(want)}`);
}

function checkPeerCertificate(f: ConnectionFlags, info: SessionInfo): void {
  if (f.expectPeerCertFile === undefined) return;
  const want = loadCertificates(f.expectPeerCertFile);
  const got = info.peerCertificates;
  const same =
    want.length === got.length &&
    want.every((c, i) => Buffer.from(c.der).equals(Buffer.from(got[i]?.der ?? [])));
  if (!same)
    throw new ShimCheckError(`peer certificate chain differs from ${f.expectPeerCertFile}`);
}

/**
 * What BoringSSL keeps in its SSL_SESSION and reports again on a resumption
 * that does not renegotiate it (SSL_get_peer_signature_algorithm,
 * SSL_get_curve_id on TLS 1.2 resumption); postern's SessionInfo leaves them
 * out when the resumed handshake has none.
 */
export interface Remembered {
  peerSignatureScheme?: number;
  group?: number;
}

function withRemembered(info: SessionInfo, remembered: Remembered): SessionInfo {
  if (!info.resumed) return info;
  return {
    ...info,
    peerSignatureScheme: info.peerSignatureScheme ?? remembered.peerSignatureScheme,
    group: info.group ?? remembered.group,
  };
}

/** Throws ShimCheckError when the handshake agreed on something the flags rule out. */
export function checkHandshake(
  f: ConnectionFlags,
  reported: SessionInfo,
  isResume: boolean,
  remembered: Remembered = {},
): void {
  const info = withRemembered(reported, remembered);
  if (f.expectVersion !== undefined)
    expectEqual('version', wireVersion(info.protocol), f.expectVersion);
  const expectResume = isResume && !f.expectSessionMiss;
  if (info.resumed !== expectResume)
    throw new ShimCheckError(`session unexpectedly was${info.resumed ? '' : ' not'} reused`);
  if (f.expectCipher !== undefined) expectEqual('cipher', info.cipher.code, f.expectCipher);
  if (f.expectCurveId !== undefined) expectEqual('curve', info.group, f.expectCurveId);
  if (f.expectHrr && !info.helloRetry) throw new ShimCheckError('expected a HelloRetryRequest');
  if (f.expectNoHrr && info.helloRetry) throw new ShimCheckError('unexpected HelloRetryRequest');
  if (f.expectPeerSignatureAlgorithm !== undefined)
    expectEqual(
      'peer signature algorithm',
      info.peerSignatureScheme,
      f.expectPeerSignatureAlgorithm,
    );
  // The server must report what it selected, the client what the test expects (empty when none).
  const wantAlpn = f.server ? (f.declineAlpn ? '' : (f.selectAlpn ?? '')) : (f.expectAlpn ?? '');
  expectEqual('ALPN protocol', info.alpnProtocol ?? '', wantAlpn);
  if (f.expectServerName !== undefined)
    expectEqual('server name', info.serverName, f.expectServerName);
  if (
    f.expectExtendedMasterSecret &&
    info.protocol === 'TLSv1.2' &&
    info.extendedMasterSecret !== true
  ) {
    throw new ShimCheckError('extended master secret was not negotiated');
  }
  checkPeerCertificate(f, info);
  // BoringSSL's SSL_get_verify_result is X509_V_OK unless a chain was refused (also with no peer certificate, and on resumption).
  if (f.expectVerifyResult && info.verification !== undefined && !info.verification.ok) {
    throw new ShimCheckError(`the peer certificate did not verify: ${info.verification.reason}`);
  }
}

/** After the exchange (bssl_shim.cc DoExchange): a TLS 1.3 client gets a ticket unless the test says none comes. */
export function checkSessions(f: ConnectionFlags, info: SessionInfo, gotSession: boolean): void {
  if (f.server) return;
  if (f.expectNoSession && gotSession)
    throw new ShimCheckError('a session was established, but the test expects none');
  const expectTicket = info.protocol === 'TLSv1.3' && !f.expectNoSession && !f.shimShutsDown;
  if (expectTicket && !gotSession)
    throw new ShimCheckError('no TLS 1.3 session ticket was received');
}
