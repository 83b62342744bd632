// The built-in default configuration of `npm start`.
export { ensureDefaultConfiguration, DEFAULT_ROOT, FIRST_USER } from './first-run.js';
export type { FirstRunOptions, FirstRunResult } from './first-run.js';
export { firstRunInstructions } from './first-run-instructions.js';
export type { DefaultLayout } from './default-layout.js';
