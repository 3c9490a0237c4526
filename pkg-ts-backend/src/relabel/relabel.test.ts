import { Labels, labelsFromRecord, labelsToRecord } from '../model/labels';
import { compileAnchored } from '../model/regex';
import { md5Sum64, relabel, RelabelConfig } from './relabel';

function step(partial: Partial<Omit<RelabelConfig, 'regex'>> & { regex?: string }): RelabelConfig {
  return {
    sourceLabels: partial.sourceLabels ?? [],
    separator: partial.separator ?? ';',
    regex: compileAnchored(partial.regex ?? '(.*)'),
    modulus: partial.modulus ?? 0,
    targetLabel: partial.targetLabel ?? '',
    replacement: partial.replacement ?? '$1',
    action: partial.action ?? 'replace',
  };
}

function run(input: Record<string, string>, ...steps: RelabelConfig[]): Record<string, string> | null {
  const out = relabel(labelsFromRecord(input), steps);
  return out === null ? null : labelsToRecord(out);
}

describe('replace', () => {
  test('joins source labels with the separator and writes the first group', () => {
    expect(run({ a: 'foo', b: 'bar' }, step({ sourceLabels: ['a', 'b'], regex: 'f(.*);(.*)r', targetLabel: 'c', replacement: 'ch${1}-ch${2}' }))).toEqual({
      a: 'foo',
      b: 'bar',
      c: 'choo-chba',
    });
  });

  test('no match leaves labels untouched; the regex is anchored', () => {
    expect(run({ a: 'boo' }, step({ sourceLabels: ['a'], regex: 'f', targetLabel: 'b', replacement: 'bar' }))).toEqual({ a: 'boo' });
    expect(run({ a: 'xfoo' }, step({ sourceLabels: ['a'], regex: 'foo', targetLabel: 'b', replacement: 'bar' }))).toEqual({ a: 'xfoo' });
  });

  test('missing source labels count as empty strings', () => {
    expect(run({ a: 'x' }, step({ sourceLabels: ['a', 'missing', 'a'], targetLabel: 't' }))).toEqual({ a: 'x', t: 'x;;x' });
  });

  test('an empty result deletes the target label', () => {
    expect(run({ a: 'foo', b: 'bar' }, step({ sourceLabels: ['a'], regex: 'f(.*)', targetLabel: 'b', replacement: '$2' }))).toEqual({ a: 'foo' });
  });

  test('target label may use groups; an invalid expanded name is skipped', () => {
    expect(run({ a: 'some-name-value' }, step({ sourceLabels: ['a'], regex: 'some-([^-]+)-([^,]+)', targetLabel: '${1}', replacement: '${2}' }))).toEqual({
      a: 'some-name-value',
      name: 'value',
    });
    expect(run({ a: 'foo' }, step({ sourceLabels: ['a'], regex: 'x(.*)', targetLabel: '$1', replacement: 'y' }))).toEqual({ a: 'foo' });
  });

  test('Go template rules: $1_x names group "1_x", $$ is a dollar, named groups work', () => {
    expect(run({ a: 'foo' }, step({ sourceLabels: ['a'], targetLabel: 't', replacement: '$1_x' }))).toEqual({ a: 'foo' });
    expect(run({ a: 'foo' }, step({ sourceLabels: ['a'], targetLabel: 't', replacement: '${1}_x' }))).toEqual({ a: 'foo', t: 'foo_x' });
    expect(run({ a: 'foo' }, step({ sourceLabels: ['a'], targetLabel: 't', replacement: '$$1' }))).toEqual({ a: 'foo', t: '$1' });
    expect(run({ a: 'k=v' }, step({ sourceLabels: ['a'], regex: '(?P<key>[^=]+)=(?P<val>.*)', targetLabel: 't', replacement: '$val/${key}' }))).toEqual({
      a: 'k=v',
      t: 'v/k',
    });
  });

  test('dot matches newlines (Prometheus 3)', () => {
    expect(run({ a: 'foo\nbar' }, step({ sourceLabels: ['a'], regex: 'foo.bar', targetLabel: 'm', replacement: 'yes' }))).toEqual({ a: 'foo\nbar', m: 'yes' });
  });

  test('steps see the result of earlier steps', () => {
    expect(
      run({ a: 'foo' }, step({ sourceLabels: ['a'], targetLabel: 'b', replacement: 'x$1' }), step({ sourceLabels: ['b'], targetLabel: 'c', replacement: '${1}y' }))
    ).toEqual({ a: 'foo', b: 'xfoo', c: 'xfooy' });
  });
});

