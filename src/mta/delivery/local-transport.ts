// The local delivery agent (Postfix local(8)) for mailboxes that need no
// system account: a recipient in a local domain is looked up in alias_maps
// (by its local part, then without its recipient_delimiter extension),
// expanded, and each final local user gets a Maildir under the mail root.
// Addresses an alias expands to outside the local domains are resubmitted as
// a new message, as local(8) forwards through cleanup(8).
import { join } from 'node:path';
import { splitAddressList } from '../tables/address-list.js';
import type { Table } from '../tables/table.js';
import type { QueuedMessage } from '../queue/index.js';
import { crlfToLf, writeMaildirMessage } from './maildir-writer.js';
import type { DeliveryRequest, RecipientOutcome, Transport } from './transport.js';

export interface LocalTransportOptions {
  /** alias_maps */
  readonly aliasMaps: readonly Table[];
  /** recipient_delimiter: each character separates user from extension. */
  readonly recipientDelimiter: string;
  /** Where users' mailboxes live: `<mailRoot>/<user>/<homeMailbox>`. */
  readonly mailRoot: string;
  /** home_mailbox; only Maildir form (ending in `/`) is delivered. */
  readonly homeMailbox: string;
  /** True for a domain this host is the final destination for (mydestination). */
  readonly isLocalDomain: (domain: string) => boolean;
  /** local_recipient_maps: when given, a user none of them lists is unknown. */
  readonly localRecipientMaps?: readonly Table[];
  /** Queues a new message for expansion results outside the local domains. */
  readonly resubmit: (message: QueuedMessage, recipients: readonly string[]) => Promise<void>;
  readonly log: (line: string) => void;
  /** How deep alias expansion may nest (Postfix: expansion_limit-like guard against loops). */
  readonly maxExpansionDepth?: number;
}

type Target =
  | { kind: 'mailbox'; user: string; address: string }
  | { kind: 'remote'; address: string }
  | { kind: 'unsupported'; what: string };

function splitAddress(address: string): { local: string; domain: string } {
  const at = address.lastIndexOf('@');
  return at < 0
    ? { local: address, domain: '' }
    : { local: address.slice(0, at), domain: address.slice(at + 1).toLowerCase() };
}

function stripExtension(local: string, delimiters: string): string {
  if (delimiters === '') return local;
  for (let i = 0; i < local.length; i++)
    if (delimiters.includes(local[i]!)) return local.slice(0, i);
  return local;
}

function lookupAll(tables: readonly Table[], key: string): string | undefined {
  for (const t of tables) {
    const v = t.lookup(key);
    if (v !== undefined) return v;
  }
  return undefined;
}

export class LocalTransport implements Transport {
  readonly name = 'local';

  constructor(private readonly options: LocalTransportOptions) {}

  /** local(8)'s log: the queue manager writes each recipient's result here (`relay=local`). */
  get log(): (line: string) => void {
    return this.options.log;
  }

  async deliver(request: DeliveryRequest): Promise<RecipientOutcome[]> {
    const outcomes: RecipientOutcome[] = [];
    for (const { index, recipient } of request.recipients)
      outcomes.push({
        ...(await this.deliverOne(request.message, index, recipient.address)),
        relay: 'local',
      });
    return outcomes;
  }

  private async deliverOne(
    message: QueuedMessage,
    index: number,
    address: string,
  ): Promise<RecipientOutcome> {
    let targets: Target[];
    try {
      targets = this.expand(address, 0, new Set());
    } catch (e) {
      if (e instanceof ExpansionError)
        return { index, status: 'bounced', dsnStatus: e.dsnStatus, diagnostic: e.message };
      throw e;
    }
    if (targets.length === 0)
      return {
        index,
        status: 'bounced',
        dsnStatus: '5.4.6',
        diagnostic: `alias expansion of ${address} loops back on itself`,
      };
    const unsupported = targets.find((t) => t.kind === 'unsupported');
    if (unsupported !== undefined)
      return {
        index,
        status: 'bounced',
        dsnStatus: '5.3.5',
        diagnostic: `delivery to ${unsupported.kind === 'unsupported' ? unsupported.what : ''} is not supported by postern's local delivery agent`,
      };
    try {
      const delivered: string[] = [];
      for (const t of targets)
        if (t.kind === 'mailbox') delivered.push(await this.toMailbox(message, address, t.user));
      const remote = targets.flatMap((t) => (t.kind === 'remote' ? [t.address] : []));
      if (remote.length > 0) await this.options.resubmit(message, remote);
      const parts = [
        delivered.length > 0 ? `delivered to maildir` : '',
        remote.length > 0 ? `forwarded as a new message to ${remote.join(', ')}` : '',
      ].filter((p) => p !== '');
      return { index, status: 'sent', dsnStatus: '2.0.0', diagnostic: parts.join('; ') };
    } catch (e) {
      if (e instanceof ExpansionError)
        return { index, status: 'bounced', dsnStatus: e.dsnStatus, diagnostic: e.message };
      const reason = (e as NodeJS.ErrnoException).code ?? (e as Error).message;
      return {
        index,
        status: 'deferred',
        dsnStatus: '4.2.0',
        diagnostic: `cannot write the mailbox: ${reason}`,
      };
    }
  }

