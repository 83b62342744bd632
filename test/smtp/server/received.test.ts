import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { ReceivedMessage } from '../../../src/smtp/server/events.js';
import { formatReceived, rfc5322Date } from '../../../src/smtp/server/received.js';
import { tlsConnectionLogLine } from '../../../src/smtp/server/tls-summary.js';
import { parseCertificate } from '../../../src/x509/index.js';
import { TlsPki } from '../../helpers/tls-pki.js';
import { TLS_DETAILS } from '../../helpers/smtp-session.js';

const base: ReceivedMessage = {
  sender: 'a@example.org',
  mailParams: {},
  recipients: [{ address: 'b@example.com', params: {} }],
  content: [],
  size: 0,
  client: { address: '192.0.2.1', port: 4000, name: 'client.example.org' },
  helo: 'helo.example.org',
  protocol: 'ESMTPS',
  tls: TLS_DETAILS,
  saslUser: undefined,
  saslMethod: undefined,
  receivedAt: new Date(Date.UTC(2026, 11, 2, 8, 5, 9)),
  discard: undefined,
  hold: undefined,
};
const opts = {
  myhostname: 'mx.example.com',
  mailName: 'postern',
  queueId: '4ABC',
  tlsReceivedHeader: true,
  askCcert: false,
};

test('Received with the TLS clause as Postfix writes it (smtpd_tls_received_header)', () => {
  assert.equal(
    formatReceived(base, opts),
    'Received: from helo.example.org (client.example.org [192.0.2.1])\r\n' +
      '\t(using TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits)\r\n' +
      '\t key-exchange X25519)\r\n' +
      '\t(No client certificate requested)\r\n' +
      '\tby mx.example.com (postern) with ESMTPS id 4ABC\r\n' +
      '\tfor <b@example.com>; Wed,  2 Dec 2026 08:05:09 +0000 (UTC)\r\n',
  );
  assert.match(
    formatReceived(base, { ...opts, askCcert: true }),
    /\t\(Client did not present a certificate\)\r\n/,
  );
  const plain = formatReceived(
    { ...base, tls: undefined, protocol: 'ESMTP', recipients: [] },
    opts,
  );
  assert.equal(
    plain,
    'Received: from helo.example.org (client.example.org [192.0.2.1])\r\n\tby mx.example.com (postern) with ESMTP id 4ABC; Wed,  2 Dec 2026 08:05:09 +0000 (UTC)\r\n',
  );
  assert.doesNotMatch(formatReceived(base, { ...opts, tlsReceivedHeader: false }), /using/);
});

test("the issue's example: key-exchange, server-signature and server-digest on the continuation line", () => {
  const tls = { ...TLS_DETAILS, serverSignature: 'RSA-PSS (2048 bits)', serverDigest: 'SHA256' };
  assert.match(
    formatReceived({ ...base, tls }, opts),
    /\t\(using TLSv1\.3 with cipher TLS_AES_256_GCM_SHA384 \(256\/256 bits\)\r\n\t key-exchange X25519 server-signature RSA-PSS \(2048 bits\) server-digest SHA256\)\r\n\t\(No client certificate requested\)\r\n/,
  );
});

test('the client certificate clause and the loglevel 1 line', () => {
  const pki = new TlsPki(['p256']);
  try {
    const cert = pki.client.certified.chain[0];
    assert.ok(cert);
    const parsed = parseCertificate(cert.der);
    assert.equal(parsed.der.length, cert.der.length);
    const tls = { ...TLS_DETAILS, peerCertificates: [parsed], peerVerified: true };
    assert.match(
      formatReceived({ ...base, tls }, opts),
      /\t\(Client CN "client.example.com", Issuer "postern test CA" \(verified OK\)\)\r\n/,
    );
    assert.match(
      formatReceived({ ...base, tls: { ...tls, peerVerified: false } }, opts),
      /\(not verified\)\)/,
    );
    assert.equal(
      tlsConnectionLogLine(tls, 'c[192.0.2.1]'),
      'Trusted TLS connection established from c[192.0.2.1]: TLSv1.3 with cipher TLS_AES_256_GCM_SHA384 (256/256 bits) key-exchange X25519',
    );
    assert.match(
      tlsConnectionLogLine({ ...TLS_DETAILS, resumed: true }, 'c[x]'),
      /^Anonymous TLS connection reused from c\[x\]/,
    );
  } finally {
    pki.cleanup();
  }
});

test('dates pad the day with a space', () => {
  assert.equal(
    rfc5322Date(new Date(Date.UTC(2026, 0, 15, 23, 59, 0))),
    'Thu, 15 Jan 2026 23:59:00 +0000 (UTC)',
  );
});
