// What the queue manager hands a delivery agent and what it gets back
// (Postfix's delivery request protocol, deliver_request(3), reduced to what
// postern's agents need): one message, some of its recipients, one outcome
// per recipient.
import type { QueuedMessage, QueuedRecipient } from '../queue/index.js';

export interface DeliveryRequest {
  readonly message: QueuedMessage;
  /** The recipients of this request with their index in the queue file. */
  readonly recipients: readonly { readonly index: number; readonly recipient: QueuedRecipient }[];
  /** The next hop the resolver chose (a domain, `[host]:port`, or the local host name). */
  readonly nexthop: string;
}

export type OutcomeStatus = 'sent' | 'deferred' | 'bounced';

export interface RecipientOutcome {
  readonly index: number;
  readonly status: OutcomeStatus;
  /** RFC 3463 status, e.g. 2.0.0, 4.4.1, 5.1.1 */
  readonly dsnStatus: string;
  /** What the log line and the DSN say, e.g. `delivered to maildir` or the remote reply. */
  readonly diagnostic: string;
  /** The server that gave the answer, `host[address]:port` (smtp), for the log line. */
  readonly relay?: string;
}

export interface Transport {
  /** The master.cf service name, e.g. `local`, `smtp`. */
  readonly name: string;
  deliver(request: DeliveryRequest): Promise<RecipientOutcome[]>;
  /** Releases what the agent keeps between deliveries (cached connections). */
  close?(): Promise<void>;
  /**
   * The agent's own log (smtp(8)'s program name): the queue manager writes
   * each recipient's result there, once per attempt; absent: the queue manager's.
   */
  readonly log?: (line: string) => void;
}
