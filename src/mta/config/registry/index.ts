// Every parameter postern knows, each declared exactly once in one of the
// area files beside this one.
import type { ParameterDefinition } from '../parameter.js';
import { deliveryParameters } from './delivery.js';
import { mailParameters } from './mail.js';
import { transportParameters } from './per-transport.js';
import { qmgrParameters } from './qmgr.js';
import { smtpParameters } from './smtp.js';
import { smtpTlsParameters } from './smtp-tls.js';
import { smtpdParameters } from './smtpd.js';
import { smtpdAccessParameters } from './smtpd-access.js';
import { smtpdTlsParameters } from './smtpd-tls.js';
import { tlsParameters } from './tls.js';
import { tlsRandomParameters } from './tls-random.js';

function index(
  groups: readonly (readonly ParameterDefinition[])[],
): ReadonlyMap<string, ParameterDefinition> {
  const byName = new Map<string, ParameterDefinition>();
  for (const definition of groups.flat()) {
    if (byName.has(definition.name))
      throw new Error(`parameter ${definition.name} is declared twice in the registry`);
    byName.set(definition.name, definition);
  }
  return byName;
}

export const registry: ReadonlyMap<string, ParameterDefinition> = index([
  mailParameters,
  qmgrParameters,
  deliveryParameters,
  smtpdParameters,
  smtpdAccessParameters,
  smtpdTlsParameters,
  smtpParameters,
  smtpTlsParameters,
  tlsParameters,
  tlsRandomParameters,
]);

export function definitionOf(name: string): ParameterDefinition | undefined {
  return registry.get(name);
}

/** The parameters whose value falls back to this one's explicit setting (previousName). */
export function successorOf(name: string): ParameterDefinition | undefined {
  for (const definition of registry.values())
    if (definition.previousName === name) return definition;
  return undefined;
}

/**
 * The registry plus the per-transport parameters of the given transports
 * (master.cf services that deliver mail); a name the registry declares
 * itself (local_destination_recipient_limit) keeps its own declaration.
 */
export function definitionsFor(
  transports: Iterable<string>,
): ReadonlyMap<string, ParameterDefinition> {
  const all = new Map(registry);
  for (const transport of transports) {
    for (const definition of transportParameters(transport))
      if (!all.has(definition.name)) all.set(definition.name, definition);
  }
  return all;
}