  private expand(address: string, depth: number, seen: Set<string>): Target[] {
    const { local, domain } = splitAddress(address);
    if (domain !== '' && !this.options.isLocalDomain(domain)) return [{ kind: 'remote', address }];
    const key = local.toLowerCase();
    if (seen.has(key)) return [];
    seen.add(key);
    if (depth > (this.options.maxExpansionDepth ?? 100))
      throw new ExpansionError('5.4.6', `alias expansion of ${address} nests too deep (a loop?)`);
    const value =
      lookupAll(this.options.aliasMaps, key) ??
      lookupAll(this.options.aliasMaps, stripExtension(key, this.options.recipientDelimiter));
    if (value === undefined)
      return [this.mailboxTarget(address, stripExtension(key, this.options.recipientDelimiter))];
    return splitAddressList(value, false).flatMap((item) =>
      this.expandItem(item, address, depth, seen),
    );
  }

  private expandItem(item: string, address: string, depth: number, seen: Set<string>): Target[] {
    if (item.startsWith('|') || item.startsWith('/') || item.toLowerCase().startsWith(':include:'))
      return [{ kind: 'unsupported', what: item }];
    const unquoted = item.replace(/^"(.*)"$/, '$1');
    const { local } = splitAddress(unquoted);
    // aliases(5): an alias naming itself is delivered to the mailbox, not expanded again.
    if (
      local.toLowerCase() === splitAddress(address).local.toLowerCase() &&
      !unquoted.includes('@')
    )
      return [
        this.mailboxTarget(
          address,
          stripExtension(local.toLowerCase(), this.options.recipientDelimiter),
        ),
      ];
    return this.expand(unquoted, depth + 1, seen);
  }

  private mailboxTarget(address: string, user: string): Target {
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(user))
      throw new ExpansionError(
        '5.1.3',
        `${address}: the user name ${JSON.stringify(user)} cannot name a mailbox`,
      );
    const maps = this.options.localRecipientMaps;
    if (
      maps !== undefined &&
      maps.length > 0 &&
      lookupAll(maps, user) === undefined &&
      lookupAll(maps, address.toLowerCase()) === undefined
    ) {
      throw new ExpansionError('5.1.1', `${address}: unknown user: "${user}"`);
    }
    return { kind: 'mailbox', user, address };
  }

  private async toMailbox(message: QueuedMessage, original: string, user: string): Promise<string> {
    if (!this.options.homeMailbox.endsWith('/'))
      throw new ExpansionError(
        '5.3.5',
        `home_mailbox = ${this.options.homeMailbox}: only Maildir delivery (a name ending in /) is supported by postern`,
      );
    const deliveredTo = original.toLowerCase();
    if (hasDeliveredTo(message.content, deliveredTo))
      throw new ExpansionError('5.4.6', `mail forwarding loop for ${original}`);
    const head = new TextEncoder().encode(
      `Return-Path: <${message.sender}>\nDelivered-To: ${deliveredTo}\n`,
    );
    const path = await writeMaildirMessage(
      join(this.options.mailRoot, user, this.options.homeMailbox),
      [head, crlfToLf(message.content)],
    );
    return path;
  }
}

class ExpansionError extends Error {
  constructor(
    readonly dsnStatus: string,
    message: string,
  ) {
    super(message);
  }
}

/** local(8) loop detection: a Delivered-To header for this recipient already in the header section. */
function hasDeliveredTo(content: Uint8Array, address: string): boolean {
  const text = new TextDecoder('latin1').decode(
    content.subarray(0, Math.min(content.length, 65536)),
  );
  const end = text.search(/\r?\n\r?\n/);
  const header = end < 0 ? text : text.slice(0, end);
  return header
    .split(/\r?\n/)
    .some(
      (line) => /^delivered-to:/i.test(line) && line.slice(13).trim().toLowerCase() === address,
    );
}
