import { createHash as nodeCreateHash } from 'node:crypto';
import { hmac as nobleHmac } from '@noble/hashes/hmac.js';
import { sha256 as nobleSha256 } from '@noble/hashes/sha2.js';
import { hash } from '../src/crypto/hash.js';
import { hmac } from '../src/crypto/hmac.js';
import type { BenchSuite } from './harness.js';

const block = new Uint8Array(16384).fill(0x61);
const key = new Uint8Array(32).fill(7);

export const suites: BenchSuite[] = [
  {
    name: 'hashes (16 KiB input)',
    cases: [
      {
        name: 'SHA-256',
        bytes: block.length,
        ours: () => void hash('sha256', block),
        referenceName: 'node:crypto',
        reference: () => void nodeCreateHash('sha256').update(block).digest(),
      },
      {
        name: 'SHA-384',
        bytes: block.length,
        ours: () => void hash('sha384', block),
        referenceName: 'node:crypto',
        reference: () => void nodeCreateHash('sha384').update(block).digest(),
      },
      {
        name: 'HMAC-SHA256, 64-byte input',
        ours: () => void hmac('sha256', key, block.subarray(0, 64)),
        referenceName: 'raw noble hmac',
        reference: () => void nobleHmac(nobleSha256, key, block.subarray(0, 64)),
        goal: 'ratio ≤ 1.05',
      },
      {
        name: 'SHA-256 (16 KiB) against raw noble',
        bytes: block.length,
        ours: () => void hash('sha256', block),
        referenceName: 'raw noble sha256',
        reference: () => void nobleSha256(block),
        goal: 'ratio ≤ 1.05',
      },
    ],
  },
];
