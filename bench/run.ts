import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import Benchmark from 'benchmark';
import type { BenchCase, BenchReport, BenchSuite } from './harness.js';

/**
 * Runs every `bench/*.ts` suite: each case's `ours` and `reference` one
 * after the other in this process, and prints both rates and the ratio.
 * `npm run bench -- WORD…` runs only the cases whose suite or case name
 * contains one of the words; `--quick` shortens each measurement.
 */
const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const filters = argv.filter((a) => !a.startsWith('--')).map((a) => a.toLowerCase());
const maxTime = quick ? 0.5 : 2;

/** Operations per second of a case's `ours` or `reference`; an asynchronous one is timed with benchmark.js's deferred mode. */
function measure(
  name: string,
  fn: { async?: undefined; run: () => void } | { async: true; run: () => Promise<void> },
): Promise<number> {
  return new Promise((resolve, reject) => {
    let failure: unknown;
    const b = fn.async
      ? new Benchmark(name, {
          defer: true,
          maxTime,
          minSamples: 5,
          fn: (d: Benchmark.Deferred) => {
            fn.run().then(
              () => d.resolve(),
              (err: unknown) => {
                failure ??= err;
                d.resolve();
              },
            );
          },
        })
      : new Benchmark(name, fn.run, { maxTime, minSamples: 5 });
    b.on('complete', () => {
      const error: unknown = failure ?? b.error;
      if (error !== undefined) reject(error instanceof Error ? error : new Error(String(error)));
      else resolve(b.hz);
    });
    b.run();
  });
}

function formatRate(
  hz: number,
  bytes: number | undefined,
  per?: { count: number; unit: string },
): string {
  if (per !== undefined) return `${(hz * per.count).toFixed(0)} ${per.unit}/s`;
  if (bytes !== undefined) return `${((hz * bytes) / 1e6).toFixed(1)} MB/s`;
  if (hz >= 1e5) return `${(hz / 1e3).toFixed(0)}k ops/s`;
  return `${hz.toFixed(hz < 100 ? 1 : 0)} ops/s`;
}

function wanted(suite: BenchSuite, c: BenchCase): boolean {
  if (filters.length === 0) return true;
  const text = `${suite.name} ${c.name}`.toLowerCase();
  return filters.some((f) => text.includes(f));
}

const here = fileURLToPath(new URL('.', import.meta.url));
const files = readdirSync(here)
  .filter((f) => f.endsWith('.js') && f !== 'run.js' && f !== 'harness.js')
  .sort();

console.log(`postern benchmarks, node ${process.version}, ${quick ? 'quick' : 'full'} run`);
console.log(
  'ratio = postern time ÷ reference time for one operation (lower is better; 0.5 = twice as fast as the reference)\n',
);
for (const file of files) {
  const mod = (await import(new URL(file, import.meta.url).href)) as {
    suites?: BenchSuite[];
    reports?: BenchReport[];
  };
  for (const report of mod.reports ?? []) await report.run({ quick, filters });
  for (const suite of mod.suites ?? []) {
    const cases = suite.cases.filter((c) => wanted(suite, c));
    if (cases.length === 0) continue;
    console.log(`== ${suite.name}`);
    for (const c of cases) {
      const ours = await measure(
        `${c.name} (postern)`,
        c.oursAsync === true
          ? { async: true, run: c.ours as () => Promise<void> }
          : { run: c.ours },
      );
      const ref = await measure(
        `${c.name} (${c.referenceName})`,
        c.async ? { async: true, run: c.reference } : { run: c.reference },
      );
      const ratio = ref / ours;
      console.log(
        `  ${c.name.padEnd(44)} postern ${formatRate(ours, c.bytes, c.per).padStart(14)}   ${c.referenceName} ${formatRate(ref, c.bytes, c.per).padStart(14)}   ratio ${ratio.toFixed(2).padStart(6)}${c.goal ? `   goal: ${c.goal}` : ''}`,
      );
    }
  }
}
