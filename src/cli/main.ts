import type { Command, CommandIO } from './command.js';
import { UsageError } from './command.js';
import { commands } from './commands.js';

function helpText(list: readonly Command[]): string {
  const width = Math.max(8, ...list.map((c) => c.name.length));
  const lines = [
    'usage: postern COMMAND [ARGS...]',
    '',
    'postern is a mail transfer agent with its own TLS stack.',
    '',
    list.length > 0 ? 'Commands:' : 'No subcommands are available yet.',
    ...list.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    "Run 'postern COMMAND --help' for a command's options.",
  ];
  return lines.join('\n') + '\n';
}

export async function main(
  argv: readonly string[],
  io: CommandIO = process,
  list: readonly Command[] = commands,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(helpText(list));
    return 0;
  }
  const command = list.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`postern: unknown command '${name}'\n${helpText(list)}`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-help')) {
    io.stdout.write(command.usage.endsWith('\n') ? command.usage : command.usage + '\n');
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (err) {
    if (err instanceof UsageError) {
      io.stderr.write(`postern ${command.name}: ${err.message}\n${command.usage}\n`);
      return 2;
    }
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`postern ${command.name}: ${message}\n`);
    return 1;
  }
}
