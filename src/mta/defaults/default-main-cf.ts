import type { DefaultLayout } from './default-layout.js';

/** The main.cf of the built-in default configuration, commented block by block for a person to edit. */
export function defaultMainCf(l: DefaultLayout, hostname: string, mydomain: string): string {
  const destinations = hostname === 'localhost' ? '$myhostname' : '$myhostname, localhost';
  return `# main.cf written by postern on first run. postern reads it as Postfix 3.x
# does (postconf(5)); edit it and run "postern reload". postern never
# rewrites this file once it exists.

# Which defaults apply: those of Postfix 3.6.
compatibility_level = 3.6

# This machine's names, and the domains delivered here.
myhostname = ${hostname}
mydomain = ${mydomain}
mydestination = ${destinations}
# No relaying to other domains; only mydestination is delivered.
relay_domains =

# Listen on the loopback address only; trust only local clients.
inet_interfaces = 127.0.0.1
mynetworks = 127.0.0.0/8 [::1]/128

# The durable queue and the writable data (caches, PRNG exchange file).
queue_directory = ${l.queueDirectory}
data_directory = ${l.dataDirectory}

# The log: this file (maillog_file_prefixes must allow it).
maillog_file = ${l.logFile}
maillog_file_prefixes = /var, /dev/stdout, ${l.logDirectory}

# Local delivery, without system accounts: postern's local delivery puts
# user's mail in $virtual_mailbox_base/user/Maildir/ (home_mailbox below it).
home_mailbox = Maildir/
virtual_mailbox_base = ${l.mailDirectory}

# Aliases and the known local users, as texthash: tables (plain "key value"
# lines, no postmap needed). Unknown users are refused at RCPT time (550 5.1.1).
alias_maps = texthash:${l.aliases}
alias_database = $alias_maps
local_recipient_maps = texthash:${l.localUsers} $alias_maps

# Server TLS: an RSA and an ECDSA certificate, self-signed by postern on
# first run; replace them with your own (server certificate first, then its chain).
smtpd_tls_cert_file = ${l.rsaCert}
smtpd_tls_key_file = ${l.rsaKey}
smtpd_tls_eccert_file = ${l.ecdsaCert}
smtpd_tls_eckey_file = ${l.ecdsaKey}
# Offer STARTTLS, do not require it (master.cf's submission service requires it).
smtpd_tls_security_level = may
# Record the TLS protocol and cipher in the Received: header; log each TLS session.
smtpd_tls_received_header = yes
smtpd_tls_loglevel = 1
smtpd_tls_session_cache_database = btree:${l.dataDirectory}/smtpd_scache

# SMTP AUTH with postern's built-in back end: user and scrypt secret per line
# ("postern saslpasswd -f FILE USER" adds or changes one). master.cf enables
# AUTH on the 2465 and 2587 services.
smtpd_sasl_type = postern
smtpd_sasl_password_maps = texthash:${l.saslPasswd}

# The PRNG exchange file that tlsmgr keeps.
tls_random_exchange_name = ${l.dataDirectory}/prng_exch
`;
}
