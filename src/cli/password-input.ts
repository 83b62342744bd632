// Reading a password for a CLI command: from a terminal with echo off (asked
// twice), or as the first line of standard input. Never from the command
// line, where ps(1) and shell history would show it.

interface TtyInput extends NodeJS.ReadableStream {
  isTTY?: boolean;
  setRawMode?: (mode: boolean) => unknown;
}

const MAX_PASSWORD = 1024;

/** The first line of a non-terminal input (the rest is ignored). */
async function firstLine(input: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of input) {
    text += typeof chunk === 'string' ? chunk : Buffer.from(chunk).toString('utf8');
    if (text.includes('\n') || text.length > MAX_PASSWORD) break;
  }
  const line = text.split('\n')[0] ?? '';
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** One password typed without echo; resolves on Enter, rejects on Ctrl-C or Ctrl-D. */
function typed(input: TtyInput, prompt: string, output: NodeJS.WritableStream): Promise<string> {
  output.write(prompt);
  input.setRawMode?.(true);
  input.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const done = (err?: Error): void => {
      input.removeListener('data', onData);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      if (err) reject(err);
      else resolve(value);
    };
    const onData = (chunk: Buffer | string): void => {
      for (const ch of typeof chunk === 'string' ? chunk : chunk.toString('utf8')) {
        if (ch === '\r' || ch === '\n') return done();
        if (ch === '\x03' || ch === '\x04') return done(new Error('cancelled'));
        if (ch === '\x7f' || ch === '\b') value = value.slice(0, -1);
        else if (value.length < MAX_PASSWORD) value += ch;
      }
    };
    input.on('data', onData);
  });
}

export async function readPassword(
  input: NodeJS.ReadableStream,
  prompts: NodeJS.WritableStream,
): Promise<string> {
  const tty = input as TtyInput;
  let password: string;
  if (tty.isTTY === true) {
    password = await typed(tty, 'Password: ', prompts);
    const again = await typed(tty, 'Again: ', prompts);
    if (again !== password) throw new Error('the passwords do not match');
  } else {
    password = await firstLine(input);
  }
  if (password === '') throw new Error('empty password');
  if (password.length > MAX_PASSWORD)
    throw new Error(`password longer than ${MAX_PASSWORD} characters`);
  return password;
}
