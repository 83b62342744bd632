// What a queue file holds (the documented format is in queue-file.ts).

/** RFC 3461 §4.1 NOTIFY values, or NEVER. */
export type DsnNotify = 'SUCCESS' | 'FAILURE' | 'DELAY';

export interface QueuedRecipient {
  readonly address: string;
  /** RFC 3461 §4.2 ORCPT, as `addr-type;xtext` */
  readonly orcpt?: string;
  /** RFC 3461 §4.1; absent means the default (FAILURE and DELAY); an empty list means NEVER. */
  readonly notify?: readonly DsnNotify[];
}

/** The client facts a Received header and a bounce need (postconf(5) smtpd_tls_received_header). */
export interface ClientFacts {
  readonly name: string;
  readonly address: string;
  readonly helo?: string;
  /** SMTP, ESMTP, ESMTPS, ESMTPSA … (RFC 3848) */
  readonly protocol: string;
  readonly tls?: {
    readonly protocol: string;
    readonly cipher: string;
    readonly peerCertificate?: string;
    readonly peerVerified?: boolean;
  };
  readonly saslUser?: string;
}

export interface QueuedEnvelope {
  /** Milliseconds since the epoch. */
  readonly arrivalTime: number;
  /** The envelope sender; '' is the null sender (RFC 5321 §4.5.5). */
  readonly sender: string;
  /** RFC 3461 §4.3 RET. */
  readonly ret?: 'FULL' | 'HDRS';
  /** RFC 3461 §4.4 ENVID (xtext as received). */
  readonly envid?: string;
  readonly client?: ClientFacts;
}

export interface NewMessage extends QueuedEnvelope {
  readonly recipients: readonly QueuedRecipient[];
  readonly content: Uint8Array;
}

/** A recipient's final result, appended once delivery to it ended (delivered or bounced). */
export interface RecipientResult {
  readonly index: number;
  /** 'sent' or 'bounced' (Postfix's status words); 'expanded' when aliasing replaced it. */
  readonly status: 'sent' | 'bounced' | 'expanded';
  /** RFC 3463 status code, e.g. 2.0.0 or 5.1.1 */
  readonly dsnStatus: string;
  readonly diagnostic: string;
  readonly time: number;
}

export interface DeferralNote {
  readonly time: number;
  readonly reason: string;
}

/** A queue file read back. */
export interface QueuedMessage extends NewMessage {
  readonly id: string;
  readonly results: readonly RecipientResult[];
  readonly deferrals: readonly DeferralNote[];
  readonly warned: boolean;
  /** Recipients without a final result, with their index in `recipients`. */
  readonly pending: readonly { readonly index: number; readonly recipient: QueuedRecipient }[];
}
