// smtpd's TLS server side from main.cf (postconf(5) smtpd_tls_*; the seed's
// Postfix/TLS parameters): certificates, trust and client certificates,
// protocols and ciphers, DH parameters, the session cache.
import { readFileSync } from 'node:fs';
import type { Random } from '../../prng/index.js';
import type { CertifiedKey, ClientAuth, ServerOptions, SessionStore } from '../../tls/index.js';
import { parseCipherList, sessionTimeout } from '../../tls/index.js';
import {
  loadCertificateAndKey,
  loadCertificates,
  loadDhParameters,
  loadKeyChains,
  TrustStore,
} from '../../x509/index.js';
import type { ParameterSet } from '../config/index.js';
import { cipherString } from './cipher-grade.js';
import { protocolRange } from './protocol-range.js';

export type SmtpdTlsLevel = 'none' | 'may' | 'encrypt';

export class TlsSetupError extends Error {
  constructor(parameter: string, detail: string) {
    super(`${parameter}: ${detail}`);
    this.name = 'TlsSetupError';
  }
}

/**
 * Postfix's precedence (TLS_README): smtpd_tls_security_level when set,
 * else smtpd_enforce_tls = yes is `encrypt`, else smtpd_use_tls = yes is `may`.
 */
export function smtpdTlsLevel(p: ParameterSet): SmtpdTlsLevel {
  const level = p.string('smtpd_tls_security_level');
  if (level !== '') return level as SmtpdTlsLevel;
  if (p.bool('smtpd_enforce_tls')) return 'encrypt';
  return p.bool('smtpd_use_tls') ? 'may' : 'none';
}

function loadPair(certParameter: string, certFile: string, keyFile: string): CertifiedKey {
  try {
    return loadCertificateAndKey(certFile, keyFile);
  } catch (e) {
    throw new TlsSetupError(
      certParameter,
      `cannot load ${certFile} (key ${keyFile}): ${(e as Error).message}`,
    );
  }
}

/** The files of one chain-files list (postconf(5) smtpd_tls_chain_files: key1, cert1, [chain1], key2, …). */
export function loadChainFiles(parameter: string, files: readonly string[]): CertifiedKey[] {
  try {
    return loadKeyChains(files);
  } catch (e) {
    throw new TlsSetupError(parameter, (e as Error).message);
  }
}

/** smtpd_tls_chain_files (Postfix 3.4) wins over the *_cert_file/*_key_file pairs, which are then ignored with a warning, as in Postfix. */
function certificates(p: ParameterSet, log: (line: string) => void): CertifiedKey[] {
  const pairs: [string, string, string][] = [
    ['smtpd_tls_cert_file', p.string('smtpd_tls_cert_file'), p.string('smtpd_tls_key_file')],
    ['smtpd_tls_dcert_file', p.string('smtpd_tls_dcert_file'), p.string('smtpd_tls_dkey_file')],
    ['smtpd_tls_eccert_file', p.string('smtpd_tls_eccert_file'), p.string('smtpd_tls_eckey_file')],
  ];
  const legacy = pairs.filter(([, cert]) => cert !== '');
  const chains = p.list('smtpd_tls_chain_files');
  if (chains.length > 0) {
    if (legacy.length > 0)
      log(
        `warning: smtpd_tls_chain_files is set: ignoring ${legacy.map(([name]) => name).join(', ')}`,
      );
    return loadChainFiles('smtpd_tls_chain_files', chains);
  }
  return legacy.map(([name, cert, key]) => loadPair(name, cert, key === '' ? cert : key));
}

/** smtpd_tls_ask_ccert / smtpd_tls_req_ccert; the seed: req_ccert without enforced TLS only asks, and says so. */
function clientAuth(
  p: ParameterSet,
  level: SmtpdTlsLevel,
  log: (line: string) => void,
): ClientAuth {
  if (p.bool('smtpd_tls_req_ccert')) {
    if (level === 'encrypt') return 'required';
    log(
      'warning: smtpd_tls_req_ccert = yes has effect only with enforced TLS (smtpd_enforce_tls or smtpd_tls_security_level = encrypt): asking for a client certificate without requiring it',
    );
    return 'optional';
  }
  return p.bool('smtpd_tls_ask_ccert') ? 'optional' : 'none';
}

