// The PRNG layer's public surface.
export type { Random } from './random.js';
export { createSystemRandom, readEntropyFile, EntropySourceError } from './system.js';
export type { SystemRandom, SystemRandomOptions } from './system.js';
export { HmacDrbg } from './hmac-drbg.js';
export { deterministicRandom, scriptedRandom } from './deterministic.js';
export { createEntropyPool, processEntropyPool } from './create-entropy-pool.js';
export type { EntropyPoolOptions } from './create-entropy-pool.js';
export { EntropyPool, PrngUnseededError, MIN_SEED_BYTES } from './entropy-pool.js';
export type { EntropyInput, EntropyPoolConfig } from './entropy-pool.js';
export {
  DEFAULT_OS_RANDOM_SOURCE,
  exchangeFileInput,
  osInput,
  sourceInput,
} from './entropy-inputs.js';
export { parseEntropySource, readEntropySource, EntropySourceSpecError } from './entropy-source.js';
export type { EntropySourceSpec } from './entropy-source.js';
export { syncPath, syncPathSync } from './sync-path.js';
export { EXCHANGE_FILE_SIZE, readExchangeFile, writeExchangeFile } from './exchange-file.js';
export { EgdClient, readEgd } from './egd-client.js';
export { systemClock, ManualClock } from './clock.js';
export type { Clock, Timer } from './clock.js';
export type { Logger } from './logger.js';
export { stderrLogger } from './logger.js';
