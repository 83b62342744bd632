import assert from 'node:assert/strict';
import { test } from 'node:test';
import fc from 'fast-check';
import { ConfigError } from '../../../src/mta/config/config-error.js';
import { expandValue } from '../../../src/mta/config/expand.js';
import { parseMainCf } from '../../../src/mta/config/main-cf.js';
import { parseMasterCf } from '../../../src/mta/config/master-cf.js';
import { ServicesFile } from '../../../src/mta/config/services-file.js';

// Configuration text is input: whatever it holds, the parsers return or throw a ConfigError, nothing else.
const configText = fc.stringMatching(/^[-a-z_ ={}$()?:<>!#,\t\n0-9.[\]]{0,120}$/);

function onlyConfigErrors(run: () => unknown): void {
  try {
    run();
  } catch (err) {
    assert.ok(err instanceof ConfigError, String(err));
  }
}

test('expansion of arbitrary text returns or throws a ConfigError', () => {
  const values: Record<string, string> = {
    a: '${b?{x}:{y}}',
    b: '$a',
    c: '${{$a} == {1} ? {x}}',
    d: '',
  };
  fc.assert(
    fc.property(configText, (text) =>
      onlyConfigErrors(() => expandValue(text, { raw: (name) => values[name] })),
    ),
    { numRuns: 2000 },
  );
});

test('main.cf and master.cf parsers on arbitrary text return or throw a ConfigError', () => {
  const services = ServicesFile.parse('smtp 25/tcp\n', '/tmp/services');
  fc.assert(
    fc.property(configText, (text) => {
      onlyConfigErrors(() => parseMainCf(text, '/tmp/main.cf'));
      onlyConfigErrors(() => parseMasterCf(text, '/tmp/master.cf', services));
    }),
    { numRuns: 2000 },
  );
});