function trust(p: ParameterSet): { trustStore?: TrustStore; clientCaNames?: Uint8Array[] } {
  const caFile = p.string('smtpd_tls_CAfile');
  const caPath = p.string('smtpd_tls_CApath');
  if (caFile === '' && caPath === '') return {};
  try {
    const trustStore = TrustStore.load({
      ...(caFile !== '' ? { caFile } : {}),
      ...(caPath !== '' ? { caPath } : {}),
    });
    // Only the CAfile's names go in CertificateRequest, as in Postfix (the CApath is read lazily, by hash).
    const clientCaNames = caFile !== '' ? loadCertificates(caFile).map((c) => c.subject.der) : [];
    return { trustStore, clientCaNames };
  } catch (e) {
    throw new TlsSetupError(
      caFile !== '' ? 'smtpd_tls_CAfile' : 'smtpd_tls_CApath',
      (e as Error).message,
    );
  }
}

/** smtpd_tls_dh1024_param_file; the dh512 file is parsed and checked, then unused (no export suites), as modern Postfix. */
function dhParams(
  p: ParameterSet,
  random: Random,
  log: (line: string) => void,
): ServerOptions['dhParams'] {
  const dh512 = p.string('smtpd_tls_dh512_param_file');
  if (dh512 !== '') {
    readDh('smtpd_tls_dh512_param_file', dh512, random);
    log(
      `smtpd_tls_dh512_param_file = ${dh512}: checked and not used: postern has no export cipher suites`,
    );
  }
  const file = p.string('smtpd_tls_dh1024_param_file');
  if (file === '') return undefined;
  const params = readDh('smtpd_tls_dh1024_param_file', file, random);
  return { p: params.p, g: params.g };
}

function readDh(
  parameter: string,
  file: string,
  random: Random,
): { p: bigint; g: bigint; bits: number } {
  try {
    return loadDhParameters(readFileSync(file, 'latin1'), random);
  } catch (e) {
    throw new TlsSetupError(parameter, `${file}: ${(e as Error).message}`);
  }
}

export interface ServerTlsInputs {
  readonly params: ParameterSet;
  readonly random: Random;
  readonly sessionStore?: SessionStore;
  readonly log: (line: string) => void;
}

/** The TLS server options of one smtpd service, or undefined when it has no certificate. */
export function serverTlsOptions(i: ServerTlsInputs): ServerOptions | undefined {
  const p = i.params;
  const certs = certificates(p, i.log);
  if (certs.length === 0) return undefined;
  const level = smtpdTlsLevel(p);
  const mandatory = level === 'encrypt' || p.bool('smtpd_tls_wrappermode');
  const protocolsParameter = mandatory ? 'smtpd_tls_mandatory_protocols' : 'smtpd_tls_protocols';
  const protocols = p.raw(protocolsParameter);
  const ciphers = cipherString(p, 'smtpd', mandatory);
  let tls12: ReturnType<typeof parseCipherList>['tls12'];
  try {
    tls12 = parseCipherList(ciphers).tls12;
  } catch (e) {
    throw new TlsSetupError(
      mandatory ? 'smtpd_tls_mandatory_ciphers' : 'smtpd_tls_ciphers',
      `${ciphers}: ${(e as Error).message}`,
    );
  }
  const dh = dhParams(p, i.random, i.log);
  const auth = clientAuth(p, level, i.log);
  const timeout = sessionTimeout(
    p.time('smtpd_tls_session_cache_timeout'),
    'smtpd_tls_session_cache_timeout',
  );
  return {
    random: i.random,
    certificates: certs,
    clientAuth: auth,
    ...trust(p),
    // Postfix hands OpenSSL depth + 1; our verifyDepth counts intermediates below the anchor, the same chain length.
    verifyDepth: p.int('smtpd_tls_ccert_verifydepth'),
    // Asked-for certificates are recorded and matched (permit_tls_clientcerts), an unverified one is not fatal;
    // smtpd_tls_req_ccert wants a verified one (postconf(5)).
    rejectUnauthorized: auth === 'required',
    ...protocolRange(p.protocols(protocolsParameter), protocolsParameter, protocols),
    tls12CipherSuites: tls12,
    ...(dh !== undefined ? { dhParams: dh } : {}),
    sessionTimeout: timeout,
    ...(i.sessionStore !== undefined ? { sessionStore: i.sessionStore } : {}),
  };
}
