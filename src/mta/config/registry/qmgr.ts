// The queue manager's scheduling defaults (postconf(5) default_*; each
// delivery transport of master.cf gets its own TRANSPORT_* copies, see
// per-transport.ts).
import { param, type ParameterDefinition } from '../parameter.js';
import { integer, string, time } from '../parameter-type.js';
import { ORIGINAL } from './mail.js';

export const qmgrParameters: readonly ParameterDefinition[] = [
  param(
    'default_destination_concurrency_limit',
    integer(0),
    '20',
    ORIGINAL,
    'The most parallel deliveries to one destination.',
  ),
  param(
    'default_destination_recipient_limit',
    integer(0),
    '50',
    ORIGINAL,
    'The most recipients per delivery to one destination.',
  ),
  param(
    'initial_destination_concurrency',
    integer(1),
    '5',
    ORIGINAL,
    'The parallel deliveries to a destination the queue manager starts with.',
  ),
  param(
    'default_destination_concurrency_failed_cohort_limit',
    integer(0),
    '1',
    'Postfix 2.5',
    'How many failed connection cohorts mark a destination as dead.',
  ),
  param(
    'default_destination_concurrency_negative_feedback',
    string,
    '1',
    'Postfix 2.5',
    'How much concurrency drops after a failed delivery (a number or a fraction like 1/concurrency).',
  ),
  param(
    'default_destination_concurrency_positive_feedback',
    string,
    '1',
    'Postfix 2.5',
    'How much concurrency grows after a successful delivery.',
  ),
  param(
    'default_destination_rate_delay',
    time('s'),
    '0s',
    'Postfix 2.5',
    'The pause between two deliveries to one destination (0: none).',
  ),
  param(
    'default_transport_rate_delay',
    time('s'),
    '0s',
    'Postfix 3.1',
    'The pause between two deliveries by one transport (0: none).',
  ),
  param(
    'default_recipient_limit',
    integer(1),
    '20000',
    'Postfix 2.0 or earlier',
    'The most in-memory recipients of one transport.',
  ),
  param(
    'default_extra_recipient_limit',
    integer(1),
    '1000',
    'Postfix 2.0 or earlier',
    "Extra in-memory recipient slots for a transport's backlog.",
  ),
  param(
    'default_recipient_refill_limit',
    integer(1),
    '100',
    'Postfix 2.4',
    'How many recipients are read from a queue file at once.',
  ),
  param(
    'default_recipient_refill_delay',
    time('s'),
    '5s',
    'Postfix 2.4',
    'The wait before more recipients are read from a queue file.',
  ),
  param(
    'default_minimum_delivery_slots',
    integer(1),
    '3',
    'Postfix 2.1',
    'How many delivery slots a message must wait before it may preempt another.',
  ),
  param(
    'default_delivery_slot_cost',
    integer(0),
    '5',
    'Postfix 2.1',
    'Delivery slots a message must wait for before it may preempt another.',
  ),
  param(
    'default_delivery_slot_discount',
    integer(0, 100),
    '50',
    'Postfix 2.1',
    'The percentage of slots counted for a message that preempts another.',
  ),
  param(
    'default_delivery_slot_loan',
    integer(0),
    '3',
    'Postfix 2.1',
    'Slots lent to a message before it must earn them.',
  ),
  param(
    'local_destination_concurrency_limit',
    integer(0),
    '2',
    ORIGINAL,
    'The most parallel local deliveries to one recipient.',
  ),
  param(
    'local_destination_recipient_limit',
    integer(0),
    '1',
    ORIGINAL,
    'Recipients per local delivery (1: one at a time, as per-user delivery needs).',
  ),
];
