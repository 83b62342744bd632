/**
 * One TLS server in its own process for the socket handshake benchmark
 * (bench/handshake-sockets.ts): postern's createServer or node:tls's, on
 * 127.0.0.1 and a port the system picks. It tells its parent the port, then
 * on "start" notes its CPU time and counts completed handshakes until
 * "stop", when it reports both and exits.
 *
 * argv: postern|node certFile keyFile
 */
import { readFileSync } from 'node:fs';
import type { AddressInfo, Server } from 'node:net';
import * as nodeTls from 'node:tls';
import { createServer } from '../../src/tls/index.js';
import { createSystemRandom } from '../../src/prng/system.js';
import { loadCertificateAndKey } from '../../src/x509/load.js';

export interface ServerReport {
  handshakes: number;
  cpuMicros: number;
  errors: number;
  firstError?: string;
}

const [impl, certFile, keyFile] = process.argv.slice(2) as [string, string, string];
let counting = false;
let handshakes = 0;
let errors = 0;
let firstError: string | undefined;
let cpuAtStart = process.cpuUsage();

function onError(err: Error): void {
  errors++;
  firstError ??= err.message;
}

function onHandshake(socket: {
  on(event: 'error', listener: (err: Error) => void): unknown;
}): void {
  if (counting) handshakes++;
  // The generator closes right after the handshake: a reset is expected, still counted.
  socket.on('error', (err: Error) => {
    if (!/ECONNRESET|EPIPE|closed/i.test(err.message)) onError(err);
  });
}

function makeServer(): Server {
  if (impl === 'postern') {
    const server = createServer(
      { certificates: [loadCertificateAndKey(certFile, keyFile)], random: createSystemRandom() },
      onHandshake,
    );
    server.on('tlsClientError', onError);
    return server;
  }
  const server = nodeTls.createServer(
    { cert: readFileSync(certFile), key: readFileSync(keyFile) },
    onHandshake,
  );
  server.on('tlsClientError', (err: Error) => {
    if (!/ECONNRESET|socket hang up/i.test(err.message)) onError(err);
  });
  return server;
}

const server = makeServer();
server.listen(0, '127.0.0.1', () => {
  process.send?.({ port: (server.address() as AddressInfo).port });
});
process.on('message', (message: string) => {
  if (message === 'start') {
    counting = true;
    handshakes = 0;
    cpuAtStart = process.cpuUsage();
  } else if (message === 'stop') {
    const cpu = process.cpuUsage(cpuAtStart);
    counting = false;
    const report: ServerReport = {
      handshakes,
      cpuMicros: cpu.user + cpu.system,
      errors,
      ...(firstError !== undefined ? { firstError } : {}),
    };
    process.send?.(report, () => {
      server.close();
      process.exit(0);
    });
  }
});
