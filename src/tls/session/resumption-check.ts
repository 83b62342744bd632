import { suiteByCode } from '../registry/suites.js';
import type { SessionState } from './state.js';
import { sessionExpiresAt } from './state.js';

/** What the connection being made asks of a session before it may be resumed. */
export interface ResumptionRequest {
  readonly version: 'TLSv1.2' | 'TLSv1.3';
  /** The suites this connection could use: offered by the client and allowed by our configuration. */
  readonly suites: readonly number[];
  /** The server_name of this connection. */
  readonly serverName: string | undefined;
  /** When set, only a session whose peer was verified against exactly this name or policy will do. */
  readonly requireVerified?: string;
  /** TLS 1.2 server side: whether this ClientHello offers extended_master_secret. */
  readonly extendedMasterSecret?: boolean;
}

export type ResumptionVerdict =
  | { readonly resume: true }
  /** Go on with a full handshake, or, when `abort` is set, end the handshake with that alert. */
  | { readonly resume: false; readonly reason: string; readonly abort?: 'handshake_failure' };

function refuse(reason: string): ResumptionVerdict {
  return { resume: false, reason };
}

/** DNS names compare case-insensitively (RFC 4343); absent equals absent only. */
function sameName(a: string | undefined, b: string | undefined): boolean {
  return a === undefined || b === undefined ? a === b : a.toLowerCase() === b.toLowerCase();
}

/** Whether `state` may be resumed by the connection described in `want` at `now` (milliseconds). */
export function checkResumption(
  state: SessionState,
  want: ResumptionRequest,
  now: number,
): ResumptionVerdict {
  if (now >= sessionExpiresAt(state)) return refuse('session expired');
  if (state.version !== want.version)
    return refuse(`session is ${state.version}, connection ${want.version}`);
  const original = suiteByCode(state.suite);
  if (original === undefined) return refuse('session suite unknown');
  if (original.version === 'TLSv1.3') {
    // RFC 8446 §4.2.11: a PSK is used only with a suite of the same hash.
    const usable = want.suites.some((code) => {
      const s = suiteByCode(code);
      return s?.version === 'TLSv1.3' && s.hash === original.hash;
    });
    if (!usable) return refuse(`no offered suite uses ${original.hash}, the hash of the session`);
  } else if (!want.suites.includes(state.suite)) {
    // RFC 5246 §7.4.1.2: the resumed session keeps its cipher suite, which the client must offer again.
    return refuse(`session suite ${original.name} is not offered`);
  }
  // RFC 6066 §3: a server MUST NOT resume a session made for a different server_name.
  if (!sameName(state.serverName, want.serverName))
    return refuse('session made for another server name');
  // RFC 8446 §4.6.1 (the identity is bound to the session; Postfix keys sessions by security level): an unverified session never stands in for a verified one.
  if (
    want.requireVerified !== undefined &&
    (!state.peerVerified || !sameName(state.verifiedName, want.requireVerified))
  ) {
    return refuse(`peer not verified as ${want.requireVerified} in the session`);
  }
  if (state.version === 'TLSv1.2' && want.extendedMasterSecret !== undefined) {
    // RFC 7627 §5.3: EMS session without EMS now: abort; EMS offered for a session without it: full handshake.
    if (state.extendedMasterSecret && !want.extendedMasterSecret)
      return {
        resume: false,
        reason: 'session used extended_master_secret, ClientHello lacks it',
        abort: 'handshake_failure',
      };
    // A session without EMS is not resumed at all (RFC 7627 §5.3 says SHOULD abort when neither side has it; a full handshake is kinder to legacy peers).
    if (!state.extendedMasterSecret) return refuse('session made without extended_master_secret');
  }
  return { resume: true };
}
