import type { ParameterSet } from '../config/parameter-set.js';

/** The typed tls_random_* values tlsmgr takes (TlsmgrOptions without the logger and clock). */
export interface TlsRandomParameters {
  tlsRandomSource: string;
  tlsRandomBytes: number;
  tlsRandomReseedPeriod: number;
  tlsRandomExchangeName: string;
  tlsRandomUpdPeriod: number;
  tlsDaemonRandomSource: string;
  tlsDaemonRandomBytes: number;
}

/**
 * The tlsmgr parameters from the registry, for the master's tlsmgr service
 * and `postern tlsmgr -c DIR` alike. tls_random_prng_update_period is read
 * by its Postfix 2.2 name; the registry applies the patch's older
 * tls_random_upd_period when only that one is set.
 */
export function tlsRandomParameters(p: ParameterSet): TlsRandomParameters {
  return {
    tlsRandomSource: p.string('tls_random_source'),
    tlsRandomBytes: p.int('tls_random_bytes'),
    tlsRandomReseedPeriod: p.time('tls_random_reseed_period'),
    tlsRandomExchangeName: p.string('tls_random_exchange_name'),
    tlsRandomUpdPeriod: p.time('tls_random_prng_update_period'),
    tlsDaemonRandomSource: p.string('tls_daemon_random_source'),
    tlsDaemonRandomBytes: p.int('tls_daemon_random_bytes'),
  };
}
