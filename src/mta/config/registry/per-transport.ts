// Postfix gives each delivery transport named in master.cf its own copy of
// the queue manager's scheduling parameters (postconf(5) "transport_…"):
// relay_destination_concurrency_limit defaults to $default_destination_concurrency_limit.
import { param, type ParameterDefinition } from '../parameter.js';
import { qmgrParameters } from './qmgr.js';

/** The master.cf commands that deliver mail (transports the queue manager schedules). */
export const DELIVERY_COMMANDS = ['smtp', 'lmtp', 'local', 'virtual', 'pipe', 'error', 'discard'];

/** TRANSPORT_suffix → the default it falls back to (suffix → main parameter name). */
const SCHEDULING: ReadonlyMap<string, string> = new Map([
  ['destination_concurrency_limit', 'default_destination_concurrency_limit'],
  ['destination_recipient_limit', 'default_destination_recipient_limit'],
  ['initial_destination_concurrency', 'initial_destination_concurrency'],
  [
    'destination_concurrency_failed_cohort_limit',
    'default_destination_concurrency_failed_cohort_limit',
  ],
  [
    'destination_concurrency_negative_feedback',
    'default_destination_concurrency_negative_feedback',
  ],
  [
    'destination_concurrency_positive_feedback',
    'default_destination_concurrency_positive_feedback',
  ],
  ['destination_rate_delay', 'default_destination_rate_delay'],
  ['transport_rate_delay', 'default_transport_rate_delay'],
  ['recipient_limit', 'default_recipient_limit'],
  ['extra_recipient_limit', 'default_extra_recipient_limit'],
  ['recipient_refill_limit', 'default_recipient_refill_limit'],
  ['recipient_refill_delay', 'default_recipient_refill_delay'],
  ['minimum_delivery_slots', 'default_minimum_delivery_slots'],
  ['delivery_slot_cost', 'default_delivery_slot_cost'],
  ['delivery_slot_discount', 'default_delivery_slot_discount'],
  ['delivery_slot_loan', 'default_delivery_slot_loan'],
]);

/** The scheduling parameters of one transport, typed like the defaults they fall back to. */
export function transportParameters(transport: string): ParameterDefinition[] {
  return [...SCHEDULING].map(([suffix, fallback]) => {
    const base = qmgrParameters.find((d) => d.name === fallback) as ParameterDefinition;
    return param(
      `${transport}_${suffix}`,
      base.type,
      `$${fallback}`,
      `${base.since} (per transport)`,
      `${base.doc} For the ${transport} transport.`,
    );
  });
}
