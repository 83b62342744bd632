/**
 * Where the entropy pool and tlsmgr report what happened to their sources
 * (Postfix logs these as msg_info / msg_warn); injected, so that the MTA's
 * logging and the tests each supply their own.
 */
export interface Logger {
  info(message: string): void;
  warn(message: string): void;
}

/** Postfix-style lines on standard error, for processes that have no MTA log yet. */
export function stderrLogger(program: string): Logger {
  const line = (level: string, message: string): void =>
    void process.stderr.write(`${program}[${process.pid}]: ${level}${message}\n`);
  return { info: (m) => line('', m), warn: (m) => line('warning: ', m) };
}
