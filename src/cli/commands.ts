import type { Command } from './command.js';
import { dhparamCommand } from './dhparam.js';
import { newaliasesCommand, postaliasCommand } from './postalias.js';
import { postconfCommand } from './postconf.js';
import { postmapCommand } from './postmap.js';
import { sClientCommand } from './s_client.js';
import { sServerCommand } from './s_server.js';
import { saslpasswdCommand } from './saslpasswd.js';
import { sendmailCommand } from './sendmail.js';
import { reloadCommand, startCommand, statusCommand, stopCommand } from './start.js';
import { tlsmgrCommand } from './tlsmgr.js';
import { verifyCommand } from './verify.js';
import { x509Command } from './x509.js';
import { mailqCommand, postcatCommand, postqueueCommand, postsuperCommand } from './queue-tools.js';

/** Every subcommand of `postern`; the help lists exactly these. */
export const commands: readonly Command[] = [
  startCommand,
  stopCommand,
  reloadCommand,
  statusCommand,
  postqueueCommand,
  mailqCommand,
  postsuperCommand,
  postcatCommand,
  verifyCommand,
  x509Command,
  dhparamCommand,
  sClientCommand,
  sServerCommand,
  tlsmgrCommand,
  postconfCommand,
  postmapCommand,
  postaliasCommand,
  newaliasesCommand,
  sendmailCommand,
  saslpasswdCommand,
];
