import type { Command } from './command.js';

/** Every subcommand of `postern`; the help lists exactly these. */
export const commands: readonly Command[] = [];
