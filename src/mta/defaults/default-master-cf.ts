/** The master.cf of the built-in default configuration: three local listeners, the internal services and the delivery agents. */
export function defaultMasterCf(): string {
  return `# master.cf written by postern on first run (see master(5)); edit freely.
# Each line is one service: service type private unpriv chroot wakeup maxproc command [args].
# A "-" takes the column's default; "-o name=value" overrides main.cf for that service only.
#
# service        type  private unpriv chroot wakeup maxproc command
# ==========================================================================
# SMTP on 2525: TLS is offered with STARTTLS (smtpd_tls_security_level = may in main.cf).
127.0.0.1:2525   inet  n       -      n      -      -       smtpd
# SMTPS on 2465: TLS from the first byte (RFC 8314 implicit TLS), AUTH offered.
127.0.0.1:2465   inet  n       -      n      -      -       smtpd
  -o smtpd_tls_wrappermode=yes
  -o smtpd_sasl_auth_enable=yes
# Submission on 2587: STARTTLS required, AUTH only inside TLS, relaying only for authenticated users.
127.0.0.1:2587   inet  n       -      n      -      -       smtpd
  -o smtpd_tls_security_level=encrypt
  -o smtpd_sasl_auth_enable=yes
  -o smtpd_tls_auth_only=yes
  -o smtpd_relay_restrictions=permit_sasl_authenticated,reject
# The PRNG exchange file and the TLS session cache.
tlsmgr           unix  -       -      n      1000?  1       tlsmgr
# The queue manager: moves messages from incoming to active and schedules deliveries.
qmgr             unix  n       -      n      300    1       qmgr
# Local delivery to Maildirs under virtual_mailbox_base.
local            unix  -       n      n      -      -       local
# Remote delivery (smtp(8)): MX lookup, STARTTLS per smtp_tls_security_level; relay is relay_domains' transport.
smtp             unix  -       -      n      -      -       smtp
relay            unix  -       -      n      -      -       smtp
`;
}
