import { systemClock } from '../prng/index.js';
import type { Logger } from '../prng/index.js';
import { Tlsmgr } from '../mta/tlsmgr/tlsmgr.js';
import type { TlsRandomParameters } from '../mta/tlsmgr/tls-random-parameters.js';
import { tlsRandomParameters } from '../mta/tlsmgr/tls-random-parameters.js';
import { loadMainParameters, ParameterSet } from '../mta/config/index.js';
import { parseTime } from '../mta/config/time-value.js';
import { parseInteger } from '../mta/config/typed-value.js';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import type { ParsedArgs } from './args.js';
import { optionValue, parseArgs } from './args.js';

const USAGE = `usage: postern tlsmgr [-c CONFIG_DIR] [--exchange FILE] [--source SPEC]
       [--bytes N] [--reseed-period TIME] [--upd-period TIME]
       [--daemon-source SPEC] [--daemon-bytes N]

Runs the PRNG manager in the foreground until SIGTERM or SIGINT: seeds an
entropy pool from tls_random_source, rewrites the 1024-byte exchange file
tls_random_exchange_name after random times within tls_random_upd_period,
and reseeds after random times within tls_random_reseed_period.

-c reads CONFIG_DIR/main.cf with the parameter registry (Postfix 3.x
defaults); the other options override what it says:
  --exchange       tls_random_exchange_name   ($data_directory/prng_exch)
  --source         tls_random_source          (dev:/dev/urandom; dev:, egd: or a file)
  --bytes          tls_random_bytes           (32)
  --reseed-period  tls_random_reseed_period   (3600s; units s m h d w)
  --upd-period     tls_random_prng_update_period (3600s)
  --daemon-source  tls_daemon_random_source   (none)
  --daemon-bytes   tls_daemon_random_bytes    (32)
Without -c, --exchange is required.`;

const OPTIONS = [
  'c',
  'exchange',
  'source',
  'bytes',
  'reseed-period',
  'upd-period',
  'daemon-source',
  'daemon-bytes',
] as const;

function valueOf<T>(parsed: ParsedArgs, name: string, convert: (text: string) => T): T | undefined {
  const text = optionValue(parsed, name);
  if (text === undefined) return undefined;
  try {
    return convert(text);
  } catch (err) {
    throw new UsageError(`--${name}: ${(err as Error).message}`);
  }
}

// The registry's own parsers, so an option and its main.cf line accept the same values.
const parsePositiveInt = (text: string): number => parseInteger(text, 1);
const parseSeconds = (text: string): number => parseTime(text, 's');

/** main.cf (with -c) or the registry's defaults, then the command-line overrides. */
export function tlsmgrParameters(parsed: ParsedArgs): TlsRandomParameters {
  const dir = optionValue(parsed, 'c');
  const exchange = optionValue(parsed, 'exchange');
  if (dir === undefined && exchange === undefined)
    throw new UsageError('give -c CONFIG_DIR or --exchange FILE');
  const p = tlsRandomParameters(
    dir === undefined ? new ParameterSet(new Map()) : loadMainParameters(dir).main,
  );
  const same = (t: string): string => t;
  return {
    tlsRandomExchangeName: exchange ?? p.tlsRandomExchangeName,
    tlsRandomSource: valueOf(parsed, 'source', same) ?? p.tlsRandomSource,
    tlsRandomBytes: valueOf(parsed, 'bytes', parsePositiveInt) ?? p.tlsRandomBytes,
    tlsRandomReseedPeriod:
      valueOf(parsed, 'reseed-period', parseSeconds) ?? p.tlsRandomReseedPeriod,
    tlsRandomUpdPeriod: valueOf(parsed, 'upd-period', parseSeconds) ?? p.tlsRandomUpdPeriod,
    tlsDaemonRandomSource: valueOf(parsed, 'daemon-source', same) ?? p.tlsDaemonRandomSource,
    tlsDaemonRandomBytes:
      valueOf(parsed, 'daemon-bytes', parsePositiveInt) ?? p.tlsDaemonRandomBytes,
  };
}

function ioLogger(io: CommandIO): Logger {
  const line = (level: string, m: string): void =>
    void io.stderr.write(`postern/tlsmgr[${process.pid}]: ${level}${m}\n`);
  return { info: (m) => line('', m), warn: (m) => line('warning: ', m) };
}

/** Resolves on the first SIGTERM or SIGINT; `release` drops the handlers. */
function untilSignal(): { signal: Promise<string>; release(): void } {
  let on: (signal: NodeJS.Signals) => void = () => undefined;
  const release = (): void => {
    process.off('SIGTERM', on);
    process.off('SIGINT', on);
  };
  const signal = new Promise<string>((resolve) => {
    on = (s) => {
      release();
      resolve(s);
    };
  });
  process.on('SIGTERM', on);
  process.on('SIGINT', on);
  return { signal, release };
}

export const tlsmgrCommand: Command = {
  name: 'tlsmgr',
  summary: 'run the PRNG manager (exchange file, reseeding) in the foreground',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(args, { options: OPTIONS });
    if (parsed.positional.length > 0)
      throw new UsageError(`unexpected argument ${parsed.positional[0]}`);
    const params = tlsmgrParameters(parsed);
    const logger = ioLogger(io);
    const tlsmgr = new Tlsmgr({ ...params, logger, clock: systemClock });
    const stopped = untilSignal();
    try {
      await tlsmgr.start();
    } catch (err) {
      stopped.release();
      throw err;
    }
    logger.info(
      `started: exchange file ${params.tlsRandomExchangeName}, source ${params.tlsRandomSource || 'none'}, update period ${params.tlsRandomUpdPeriod}s, reseed period ${params.tlsRandomReseedPeriod}s`,
    );
    const signal = await stopped.signal;
    await tlsmgr.stop();
    logger.info(`stopped on ${signal} after ${tlsmgr.updates} exchange file writes`);
    return 0;
  },
};
