// The mail log in Postfix's syslog shape: `Dec  2 18:40:18 HOST postern/smtpd[PID]: text`.
// maillog_file (Postfix 3.4) names a file; empty means standard error, as
// `postfix start-fg` logs when no syslog is wanted.
import { appendFileSync } from 'node:fs';

export type LogLevel = 'info' | 'warning' | 'error' | 'fatal';

export interface MailLog {
  /** A logger for one program name (`smtpd`, `qmgr`, `local`, `tlsmgr`, `master`). */
  program(name: string): (line: string, level?: LogLevel) => void;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

export function syslogTime(d: Date): string {
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${MONTHS[d.getMonth()]} ${String(d.getDate()).padStart(2, ' ')} ${p(d.getHours())}:${p(d.getMinutes())}:${p(d.getSeconds())}`;
}

export interface MailLogOptions {
  /** maillog_file; '' for standard error. */
  readonly file: string;
  /** myhostname, the syslog host field. */
  readonly hostname: string;
  /** syslog_name (postern). */
  readonly syslogName: string;
  readonly now?: () => Date;
  /** For tests: where lines go instead of the file or stderr. */
  readonly sink?: (line: string) => void;
}

export function createMailLog(o: MailLogOptions): MailLog {
  const write =
    o.sink ??
    (o.file === ''
      ? (line: string) => void process.stderr.write(line + '\n')
      : (line: string) => appendFileSync(o.file, line + '\n'));
  const now = o.now ?? (() => new Date());
  return {
    program(name) {
      return (line, level = 'info') => {
        const prefix = level === 'info' || line.startsWith(`${level}: `) ? '' : `${level}: `;
        write(
          `${syslogTime(now())} ${o.hostname} ${o.syslogName}/${name}[${process.pid}]: ${prefix}${line}`,
        );
      };
    },
  };
}
