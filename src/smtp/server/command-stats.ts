// The per-command counts of Postfix's `disconnect from NAME[ADDR] ehlo=2
// starttls=1 mail=1 rcpt=1/2 data=1 quit=1 commands=7/8` line (smtpd.c).

/** Postfix's order in that line. */
const ORDER = [
  'helo',
  'ehlo',
  'starttls',
  'auth',
  'mail',
  'rcpt',
  'data',
  'bdat',
  'rset',
  'noop',
  'vrfy',
  'help',
  'quit',
  'unknown',
] as const;

export class CommandStats {
  private readonly total = new Map<string, number>();
  private readonly ok = new Map<string, number>();
  /** The command whose final reply is still to come. */
  private pending: string | undefined;

  begin(verb: string): void {
    const name = ORDER.includes(verb.toLowerCase() as (typeof ORDER)[number])
      ? verb.toLowerCase()
      : 'unknown';
    this.total.set(name, (this.total.get(name) ?? 0) + 1);
    this.pending = name;
  }

  /** A reply was sent: the pending command succeeded when it is 2yz (334 and 354 are not final). */
  reply(code: number): void {
    if (this.pending === undefined || code === 334 || code === 354) return;
    if (code < 400) this.ok.set(this.pending, (this.ok.get(this.pending) ?? 0) + 1);
    this.pending = undefined;
  }

  /** `ehlo=1 mail=1 rcpt=0/1 commands=2/3`; empty when no command came. */
  format(): string {
    const parts: string[] = [];
    let ok = 0;
    let total = 0;
    for (const name of ORDER) {
      const t = this.total.get(name) ?? 0;
      if (t === 0) continue;
      const o = this.ok.get(name) ?? 0;
      ok += o;
      total += t;
      parts.push(`${name}=${count(o, t)}`);
    }
    if (total === 0) return 'commands=0';
    return [...parts, `commands=${count(ok, total)}`].join(' ');
  }
}

function count(ok: number, total: number): string {
  return ok === total ? String(ok) : `${ok}/${total}`;
}
