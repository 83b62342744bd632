// A small authoritative DNS server on a real UDP socket (RFC 1035 §4) for
// the delivery tests: MX, A and AAAA records from a table, NXDOMAIN for
// names it does not know, an empty answer (NODATA) for known names without
// the asked type, SERVFAIL for names listed as failing.
import { createSocket } from 'node:dgram';
import type { Socket } from 'node:dgram';

export interface DnsRecords {
  mx?: Record<string, { preference: number; exchange: string }[]>;
  a?: Record<string, string[]>;
  aaaa?: Record<string, string[]>;
  servfail?: string[];
}

const TYPE_A = 1;
const TYPE_MX = 15;
const TYPE_AAAA = 28;

function encodeName(name: string): Buffer {
  const labels = name
    .replace(/\.$/, '')
    .split('.')
    .filter((l) => l !== '');
  return Buffer.concat([
    ...labels.map((l) => Buffer.concat([Buffer.from([l.length]), Buffer.from(l, 'ascii')])),
    Buffer.from([0]),
  ]);
}

function readName(msg: Buffer, at: number): { name: string; next: number } {
  const labels: string[] = [];
  let i = at;
  for (;;) {
    const len = msg[i];
    if (len === undefined) throw new Error('truncated name');
    if (len === 0) return { name: labels.join('.').toLowerCase(), next: i + 1 };
    labels.push(msg.subarray(i + 1, i + 1 + len).toString('ascii'));
    i += 1 + len;
  }
}

function rr(name: Buffer, type: number, rdata: Buffer): Buffer {
  const head = Buffer.alloc(10);
  head.writeUInt16BE(type, 0);
  head.writeUInt16BE(1, 2);
  head.writeUInt32BE(60, 4);
  head.writeUInt16BE(rdata.length, 8);
  return Buffer.concat([name, head, rdata]);
}

function ipv6(text: string): Buffer {
  const [head = '', tail = ''] = text.split('::');
  const h = head === '' ? [] : head.split(':');
  const t = tail === '' ? [] : tail.split(':');
  const groups = text.includes('::')
    ? [...h, ...Array(8 - h.length - t.length).fill('0'), ...t]
    : h;
  const b = Buffer.alloc(16);
  groups.forEach((g, i) => b.writeUInt16BE(parseInt(g, 16), i * 2));
  return b;
}

export class TestDnsServer {
  private socket: Socket | undefined;
  port = 0;
  queries: string[] = [];

  constructor(public records: DnsRecords) {}

  async start(): Promise<void> {
    const socket = createSocket('udp4');
    this.socket = socket;
    socket.on('message', (msg, rinfo) => {
      const reply = this.answer(msg);
      if (reply !== undefined) socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve) => socket.bind(0, '127.0.0.1', resolve));
    this.port = socket.address().port;
  }

  get server(): string {
    return `127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) =>
      this.socket ? this.socket.close(() => resolve()) : resolve(),
    );
  }

  private answer(msg: Buffer): Buffer | undefined {
    if (msg.length < 12) return undefined;
    const { name, next } = readName(msg, 12);
    const type = msg.readUInt16BE(next);
    this.queries.push(`${name}/${type}`);
    const question = msg.subarray(12, next + 4);
    const answers = this.lookup(name, type);
    const header = Buffer.alloc(12);
    msg.copy(header, 0, 0, 2);
    const rcode = answers === 'servfail' ? 2 : answers === undefined ? 3 : 0;
    header.writeUInt16BE(0x8400 | (msg.readUInt16BE(2) & 0x0100) | rcode, 2);
    header.writeUInt16BE(1, 4);
    const list = Array.isArray(answers) ? answers : [];
    header.writeUInt16BE(list.length, 6);
    return Buffer.concat([header, question, ...list]);
  }

  private lookup(name: string, type: number): Buffer[] | 'servfail' | undefined {
    const r = this.records;
    if (r.servfail?.includes(name)) return 'servfail';
    const known = [r.mx, r.a, r.aaaa].some((t) => t !== undefined && name in t);
    if (!known) return undefined;
    const owner = encodeName(name);
    if (type === TYPE_MX) {
      return (r.mx?.[name] ?? []).map((m) => {
        const pref = Buffer.alloc(2);
        pref.writeUInt16BE(m.preference);
        return rr(owner, TYPE_MX, Buffer.concat([pref, encodeName(m.exchange)]));
      });
    }
    if (type === TYPE_A)
      return (r.a?.[name] ?? []).map((ip) =>
        rr(owner, TYPE_A, Buffer.from(ip.split('.').map(Number))),
      );
    if (type === TYPE_AAAA)
      return (r.aaaa?.[name] ?? []).map((ip) => rr(owner, TYPE_AAAA, ipv6(ip)));
    return [];
  }
}
