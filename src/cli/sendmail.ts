import { createSystemRandom } from '../prng/index.js';
import {
  DEFAULT_CONFIG_DIRECTORY,
  loadMainParameters,
  type ParameterSet,
} from '../mta/config/index.js';
import { MailQueue } from '../mta/queue/index.js';
import { smtpdServerOptions } from '../mta/smtpd/smtpd-service.js';
import { openTable } from '../mta/tables/open.js';
import type { Table } from '../mta/tables/table.js';
import type { SaslContext } from '../smtp/sasl/backend.js';
import { SessionDriver } from '../smtp/node/driver.js';
import type { SmtpServerOptions } from '../smtp/node/server.js';
import { SmtpServerSession } from '../smtp/server/session.js';
import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { optionValue, parseArgs } from './args.js';

const USAGE = `usage: postern sendmail -bs [-C CONFIG_DIR]

Speaks SMTP on standard input and output (sendmail -bs), through the same
session, restrictions and durable queue as smtpd, never offering STARTTLS
(DESIGN.md). The configuration is CONFIG_DIR/main.cf (default $MAIL_CONFIG,
else /etc/postfix); accepted mail goes into queue_directory's incoming/ queue,
where postern start's queue manager picks it up. Log lines go to standard
error. Only -bs is implemented; other sendmail modes are refused.`;

/** Flags Postfix's sendmail accepts and ignores in -bs mode (-i, -oi, -odi…). */
const IGNORED = ['i', 'oi', 'odi', 'odb', 'odq', 'om', 'v'];
/** Modes postern's sendmail lacks: recognised, so the refusal can say why. */
const OTHER_MODES = ['t', 'bm', 'bp', 'bv', 'q'];

/** A local submission: Postfix's sendmail -bs runs smtpd for a client on this host. */
const LOCAL_CLIENT = { address: '127.0.0.1', port: 0, name: 'localhost' };

function tableOpener(directory: string, log: (line: string) => void): (spec: string) => Table {
  const cache = new Map<string, Table>();
  return (spec) => {
    const t =
      cache.get(spec) ??
      openTable(spec, { baseDirectory: directory, warn: (w: string) => log(`warning: ${w}`) });
    cache.set(spec, t);
    return t;
  };
}

async function serverOptions(
  directory: string,
  p: ParameterSet,
  log: (line: string) => void,
): Promise<SmtpServerOptions> {
  const random = createSystemRandom();
  const queue = await MailQueue.open(p.string('queue_directory'), { random });
  // The queue manager scans incoming/ on its own (queue-manager.ts incomingPollMs): no wake-up to send.
  return smtpdServerOptions({
    params: p,
    queue,
    random,
    openTable: tableOpener(directory, log),
    log,
    queued: () => undefined,
    neverOfferTls: true,
  });
}

function speak(o: SmtpServerOptions, io: CommandIO): Promise<number> {
  const sasl = o.sasl;
  const smtpd = {
    ...o.smtpd,
    ...(sasl !== undefined ? { saslMechanisms: (c: SaslContext) => sasl.mechanisms(c) } : {}),
  };
  const session = new SmtpServerSession(smtpd, LOCAL_CLIENT);
  return new Promise<number>((resolve) => {
    const driver = new SessionDriver(
      session,
      {
        write: (b) => io.stdout.write(b),
        close: () => void driver.settled().then(() => resolve(0)),
      },
      {
        delivery: o.delivery,
        logger: o.logger,
        ...(o.policy !== undefined ? { policy: o.policy } : {}),
        ...(o.sasl !== undefined ? { sasl: o.sasl } : {}),
        smtpdTimeout: 0,
      },
    );
    io.stdin.on('data', (d: Buffer | string) =>
      driver.receive(new Uint8Array(typeof d === 'string' ? Buffer.from(d, 'latin1') : d)),
    );
    io.stdin.on('end', () => driver.end());
    driver.start();
  });
}

export const sendmailCommand: Command = {
  name: 'sendmail',
  summary: 'SMTP on standard input and output into the queue (sendmail -bs)',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(args, { flags: ['bs', ...IGNORED, ...OTHER_MODES], options: ['C'] });
    if (!parsed.flags.has('bs'))
      throw new UsageError('only -bs (SMTP on standard input) is implemented');
    if (parsed.positional.length > 0)
      throw new UsageError(
        'recipients on the command line (sendmail without -bs) are not supported yet: use -bs',
      );
    const directory =
      optionValue(parsed, 'C') ?? process.env['MAIL_CONFIG'] ?? DEFAULT_CONFIG_DIRECTORY;
    const log = (line: string): void => void io.stderr.write(`postern/sendmail: ${line}\n`);
    const { main, warnings } = loadMainParameters(directory);
    for (const w of warnings) log(`warning: ${w.message}`);
    return speak(await serverOptions(directory, main, log), io);
  },
};
