import type { Random } from '../../prng/random.js';
import { createSystemRandom } from '../../prng/system.js';

let shared: Random | undefined;

/** The process's system DRBG, created on first use, for callers that pass no `random`. */
export function defaultRandom(): Random {
  shared ??= createSystemRandom();
  return shared;
}
