// Shared pieces of the SmtpTransport tests: receivers (postern's own smtpd
// on 127.0.0.1), certificates made with openssl, queued messages.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { MemoryDelivery } from '../../../src/smtp/node/delivery.js';
import { MemoryLogger } from '../../../src/smtp/node/logger.js';
import { SmtpServer } from '../../../src/smtp/node/server.js';
import type { SmtpdOptions } from '../../../src/smtp/server/options.js';
import type { CertifiedKey } from '../../../src/tls/index.js';
import type { ServerOptions } from '../../../src/tls/index.js';
import { loadCertificateAndKey } from '../../../src/x509/load.js';
import { keyringTiming, TicketKeyring } from '../../../src/tls/session/ticket-keys.js';
import type { QueuedMessage } from '../../../src/mta/queue/index.js';
import type { Table } from '../../../src/mta/tables/table.js';
import type { TlsPki } from '../../helpers/tls-pki.js';
import { TestSaslBackend } from '../../helpers/smtpd-fixture.js';

export const MX_NAME = 'mail.example.com';

export const table = (entries: Record<string, string>): Table => {
  const m = new Map(Object.entries(entries));
  return { spec: 'inline:test', lookup: (k) => m.get(k.toLowerCase()), close: () => undefined };
};

function openssl(args: string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A self-signed server certificate for `name`. */
export function selfSigned(pki: TlsPki, name: string): CertifiedKey {
  const key = pki.path(`self-${name}.key`);
  const cert = pki.path(`self-${name}.pem`);
  openssl(
    [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-keyout',
      key,
      '-out',
      cert,
      '-subj',
      `/CN=${name}`,
      '-addext',
      `subjectAltName=DNS:${name}`,
      '-days',
      '30',
    ],
    pki.dir,
  );
  return loadCertificateAndKey(cert, key);
}

/** A certificate for `name` from the test CA (trusted). */
export function issued(pki: TlsPki, name: string): CertifiedKey {
  const key = pki.path(`srv-${name}.key`);
  const csr = pki.path(`srv-${name}.csr`);
  const cert = pki.path(`srv-${name}.pem`);
  const ext = pki.path(`srv-${name}.ext`);
  openssl(
    ['genpkey', '-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256', '-out', key],
    pki.dir,
  );
  openssl(['req', '-new', '-key', key, '-subj', `/CN=${name}`, '-out', csr], pki.dir);
  writeFileSync(
    ext,
    `[ext]\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:${name}\n`,
  );
  openssl(
    [
      'x509',
      '-req',
      '-in',
      csr,
      '-CA',
      pki.path('ca.pem'),
      '-CAkey',
      pki.path('ca.key'),
      '-CAcreateserial',
      '-CAserial',
      pki.path(`srv-${name}.srl`),
      '-days',
      '30',
      '-extfile',
      ext,
      '-extensions',
      'ext',
      '-out',
      cert,
    ],
    pki.dir,
  );
  return loadCertificateAndKey(cert, key);
}

export interface Receiver {
  server: SmtpServer;
  port: number;
  delivery: MemoryDelivery;
  logger: MemoryLogger;
}

/** postern's smtpd as the receiving MTA; `cert` undefined: no STARTTLS at all. */
/** `tickets`: the receiver issues TLS session tickets (for the resumption test). */
export async function receiver(
  cert: CertifiedKey | undefined,
  smtpd: Partial<SmtpdOptions> = {},
  sasl = false,
  tickets = false,
  tlsExtra: Partial<ServerOptions> = {},
): Promise<Receiver> {
  const delivery = new MemoryDelivery();
  const logger = new MemoryLogger();
  const server = new SmtpServer({
    smtpd: {
      myhostname: MX_NAME,
      smtpdTlsSecurityLevel: cert === undefined ? 'none' : 'may',
      ...smtpd,
    },
    ...(cert === undefined
      ? {}
      : {
          tls: {
            certificates: [cert],
            ...(tickets ? { sessionTickets: new TicketKeyring(keyringTiming(3600)) } : {}),
            ...tlsExtra,
          },
        }),
    delivery,
    logger,
    ...(sasl ? { sasl: new TestSaslBackend() } : {}),
  });
  const { port } = await server.listen(0);
  return { server, port, delivery, logger };
}

let seq = 0;

export function queued(
  recipients: string[],
  content = 'Subject: test\r\n\r\nHello.\r\n.dot line\r\n',
): QueuedMessage {
  const rs = recipients.map((address) => ({ address }));
  return {
    id: `TEST${(++seq).toString().padStart(6, '0')}`,
    arrivalTime: Date.now(),
    sender: 'sender@client.example',
    recipients: rs,
    content: new Uint8Array(Buffer.from(content)),
    results: [],
    deferrals: [],
    warned: false,
    pending: rs.map((recipient, index) => ({ index, recipient })),
  };
}

export function requestFor(message: QueuedMessage, nexthop: string) {
  return { message, recipients: message.pending, nexthop };
}
