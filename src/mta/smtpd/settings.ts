// The typed inputs of the restriction evaluator, named after the main.cf
// parameters they come from (postconf(5)); defaults are Postfix 3.x's at
// compatibility_level 3.6 or later.
import type { FingerprintDigest } from '../../x509/index.js';
import type { Table } from '../tables/table.js';
import type { DestinationConfig } from './destinations.js';
import type { Network } from './networks.js';

export interface RestrictionLists {
  readonly smtpd_client_restrictions: readonly string[];
  readonly smtpd_helo_restrictions: readonly string[];
  readonly smtpd_sender_restrictions: readonly string[];
  readonly smtpd_relay_restrictions: readonly string[];
  readonly smtpd_recipient_restrictions: readonly string[];
  readonly smtpd_data_restrictions: readonly string[];
  readonly smtpd_end_of_data_restrictions: readonly string[];
}

export interface ReplyCodes {
  /** access_map_reject_code (554). */
  readonly accessMapReject: number;
  /** access_map_defer_code (450). */
  readonly accessMapDefer: number;
  /** reject_code (554), for `reject`. */
  readonly reject: number;
  /** defer_code (450), for `defer`. */
  readonly defer: number;
  /** relay_domains_reject_code (554); defer_unauth_destination uses it minus 100. */
  readonly relay: number;
  /** non_fqdn_reject_code (504). */
  readonly nonFqdn: number;
  /** invalid_hostname_reject_code (501). */
  readonly invalidHostname: number;
  /** plaintext_reject_code (450), for reject_plaintext_session. */
  readonly plaintext: number;
  /** multi_recipient_bounce_reject_code (550). */
  readonly multiRecipientBounce: number;
}

export const DEFAULT_REPLY_CODES: ReplyCodes = {
  accessMapReject: 554,
  accessMapDefer: 450,
  reject: 554,
  defer: 450,
  relay: 554,
  nonFqdn: 504,
  invalidHostname: 501,
  plaintext: 450,
  multiRecipientBounce: 550,
};

/** Postfix's default smtpd_relay_restrictions. */
export const DEFAULT_RELAY_RESTRICTIONS: readonly string[] = [
  'permit_mynetworks',
  'permit_sasl_authenticated',
  'defer_unauth_destination',
];

/** parent_domain_matches_subdomains's default (postconf(5), Postfix 3.x). */
export const DEFAULT_PARENT_DOMAIN_MATCHES_SUBDOMAINS: readonly string[] = [
  'debug_peer_list',
  'fast_flush_domains',
  'mynetworks',
  'permit_mx_backup_networks',
  'qmqpd_authorized_clients',
  'relay_domains',
  'smtpd_access_maps',
];

export interface RestrictionSettings {
  readonly lists: RestrictionLists;
  /** smtpd_restriction_classes: each name's own list. */
  readonly restrictionClasses: ReadonlyMap<string, readonly string[]>;
  readonly mynetworks: readonly Network[];
  readonly destinations: DestinationConfig;
  /** smtpd_sender_login_maps: sender address to the login names that own it. */
  readonly senderLoginMaps: Table | undefined;
  /** smtpd_sasl_auth_enable: the *_sender_login_mismatch restrictions do nothing without it (Postfix warns). */
  readonly saslAuthEnable: boolean;
  /** relay_clientcerts, keys are fingerprints in smtpd_tls_fingerprint_digest. */
  readonly relayClientcerts: Table | undefined;
  /** smtpd_tls_fingerprint_digest (sha256 since compatibility_level 3.6). */
  readonly fingerprintDigest: FingerprintDigest;
  /** parent_domain_matches_subdomains names smtpd_access_maps. */
  readonly accessMapsMatchParents: boolean;
  /** smtpd_delay_reject (yes): client, HELO and sender lists wait for RCPT TO. */
  readonly delayReject: boolean;
  /** smtpd_relay_before_recipient_checks (yes since compatibility_level 3.6). */
  readonly relayBeforeRecipientChecks: boolean;
  readonly codes: ReplyCodes;
  /** recipient_delimiter, for user+ext lookups. */
  readonly recipientDelimiter: string;
  /** smtpd_null_access_lookup_key (`<>`), the key for the null sender. */
  readonly nullAccessLookupKey: string;
  /** The mail log (warnings, reject lines). */
  readonly log: (line: string) => void;
}

const EMPTY: readonly string[] = [];

/** Settings with Postfix's defaults for everything not given. */
export function restrictionSettings(
  given: Partial<Omit<RestrictionSettings, 'lists'>> &
    Pick<RestrictionSettings, 'mynetworks' | 'destinations' | 'log'> & {
      lists?: Partial<RestrictionLists>;
    },
): RestrictionSettings {
  const lists: RestrictionLists = {
    smtpd_client_restrictions: EMPTY,
    smtpd_helo_restrictions: EMPTY,
    smtpd_sender_restrictions: EMPTY,
    smtpd_relay_restrictions: DEFAULT_RELAY_RESTRICTIONS,
    smtpd_recipient_restrictions: EMPTY,
    smtpd_data_restrictions: EMPTY,
    smtpd_end_of_data_restrictions: EMPTY,
    ...given.lists,
  };
  return {
    restrictionClasses: new Map(),
    relayClientcerts: undefined,
    senderLoginMaps: undefined,
    saslAuthEnable: false,
    fingerprintDigest: 'sha256',
    accessMapsMatchParents: accessMapsMatchParents(DEFAULT_PARENT_DOMAIN_MATCHES_SUBDOMAINS),
    delayReject: true,
    relayBeforeRecipientChecks: true,
    codes: DEFAULT_REPLY_CODES,
    recipientDelimiter: '',
    nullAccessLookupKey: '<>',
    ...given,
    lists,
  };
}

/** parent_domain_matches_subdomains names smtpd_access_maps (the accessMapsMatchParents input). */
export function accessMapsMatchParents(parentDomainMatchesSubdomains: readonly string[]): boolean {
  return parentDomainMatchesSubdomains.includes('smtpd_access_maps');
}
