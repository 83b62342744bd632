// The X.509 layer's public surface.
export { loadCertificates, loadPrivateKey, loadCertificateAndKey } from './load.js';
export type { CertificateAndKey } from './load.js';
export { TrustStore } from './trust-store.js';
export type { TrustStoreOptions } from './trust-store.js';
export { parseCertificate } from './certificate.js';
export type { Certificate } from './certificate.js';
export type { PrivateKey } from './private-key.js';
export { certificateFingerprint, publicKeyFingerprint, formatFingerprint } from './fingerprint.js';
export type { FingerprintDigest } from './fingerprint.js';
export { matchHostname, matchDnsName, parseIpAddress } from './hostname.js';
export { verifyChain, DEFAULT_VERIFY_DEPTH } from './verify.js';
export type { VerifyOptions, VerifyResult } from './verify.js';
export { parsePem, encodePem } from './pem.js';
export { loadDhParameters, checkDhParameters } from './dh-params.js';
export type { DhParameters } from './dh-params.js';
export { buildSelfSignedCertificate } from './certificate-builder.js';
export type { SelfSigned, SelfSignedOptions, SelfSignedKeyType } from './certificate-builder.js';
export { encodePkcs8Pem } from './private-key-write.js';
