import type { FirstRunResult } from './first-run.js';

/** What `postern start` prints with the default configuration: where things are, and one way to send a first message. */
export function firstRunInstructions(r: FirstRunResult): string {
  const from = `postmaster@${r.hostname}`;
  const python = `python3 -c "import smtplib,ssl; s=smtplib.SMTP('127.0.0.1',2525); s.starttls(context=ssl._create_unverified_context()); s.sendmail('${from}',['${r.userAddress}'],'Subject: first message\\n\\nHello from postern.\\n'); s.quit()"`;
  return [
    r.created
      ? `postern: first run: wrote a default configuration under ${r.root}`
      : `postern: using the configuration under ${r.root} (not changed)`,
    `  configuration   ${r.mainCf}, ${r.masterCf}`,
    `  certificates    ${r.rsaCert} (RSA), ${r.ecdsaCert} (ECDSA), self-signed`,
    `  queue           ${r.queueDirectory}`,
    `  Maildirs        ${r.mailDirectory}/USER/Maildir/`,
    `  log             ${r.logFile}`,
    `  listening on    ${r.listeners.map((s) => `${s.address} (${s.description})`).join(',\n                  ')}`,
    `  AUTH user       ${r.user}, password in ${r.firstUserFile}`,
    '',
    'Send a first message over STARTTLS:',
    `  swaks --server 127.0.0.1:2525 --tls --to ${r.userAddress} --from ${from}`,
    'or, without swaks:',
    `  ${python}`,
    `Then look in ${r.mailDirectory}/${r.user}/Maildir/new/`,
    '',
  ].join('\n');
}
