// The PRNG layer's public surface.
export type { Random } from './random.js';
export { createSystemRandom, readEntropyFile, EntropySourceError } from './system.js';
export type { SystemRandom, SystemRandomOptions } from './system.js';
export { HmacDrbg } from './hmac-drbg.js';
export { deterministicRandom, scriptedRandom } from './deterministic.js';
