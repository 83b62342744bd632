// The TLS randomness service, tlsmgr and the PRNG exchange file (postconf(5)
// tls_random_*, and the Postfix/TLS patch names the seed uses).
import { param, type ParameterDefinition } from '../parameter.js';
import { integer, string, time } from '../parameter-type.js';

const PATCH = 'Postfix/TLS patch';

export const tlsRandomParameters: readonly ParameterDefinition[] = [
  param(
    'tls_random_source',
    string,
    'dev:/dev/urandom',
    PATCH,
    'The entropy source tlsmgr seeds from: dev:device, egd:socket (need not exist at load time) or a plain file.',
  ),
  param(
    'tls_random_bytes',
    integer(1),
    '32',
    PATCH,
    'How many bytes are read from tls_random_source at each (re)seed (at most 255 from dev: and egd:).',
  ),
  param(
    'tls_random_reseed_period',
    time('s', 1),
    '3600s',
    PATCH,
    'The longest time between reseeds from tls_random_source (the time is chosen at random below it).',
  ),
  param(
    'tls_random_exchange_name',
    string,
    '${data_directory}/prng_exch',
    PATCH,
    'The PRNG exchange file that tlsmgr rewrites and the SMTP processes read (the patch had /etc/postfix/prng_exch).',
  ),
  param(
    'tls_random_upd_period',
    time('s', 1),
    '60s',
    `${PATCH} (renamed tls_random_prng_update_period in Postfix 2.2)`,
    "The patch's name of tls_random_prng_update_period; its setting applies when the new name is not set.",
  ),
  param(
    'tls_random_prng_update_period',
    time('s', 1),
    '3600s',
    'Postfix 2.2',
    'The longest time between rewrites of the PRNG exchange file (the time is chosen at random below it).',
    { previousName: 'tls_random_upd_period' },
  ),
  param(
    'tls_daemon_random_source',
    string,
    '',
    `${PATCH} (dropped in Postfix 2.2)`,
    'An extra entropy source each SMTP process reads at startup (empty: none, the exchange file only).',
  ),
  param(
    'tls_daemon_random_bytes',
    integer(1),
    '32',
    PATCH,
    'How many bytes each process reads from its entropy source at startup.',
  ),
];
