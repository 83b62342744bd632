import type { ClientHelloAnswer, ClientHelloQuestion } from '../engine/client-hello-question.js';
import type { ServerConfig } from '../policy/config.js';
import { SessionError } from '../session/errors.js';
import type { SessionState } from '../session/state.js';
import { decodeSessionState, encodeSessionState } from '../session/state.js';
import type { SessionStore } from '../session/store.js';
import type { ServerOptions } from './options.js';

/**
 * How a Node server answers the engine's ClientHello question
 * (engine/client-hello-question.ts) and keeps the sessions it makes:
 * certificates from `selectCertificates`, TLS 1.2 sessions in the store.
 */
export interface ServerAnswers {
  /** What the engine is to ask (ServerConfig.askCaller). */
  askCaller: NonNullable<ServerConfig['askCaller']>;
  answer(question: ClientHelloQuestion): Promise<ClientHelloAnswer>;
  /** A full TLS 1.2 handshake's session, stored under the ID the server gave it. */
  save(state: SessionState, id: Uint8Array): void;
}

/** The session stored under `id`; an entry of another format is a miss (a full handshake), and so is a store failure, reported. */
async function lookup(
  store: SessionStore,
  id: Uint8Array,
  storeFailed: (err: unknown) => void,
): Promise<SessionState | undefined> {
  let bytes: Uint8Array | undefined;
  try {
    bytes = await store.get(id);
  } catch (err) {
    storeFailed(err);
    return undefined;
  }
  if (bytes === undefined) return undefined;
  try {
    return decodeSessionState(bytes);
  } catch (e) {
    if (e instanceof SessionError) return undefined;
    throw e;
  }
}

/** Undefined when there is nothing to ask: no store (or the caller's own synchronous sessionCache) and no selectCertificates. */
export function serverAnswers(
  options: ServerOptions,
  storeFailed: (err: unknown) => void,
): ServerAnswers | undefined {
  const store = options.sessionStore;
  const select = options.selectCertificates;
  const askSession = store !== undefined && options.sessionCache === undefined;
  if (!askSession && select === undefined && store === undefined) return undefined;
  return {
    askCaller: { session: askSession, certificates: select !== undefined },
    async answer(question) {
      const [session, certificates] = await Promise.all([
        store !== undefined && askSession && question.sessionId.length > 0
          ? lookup(store, question.sessionId, storeFailed)
          : undefined,
        select === undefined ? undefined : select(question.serverName),
      ]);
      return {
        ...(session !== undefined ? { session } : {}),
        ...(certificates !== undefined ? { certificates } : {}),
      };
    },
    save(state, id) {
      if (store === undefined || state.lifetime <= 0) return;
      store.set(id, encodeSessionState(state), state.lifetime).catch(storeFailed);
    },
  };
}
