import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';

/** services(5): `name port/protocol [aliases…] [# comment]`, names and aliases by protocol. */
export class ServicesFile {
  private constructor(
    readonly file: string,
    private readonly ports: ReadonlyMap<string, number>,
    /** Why the file could not be read: reported when a name has to be looked up in it. */
    private readonly unreadable?: string,
  ) {}

  static parse(text: string, file: string): ServicesFile {
    const ports = new Map<string, number>();
    for (const line of text.split('\n')) {
      const words = (line.split('#')[0] ?? '').trim().split(/\s+/);
      const [name, portProtocol, ...aliases] = words;
      const match = /^(\d+)\/([a-z0-9]+)$/i.exec(portProtocol ?? '');
      if (name === undefined || name === '' || !match) continue;
      for (const alias of [name, ...aliases]) {
        const key = `${alias}/${(match[2] as string).toLowerCase()}`;
        if (!ports.has(key)) ports.set(key, Number(match[1]));
      }
    }
    return new ServicesFile(file, ports);
  }

  /** The file's names; an unreadable file is an error only once a name must be looked up in it. */
  static read(file: string): ServicesFile {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      return new ServicesFile(file, new Map(), (err as Error).message);
    }
    return ServicesFile.parse(text, file);
  }

  /** The port of a service name (or alias) for a protocol, or undefined. */
  port(name: string, protocol = 'tcp'): number | undefined {
    if (this.unreadable !== undefined)
      throw new ConfigError({
        file: this.file,
        reason: `cannot look up service "${name}": ${this.unreadable}`,
      });
    return this.ports.get(`${name}/${protocol}`);
  }
}
