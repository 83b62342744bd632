/** Where smtpd's log lines go (the MTA's maillog later); lines are in Postfix's wording, without the `postfix/smtpd[pid]:` prefix. */
export interface SmtpLogger {
  log(level: 'info' | 'warning' | 'error', text: string): void;
}

/** Lines to a stream, `warning: ` / `error: ` prefixed as Postfix's msg_warn / msg_error. */
export function streamLogger(stream: NodeJS.WritableStream, prefix = 'postern/smtpd'): SmtpLogger {
  return {
    log(level, text) {
      stream.write(`${prefix}[${process.pid}]: ${level === 'info' ? '' : `${level}: `}${text}\n`);
    },
  };
}

/** Keeps the lines, for tests. */
export class MemoryLogger implements SmtpLogger {
  readonly lines: string[] = [];
  log(level: 'info' | 'warning' | 'error', text: string): void {
    this.lines.push(level === 'info' ? text : `${level}: ${text}`);
  }
}
