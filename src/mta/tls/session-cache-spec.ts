import { MemorySessionStore, SessionError } from '../../tls/index.js';
import type { MemoryStoreOptions, SessionStore } from '../../tls/index.js';
import type { RedisAddress, RedisStoreOptions } from '../../tls/session/stores/redis.js';
import type { SqliteStoreOptions } from '../../tls/session/stores/sqlite.js';

/** A `*_session_cache_database` value, parsed. */
export type SessionCacheSpec =
  | { kind: 'memory' }
  /** `type` is the Postfix database type written; all three are served by the SQLite store. */
  | { kind: 'sqlite'; type: 'btree' | 'lmdb' | 'sdbm'; path: string }
  | { kind: 'redis'; address: RedisAddress };

const ON_DISK = ['btree', 'lmdb', 'sdbm'] as const;

function bad(spec: string, why: string): SessionError {
  return new SessionError(
    'bad_spec',
    `unsupported session cache database "${spec}": ${why} (use btree:PATH, lmdb:PATH, sdbm:PATH, redis:HOST:PORT or redis://...)`,
  );
}

function parsePort(spec: string, text: string): number {
  if (!/^\d{1,5}$/.test(text)) throw bad(spec, `"${text}" is not a port number`);
  const port = Number(text);
  if (port < 1 || port > 65535) throw bad(spec, `port ${port} is outside 1..65535`);
  return port;
}

/** `redis:HOST:PORT`, with an IPv6 host in brackets (`redis:[::1]:6379`). */
function parseRedisHostPort(spec: string, rest: string): RedisAddress {
  const m = /^\[([^\]]+)\]:([^:]+)$/.exec(rest) ?? /^([^:[\]]+):([^:]+)$/.exec(rest);
  if (m === null) throw bad(spec, 'expected redis:HOST:PORT');
  return { host: m[1] as string, port: parsePort(spec, m[2] as string) };
}

/**
 * Parses a `*_session_cache_database` value. Empty or absent: the in-memory
 * cache. `btree:`, `lmdb:` and `sdbm:` name the on-disk cache (DESIGN.md:
 * `sdbm:` of old configurations is accepted and served by the embedded
 * database); `redis:HOST:PORT` and `redis://` URLs the shared one. Anything
 * else is SessionError('bad_spec') naming the value.
 */
export function parseSessionCacheSpec(spec: string | undefined): SessionCacheSpec {
  if (spec === undefined || spec.trim() === '') return { kind: 'memory' };
  const value = spec.trim();
  if (value.startsWith('redis://')) {
    let url: URL;
    try {
      url = new URL(value);
    } catch (e) {
      throw new SessionError(
        'bad_spec',
        `unsupported session cache database "${spec}": not a URL`,
        { cause: e },
      );
    }
    if (url.hostname === '') throw bad(spec, 'the URL names no host');
    if (url.port !== '') parsePort(spec, url.port);
    return { kind: 'redis', address: { url: value } };
  }
  const colon = value.indexOf(':');
  if (colon <= 0) throw bad(spec, 'no database type');
  const type = value.slice(0, colon);
  const rest = value.slice(colon + 1);
  if (type === 'redis') return { kind: 'redis', address: parseRedisHostPort(spec, rest) };
  const onDisk = ON_DISK.find((t) => t === type);
  if (onDisk === undefined) throw bad(spec, `database type "${type}" is not supported`);
  if (rest === '') throw bad(spec, 'no file name');
  return { kind: 'sqlite', type: onDisk, path: rest };
}

export interface OpenStoreOptions {
  memory?: MemoryStoreOptions;
  sqlite?: SqliteStoreOptions;
  redis?: RedisStoreOptions;
}

/** Opens the cache a `*_session_cache_database` value names (see `parseSessionCacheSpec`). */
export async function openSessionStore(
  spec: string | undefined,
  options: OpenStoreOptions = {},
): Promise<SessionStore> {
  const parsed = parseSessionCacheSpec(spec);
  switch (parsed.kind) {
    case 'memory':
      return new MemorySessionStore(options.memory);
    // Loaded only when a cache names them: better-sqlite3 and ioredis are optional for everyone else.
    case 'sqlite': {
      const { SqliteSessionStore } = await import('../../tls/session/stores/sqlite.js');
      return SqliteSessionStore.open(parsed.path, options.sqlite);
    }
    case 'redis': {
      const { RedisSessionStore } = await import('../../tls/session/stores/redis.js');
      return RedisSessionStore.open(parsed.address, options.redis);
    }
  }
}
