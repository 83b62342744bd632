import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describe, nameOf } from '../../../src/tls/registry/names.js';
import { CipherSuite } from '../../../src/tls/registry/cipher-suite.js';
import { NamedGroup, isFfdheGroup } from '../../../src/tls/registry/named-group.js';
import { SignatureScheme } from '../../../src/tls/registry/signature-scheme.js';
import {
  ContentType,
  ExtensionType,
  HandshakeType,
  ProtocolVersion,
} from '../../../src/tls/registry/constants.js';

test('code points name themselves; unknown codes print as hex', () => {
  assert.equal(nameOf(CipherSuite, 0x1301), 'TLS_AES_128_GCM_SHA256');
  assert.equal(nameOf(CipherSuite, 0xc030), 'TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384');
  assert.equal(nameOf(CipherSuite, 0x00ff), 'TLS_EMPTY_RENEGOTIATION_INFO_SCSV');
  assert.equal(nameOf(CipherSuite, 0x5600), 'TLS_FALLBACK_SCSV');
  assert.equal(nameOf(CipherSuite, 0x0a0a), '0x0a0a');
  assert.equal(nameOf(NamedGroup, 0x11ec), 'X25519MLKEM768');
  assert.equal(nameOf(SignatureScheme, 0x0402), 'dsa_sha256');
  assert.equal(nameOf(SignatureScheme, 0x0201), 'rsa_pkcs1_sha1');
  assert.equal(nameOf(ExtensionType, 0xff01), 'renegotiation_info');
  assert.equal(nameOf(HandshakeType, 254, 2), 'message_hash');
  assert.equal(nameOf(ContentType, 24, 2), '0x18');
  assert.equal(describe(ProtocolVersion, 0x0304), 'tls1_3 (0x0304)');
  assert.equal(describe(NamedGroup, 0x2a2a), 'unknown (0x2a2a)');
  assert.ok(isFfdheGroup(NamedGroup.ffdhe3072) && !isFfdheGroup(NamedGroup.x25519));
});
