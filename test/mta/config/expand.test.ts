import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ConfigError } from '../../../src/mta/config/config-error.js';
import { expandValue } from '../../../src/mta/config/expand.js';

function expand(text: string, values: Record<string, string>): string {
  return expandValue(text, { raw: (name) => values[name] });
}

test('$name, ${name} and $(name) expand recursively; $$ is a dollar', () => {
  const values = {
    myhostname: 'mail.example.com',
    mydomain: 'example.com',
    myorigin: '$mydomain',
    banner: '$myhostname ESMTP',
  };
  assert.equal(expand('$myhostname', values), 'mail.example.com');
  assert.equal(
    expand('${myhostname}, localhost.$(mydomain)', values),
    'mail.example.com, localhost.example.com',
  );
  assert.equal(expand('$myorigin', values), 'example.com');
  assert.equal(expand('${banner} $$5', values), 'mail.example.com ESMTP $5');
  assert.equal(expand('$undefined_name.', values), '.');
});

test('${name?value} and ${name:value} (postconf(5) "Parameter expansion")', () => {
  const values = { set: 'yes', empty: '', other: 'x' };
  assert.equal(expand('${set?got $other}', values), 'got x');
  assert.equal(expand('${empty?got $other}', values), '');
  assert.equal(expand('${missing?got}', values), '');
  assert.equal(expand('${set:fallback}', values), '');
  assert.equal(expand('${empty:fallback $other}', values), 'fallback x');
  assert.equal(expand('${missing:fallback}', values), 'fallback');
});

test('Postfix 3.5 ${name?{value}:{value}} and ${name?{value}}', () => {
  const values = { stress: 'yes', quiet: '' };
  assert.equal(expand('${stress?{10}:{300}}s', values), '10s');
  assert.equal(expand('${quiet?{10}:{300}}s', values), '300s');
  assert.equal(expand('${stress?{a, b}}', values), 'a, b');
  assert.equal(expand('${quiet:{no stress}}', values), 'no stress');
  assert.equal(
    expand('${multi_instance_name?{$multi_instance_name}:{postfix}}', values),
    'postfix',
  );
});

test('${{a} == {b} ? {…} : {…}} with ==, != and numeric <, <=, >, >=', () => {
  const values = { level: 'may', limit: '9' };
  assert.equal(expand('${{$level} == {may} ? {opportunistic} : {other}}', values), 'opportunistic');
  assert.equal(expand('${{$level} != {may} ? {other} : {opportunistic}}', values), 'opportunistic');
  assert.equal(expand('${{$limit} < {10} ? {below} : {not below}}', values), 'below');
  assert.equal(expand('${{$limit} <= {9} ? {yes} : {no}}', values), 'yes');
  assert.equal(expand('${{$limit} > {10} ? {yes} : {no}}', values), 'no');
  assert.equal(expand('${{$limit} >= {10} ? {yes} : {no}}', values), 'no');
  // Numbers compare as numbers: 9 < 10, though "9" > "10" as text.
  assert.equal(expand('${{9} < {10}?{lt}:{ge}}', values), 'lt');
  // Without an else branch the result is empty; a bare value is allowed.
  assert.equal(expand('${{a} == {b} ? {same}}', values), '');
  assert.equal(expand('${{a} == {a} ? same}', values), 'same');
});

test('compatibility levels compare with <level and friends (Postfix 3.6)', () => {
  const fingerprint = '${{$compatibility_level} <level {3.6} ? {md5} : {sha256}}';
  assert.equal(expand(fingerprint, { compatibility_level: '0' }), 'md5');
  assert.equal(expand(fingerprint, { compatibility_level: '3.5' }), 'md5');
  assert.equal(expand(fingerprint, { compatibility_level: '3.6' }), 'sha256');
  assert.equal(expand(fingerprint, { compatibility_level: '3.10' }), 'sha256');
  assert.equal(expand('${{3.6.1} >=level {3.6} ? {y} : {n}}', {}), 'y');
});

test('an expansion loop is an error naming the parameters', () => {
  assert.throws(
    () => expand('$a', { a: '$b', b: 'x ${a}' }),
    (err: unknown) => {
      assert.ok(err instanceof ConfigError);
      assert.match(err.message, /parameter expansion loop: a -> b -> a/);
      return true;
    },
  );
  assert.throws(
    () => expand('$self', { self: 'x$self' }),
    /parameter expansion loop: self -> self/,
  );
});

test("a reference chain deeper than Postfix's 100 levels is an error, not a stack overflow", () => {
  const values: Record<string, string> = { p0: 'end' };
  for (let i = 1; i <= 5000; i++) values[`p${i}`] = `$p${i - 1}`;
  assert.equal(expand('$p90', values), 'end');
  assert.throws(() => expand('$p5000', values), /unreasonable macro call nesting/);
});

test('bad syntax: unterminated ${, empty name, unknown operator, junk after a branch', () => {
  assert.throws(
    () => expand('x ${unterminated', {}),
    /truncated macro reference: "x \$\{unterminated"/,
  );
  assert.throws(() => expand('$(open', {}), /truncated macro reference/);
  assert.throws(() => expand('a$ b', {}), /empty macro name/);
  assert.throws(
    () => expand('${{9} <> {10} ? {x}}', {}),
    /"==", "!=", "<", "<=", ">=" or ">" expected/,
  );
  assert.throws(() => expand('${foo?{a}:{b}x}', {}), /unexpected input/);
  assert.throws(() => expand('${{1} == {1} : {x}}', {}), /"\?" expected/);
});
