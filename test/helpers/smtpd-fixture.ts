import type {
  SaslBackend,
  SaslContext,
  SaslExchange,
  SaslStep,
} from '../../src/smtp/sasl/backend.js';
import { MemoryDelivery } from '../../src/smtp/node/delivery.js';
import { MemoryLogger } from '../../src/smtp/node/logger.js';
import { SmtpServer } from '../../src/smtp/node/server.js';
import type { SmtpServerOptions } from '../../src/smtp/node/server.js';
import type { SmtpdOptions } from '../../src/smtp/server/options.js';
import { TestSasl } from './smtp-session.js';
import { TlsPki } from './tls-pki.js';

/** TestSasl behind the asynchronous SaslBackend interface (the real back ends are the SASL helper's). */
export class TestSaslBackend implements SaslBackend {
  mechanisms(context: SaslContext): readonly string[] {
    return new TestSasl().mechanisms(context.secured);
  }
  async start(
    mechanism: string,
    initial: Uint8Array | undefined,
  ): Promise<{ exchange: SaslExchange; first: SaslStep }> {
    const sasl = new TestSasl();
    const exchange: SaslExchange = {
      respond: async (r) => sasl.respond(mechanism, r),
      abort: () => undefined,
    };
    return { exchange, first: sasl.start(mechanism, initial) };
  }
  close(): void {}
}

export interface Fixture {
  server: SmtpServer;
  port: number;
  delivery: MemoryDelivery;
  logger: MemoryLogger;
}

/** An in-process postern smtpd on 127.0.0.1 with a port the OS picks, a P-256 and an RSA certificate. */
export async function startSmtpd(
  pki: TlsPki,
  smtpd: Partial<SmtpdOptions> = {},
  extra: Partial<SmtpServerOptions> = {},
): Promise<Fixture> {
  const delivery = new MemoryDelivery();
  const logger = new MemoryLogger();
  const server = new SmtpServer({
    smtpd: { myhostname: 'mx.example.com', smtpdTlsSecurityLevel: 'may', ...smtpd },
    tls: { certificates: [pki.servers.rsa.certified, pki.servers.p256.certified] },
    delivery,
    logger,
    smtpdTlsLoglevel: 1,
    ...extra,
  });
  const { port } = await server.listen(0);
  return { server, port, delivery, logger };
}
