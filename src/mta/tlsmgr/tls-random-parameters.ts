import type { ParameterSet } from '../config/parameter-set.js';
import type { TlsmgrOptions } from './tlsmgr.js';

/** The main.cf part of tlsmgr's options (without the logger, clock and test hooks). */
export type TlsRandomParameters = Pick<
  TlsmgrOptions,
  | 'tlsRandomSource'
  | 'tlsRandomBytes'
  | 'tlsRandomReseedPeriod'
  | 'tlsRandomExchangeName'
  | 'tlsRandomUpdPeriod'
  | 'tlsDaemonRandomSource'
  | 'tlsDaemonRandomBytes'
>;

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
