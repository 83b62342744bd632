import { homedir, hostname } from 'node:os';
import { join } from 'node:path';
import { streamLogger } from '../smtp/node/logger.js';
import { MaildirDelivery } from '../smtp/node/maildir.js';
import { SessionDriver } from '../smtp/node/driver.js';
import { SmtpServerSession } from '../smtp/server/session.js';
import type { Command } from './command.js';
import { UsageError } from './command.js';
import { optionValue, parseArgs } from './args.js';

const USAGE = `usage: postern sendmail -bs [-C MAILDIR]

Speaks SMTP on standard input and output (sendmail -bs), through the same
session as the SMTP server, never offering STARTTLS (DESIGN.md). Until the
queue exists, accepted mail is written to a Maildir: -C MAILDIR, else
$POSTERN_MAILDIR, else ~/Maildir. Log lines go to standard error.
Only -bs is implemented; other sendmail modes are refused.`;

/** Flags Postfix's sendmail accepts and ignores in -bs mode (-i, -oi, -odi…). */
const IGNORED = ['i', 'oi', 'odi', 'odb', 'odq', 'om', 'v'];
/** Modes that need the queue: recognised, so the refusal can say why. */
const OTHER_MODES = ['t', 'bm', 'bp', 'bv', 'q'];

export const sendmailCommand: Command = {
  name: 'sendmail',
  summary: 'SMTP on standard input and output (sendmail -bs)',
  usage: USAGE,
  async run(args, io) {
    const parsed = parseArgs(args, { flags: ['bs', ...IGNORED, ...OTHER_MODES], options: ['C'] });
    if (!parsed.flags.has('bs')) throw new UsageError('only -bs (SMTP on standard input) is implemented');
    if (parsed.positional.length > 0) throw new UsageError('recipients on the command line (sendmail without -bs) are not supported yet: use -bs');
    const directory = optionValue(parsed, 'C') ?? process.env['POSTERN_MAILDIR'] ?? join(homedir(), 'Maildir');
    const myhostname = hostname();
    const session = new SmtpServerSession({ myhostname, neverOfferTls: true }, { address: '127.0.0.1', port: 0, name: 'localhost' });
    const delivery = new MaildirDelivery({ directory, myhostname, mailName: 'postern', tlsReceivedHeader: false, askCcert: false });
    return new Promise<number>((resolve) => {
      const driver = new SessionDriver(
        session,
        {
          write: (b) => io.stdout.write(b),
          close: () => void driver.settled().then(() => resolve(0)),
        },
        { delivery, logger: streamLogger(io.stderr, 'postern/sendmail'), smtpdTimeout: 0 },
      );
      io.stdin.on('data', (d: Buffer | string) => driver.receive(new Uint8Array(typeof d === 'string' ? Buffer.from(d, 'latin1') : d)));
      io.stdin.on('end', () => {
        driver.end();
      });
      driver.start();
    });
  },
};
