import type { WarningSink } from './errors.js';
import { inlineRules } from './inline.js';
import {
  formatAddress,
  networkOf,
  parseAddress,
  samePrefix,
  type AddressBytes,
} from './ip-address.js';
import { logicalLines, readSource, type LogicalLine } from './lines.js';
import { buildRules, evaluate, keyword, type ParsedLine } from './rules.js';
import type { Table } from './table.js';

// cidr_table(5): `[!]network[/prefix] result` and `if [!]network[/prefix]` …
// `endif` (Postfix 3.2), first match wins. Keys and patterns are compared as
// binary addresses of one family: an IPv4 pattern never matches an IPv6 key,
// not even ::ffff:1.2.3.4 (Postfix does the same), and a key that is not an
// address matches nothing, negated patterns included. A pattern with host
// bits set is skipped with Postfix's warning, as Postfix does.

interface Network {
  address: AddressBytes;
  prefix: number;
  negated: boolean;
}

function parseNetwork(text: string): Network | Error {
  const negated = text.startsWith('!');
  const body = (negated ? text.slice(1) : text).replace(/^\[([^\]]*)\]/, '$1');
  const [addressText = '', prefixText] = body.split('/', 2);
  const address = parseAddress(addressText.replace(/^\[(.*)\]$/, '$1'));
  if (address === undefined) return new Error(`bad address pattern: "${body}"`);
  const bits = address.length * 8;
  if (prefixText === undefined) return { address, prefix: bits, negated };
  if (!/^\d+$/.test(prefixText)) return new Error(`bad mask value in "${body}"`);
  const prefix = Number(prefixText);
  if (prefix > bits) return new Error(`bad mask length in "${body}"`);
  const network = networkOf(address, prefix);
  if (formatAddress(network) !== formatAddress(address)) {
    return new Error(
      `non-null host address bits in "${body}", perhaps you should use "${formatAddress(network)}/${prefix}" instead`,
    );
  }
  return { address, prefix, negated };
}

function keyMatches(net: Network, key: AddressBytes | undefined): boolean {
  if (key === undefined || key.length !== net.address.length) return false;
  return samePrefix(net.address, key, net.prefix) !== net.negated;
}

function parseLine(line: LogicalLine, prefix: string, warn: WarningSink): ParsedLine {
  const where = `${prefix}, line ${line.line}`;
  const kw = keyword(line.text);
  if (kw?.word === 'endif') {
    if (kw.rest === '') return { kind: 'endif' };
    warn(`${where}: garbage after ENDIF: skipping this rule`);
    return undefined;
  }
  const text = kw?.word === 'if' ? kw.rest : line.text;
  // An IF takes the whole rest of its line as the pattern (dict_cidr.c).
  const [patternText = '', ...resultWords] = kw?.word === 'if' ? [text] : text.split(/\s+/);
  const net = parseNetwork(patternText);
  if (net instanceof Error) {
    warn(`${where}: ${net.message}: skipping this rule`);
    return undefined;
  }
  const result = text.slice(patternText.length).trim();
  if (kw?.word === 'if')
    return { kind: 'if-open', test: (key) => keyMatches(net, parseAddress(key)) };
  if (resultWords.length === 0 || result === '') {
    warn(`${where}: no lookup result: skipping this rule`);
    return undefined;
  }
  return {
    kind: 'rule',
    apply: (key) => (keyMatches(net, parseAddress(key)) ? result : undefined),
  };
}

/** cidr:/path or cidr:{ {rule}, … } (Postfix 3.7 inline form). */
export function openCidrTable(spec: string, name: string, warn: WarningSink): Table {
  const text = name.startsWith('{') ? inlineRules(spec, name) : readSource(name);
  const prefix = `cidr map ${name}`;
  const messages = { endifWithoutIf: 'ENDIF without IF: skipping this rule' };
  const rules = buildRules(
    logicalLines(text, { file: name, warn }),
    (line) => parseLine(line, prefix, warn),
    prefix,
    messages,
    warn,
  );
  return { spec, pattern: true, lookup: (key) => evaluate(rules, key), close: () => undefined };
}