describe('keep and drop', () => {
  test('keep drops what does not match', () => {
    expect(run({ a: 'foo' }, step({ action: 'keep', sourceLabels: ['a'], regex: 'f.*' }))).toEqual({ a: 'foo' });
    expect(run({ a: 'boo' }, step({ action: 'keep', sourceLabels: ['a'], regex: 'f.*' }))).toBeNull();
  });

  test('drop drops what matches; an empty value matches an empty regex', () => {
    expect(run({ a: 'foo' }, step({ action: 'drop', sourceLabels: ['a'], regex: 'f.*' }))).toBeNull();
    expect(run({ a: 'boo' }, step({ action: 'drop', sourceLabels: ['a'], regex: 'f.*' }))).toEqual({ a: 'boo' });
    expect(run({ a: 'boo' }, step({ action: 'drop', sourceLabels: ['missing'], regex: '' }))).toBeNull();
  });

  test('a dropped set stops later steps', () => {
    expect(run({ a: 'foo' }, step({ action: 'drop', sourceLabels: ['a'] }), step({ targetLabel: 'x', replacement: 'y' }))).toBeNull();
  });
});

describe('keepequal and dropequal', () => {
  test('compare the source value with the target label', () => {
    const same = { __tmp_port: '1234', __port1: '1234' };
    const different = { __tmp_port: '1234', __port1: '5678' };
    expect(run(same, step({ action: 'keepequal', sourceLabels: ['__tmp_port'], targetLabel: '__port1' }))).toEqual(same);
    expect(run(different, step({ action: 'keepequal', sourceLabels: ['__tmp_port'], targetLabel: '__port1' }))).toBeNull();
    expect(run(same, step({ action: 'dropequal', sourceLabels: ['__tmp_port'], targetLabel: '__port1' }))).toBeNull();
    expect(run(different, step({ action: 'dropequal', sourceLabels: ['__tmp_port'], targetLabel: '__port1' }))).toEqual(different);
  });
});

describe('hashmod', () => {
  test('matches Prometheus values (md5, last 8 bytes big-endian)', () => {
    expect(run({ c: 'baz' }, step({ action: 'hashmod', sourceLabels: ['c'], targetLabel: 'd', modulus: 1000 }))).toEqual({ c: 'baz', d: '976' });
    expect(run({ a: 'foo\nbar' }, step({ action: 'hashmod', sourceLabels: ['a'], targetLabel: 'b', modulus: 1000 }))).toEqual({ a: 'foo\nbar', b: '734' });
  });

  test('uses the full 64-bit hash', () => {
    const h = md5Sum64('baz');
    expect(h).toBeGreaterThan(BigInt(Number.MAX_SAFE_INTEGER));
    expect(run({ c: 'baz' }, step({ action: 'hashmod', sourceLabels: ['c'], targetLabel: 'd', modulus: 2 ** 40 }))!.d).toBe(String(h % BigInt(2 ** 40)));
  });
});

describe('labelmap', () => {
  test('copies matching label names through the replacement', () => {
    expect(run({ a: 'foo', b1: 'bar', b2: 'baz' }, step({ action: 'labelmap', regex: '(b.*)', replacement: 'bar_${1}' }))).toEqual({
      a: 'foo',
      b1: 'bar',
      b2: 'baz',
      bar_b1: 'bar',
      bar_b2: 'baz',
    });
  });

  test('the common __meta_ mapping', () => {
    expect(run({ __meta_my_bar: 'aaa', __meta_my_baz: 'bbb', __meta_other: 'ccc' }, step({ action: 'labelmap', regex: '__meta_my_(.+)', replacement: '$1' }))).toEqual({
      __meta_my_bar: 'aaa',
      __meta_my_baz: 'bbb',
      __meta_other: 'ccc',
      bar: 'aaa',
      baz: 'bbb',
    });
  });
});

describe('labeldrop and labelkeep', () => {
  test('labeldrop removes matching names', () => {
    expect(run({ a: '1', b1: '2', b2: '3' }, step({ action: 'labeldrop', regex: 'b.*' }))).toEqual({ a: '1' });
  });
  test('labelkeep removes names that do not match', () => {
    expect(run({ a: '1', b1: '2', b2: '3' }, step({ action: 'labelkeep', regex: 'b.*' }))).toEqual({ b1: '2', b2: '3' });
  });
});

describe('lowercase and uppercase', () => {
  test('write the case-mapped source value', () => {
    expect(run({ foo: 'bAr123Foo' }, step({ action: 'uppercase', sourceLabels: ['foo'], targetLabel: 'foo_up' }))).toEqual({ foo: 'bAr123Foo', foo_up: 'BAR123FOO' });
    expect(run({ foo: 'bAr123Foo', bar: 'X' }, step({ action: 'lowercase', sourceLabels: ['foo', 'bar'], targetLabel: 'low' }))).toEqual({
      foo: 'bAr123Foo',
      bar: 'X',
      low: 'bar123foo;x',
    });
  });
});

test('no steps returns the same labels; results stay sorted', () => {
  const ls: Labels = labelsFromRecord({ b: '1', a: '2' });
  expect(relabel(ls, [])).toBe(ls);
  expect(relabel(ls, [step({ action: 'keep', sourceLabels: ['a'], regex: '2' }), step({ sourceLabels: ['a'], regex: 'x', targetLabel: 't' })])).toBe(ls);
  const out = relabel(ls, [step({ targetLabel: '0first', replacement: 'z' })]);
  expect(out!.map((l) => l.name)).toEqual(['0first', 'a', 'b']);
});
