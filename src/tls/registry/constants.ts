/** RFC 8446 §5.1 ContentType (heartbeat, RFC 6520, is out of scope and so unknown). */
export const ContentType = {
  change_cipher_spec: 20,
  alert: 21,
  handshake: 22,
  application_data: 23,
} as const;

/** RFC 8446 §4 and RFC 5246 §7.4 HandshakeType. */
export const HandshakeType = {
  hello_request: 0,
  client_hello: 1,
  server_hello: 2,
  hello_verify_request: 3,
  new_session_ticket: 4,
  end_of_early_data: 5,
  hello_retry_request_RESERVED: 6,
  encrypted_extensions: 8,
  certificate: 11,
  server_key_exchange: 12,
  certificate_request: 13,
  server_hello_done: 14,
  certificate_verify: 15,
  client_key_exchange: 16,
  finished: 20,
  certificate_url: 21,
  certificate_status: 22,
  key_update: 24,
  message_hash: 254,
} as const;

/** IANA TLS ExtensionType values (RFC 8446 §4.2 and the RFCs named beside each). */
export const ExtensionType = {
  server_name: 0, // RFC 6066
  max_fragment_length: 1, // RFC 6066
  status_request: 5, // RFC 6066
  supported_groups: 10, // RFC 8422, RFC 7919
  ec_point_formats: 11, // RFC 8422
  signature_algorithms: 13, // RFC 8446
  use_srtp: 14, // RFC 5764
  heartbeat: 15, // RFC 6520
  application_layer_protocol_negotiation: 16, // RFC 7301
  signed_certificate_timestamp: 18, // RFC 6962
  client_certificate_type: 19, // RFC 7250
  server_certificate_type: 20, // RFC 7250
  padding: 21, // RFC 7685
  encrypt_then_mac: 22, // RFC 7366
  extended_master_secret: 23, // RFC 7627
  compress_certificate: 27, // RFC 8879
  record_size_limit: 28, // RFC 8449
  session_ticket: 35, // RFC 5077
  pre_shared_key: 41,
  early_data: 42,
  supported_versions: 43,
  cookie: 44,
  psk_key_exchange_modes: 45,
  certificate_authorities: 47,
  oid_filters: 48,
  post_handshake_auth: 49,
  signature_algorithms_cert: 50,
  key_share: 51,
  renegotiation_info: 0xff01, // RFC 5746
} as const;

/** ProtocolVersion code points (RFC 8446 §4.2.1; SSL 3.0 only to name what we refuse). */
export const ProtocolVersion = {
  ssl3_0: 0x0300,
  tls1_0: 0x0301,
  tls1_1: 0x0302,
  tls1_2: 0x0303,
  tls1_3: 0x0304,
} as const;

/** RFC 8446 §4.2.9 PskKeyExchangeMode. */
export const PskKeyExchangeMode = {
  psk_ke: 0,
  psk_dhe_ke: 1,
} as const;

/** RFC 8422 §5.1.2 ECPointFormat. */
export const ECPointFormat = {
  uncompressed: 0,
  ansiX962_compressed_prime: 1,
  ansiX962_compressed_char2: 2,
} as const;

/** RFC 8422 §5.4 ECCurveType; only named_curve is allowed (RFC 8422 §5.4). */
export const ECCurveType = {
  explicit_prime_RESERVED: 1,
  explicit_char2_RESERVED: 2,
  named_curve: 3,
} as const;

/** RFC 5246 §7.4.4 / RFC 8422 §5.5 ClientCertificateType. */
export const ClientCertificateType = {
  rsa_sign: 1,
  dss_sign: 2,
  rsa_fixed_dh: 3,
  dss_fixed_dh: 4,
  ecdsa_sign: 64,
  rsa_fixed_ecdh: 65,
  ecdsa_fixed_ecdh: 66,
} as const;

/** RFC 8446 §4.6.3 KeyUpdateRequest. */
export const KeyUpdateRequest = {
  update_not_requested: 0,
  update_requested: 1,
} as const;

/** RFC 6066 §3 NameType. */
export const NameType = {
  host_name: 0,
} as const;

/** RFC 6066 §8 CertificateStatusType. */
export const CertificateStatusType = {
  ocsp: 1,
} as const;
