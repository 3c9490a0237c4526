import { labelsToRecord } from '../model/labels';
import { float64Bits, NORMAL_NAN } from '../model/value';
import { parseExposition } from './index';

const TEXT = 'text/plain; version=0.0.4; charset=utf-8';

function parse(body: string) {
  return parseExposition(body, TEXT);
}

function rows(body: string) {
  const p = parse(body);
  const out: Array<{ labels: Record<string, string>; value: number; ts: number }> = [];
  for (let i = 0; i < p.length; i++)
    out.push({ labels: labelsToRecord(p.labels[i]), value: p.values[i], ts: p.timestamps[i] });
  return out;
}

describe('Prometheus text format', () => {
  test('samples, labels, metadata and comments', () => {
    const body = [
      '# HELP go_gc_duration_seconds A summary of the GC invocation durations.',
      '# TYPE go_gc_duration_seconds summary',
      'go_gc_duration_seconds{quantile="0"} 4.9351e-05',
      'go_gc_duration_seconds{quantile="0.25",} 7.424100000000001e-05',
      'go_gc_duration_seconds_sum 0.0017',
      '# a free comment',
      '',
      '  http_requests_total{method="post",code="200"} 1027 1395066363000',
      'no_labels 3',
      'empty_braces{} -Inf',
      '',
    ].join('\n');
    const p = parse(body);
    expect(p.format).toBe('prometheus-text');
    expect(p.length).toBe(6);
    expect(labelsToRecord(p.labels[0])).toEqual({ __name__: 'go_gc_duration_seconds', quantile: '0.0' });
    expect(labelsToRecord(p.labels[1])).toEqual({ __name__: 'go_gc_duration_seconds', quantile: '0.25' });
    expect(p.values[1]).toBe(7.424100000000001e-5);
    expect(p.timestamps[3]).toBe(1395066363000);
    expect(Number.isNaN(p.timestamps[0])).toBe(true);
    expect(p.values[5]).toBe(-Infinity);
    expect(p.series[3]).toBe('http_requests_total{method="post",code="200"}');
    expect(p.metadata.get('go_gc_duration_seconds')).toEqual({
      type: 'summary',
      help: 'A summary of the GC invocation durations.',
      unit: '',
    });
  });

  test('untyped becomes unknown; help escapes \\\\ and \\n only', () => {
    const p = parse('# TYPE a untyped\n# HELP a line\\nnext \\\\ \\"x\\"\na 1\n');
    expect(p.metadata.get('a')).toEqual({ type: 'unknown', help: 'line\nnext \\ \\"x\\"', unit: '' });
  });

  test('label value escapes; unknown escapes stay literal', () => {
    const [r] = rows('m{a="x\\"y",b="l1\\nl2",c="back\\\\slash",d="\\t"} 1\n');
    expect(r.labels).toEqual({ __name__: 'm', a: 'x"y', b: 'l1\nl2', c: 'back\\slash', d: '\\t' });
  });

  test('blanks around tokens, tabs, and labels without commas are accepted', () => {
    const [r] = rows('m { a = "1" b="2" }\t 5 \t 10 \n');
    expect(r).toEqual({ labels: { __name__: 'm', a: '1', b: '2' }, value: 5, ts: 10 });
  });

  test('float syntax as Go parses it', () => {
    const r = rows('a 1e3\nb +Inf\nc -inf\nd Infinity\ne .5\nf 5.\ng -0.25E-2\nh nan\n');
    expect(r.map((x) => x.value)).toEqual([1000, Infinity, -Infinity, Infinity, 0.5, 5, -0.0025, NaN]);
    for (const bad of ['0x1p3', '1_000', 'abc', '1e', '--1', '+nan', '0x10', '1e400']) {
      expect(() => parse(`a ${bad}\n`)).toThrow(/while parsing: "a /);
    }
    expect(() => parse('a 0x1p3\n')).toThrow('unsupported character in float while parsing: "a 0x1p3"');
    expect(() => parse('a abc\n')).toThrow('strconv.ParseFloat: parsing "abc": invalid syntax while parsing: "a abc"');
  });

  test('every NaN becomes the normal NaN', () => {
    const p = parse('a NaN\n');
    expect(float64Bits(p.values[0])).toEqual(float64Bits(NORMAL_NAN));
  });

  test('quoted UTF-8 names (text 1.0.0)', () => {
    const [r] = rows('{"my.metric","a.b"="x",c="y"} 2\n');
    expect(r.labels).toEqual({ __name__: 'my.metric', 'a.b': 'x', c: 'y' });
    const p = parse('# TYPE "my.metric" gauge\n{"my.metric"} 1\n');
    expect(p.metadata.get('my.metric')?.type).toBe('gauge');
  });

  test('histogram le values are normalised like Prometheus 3', () => {
    const body =
      '# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="0.5"} 0\nh_bucket{le="1e6"} 2\nh_bucket{le="+Inf"} 3\nh_sum 2\nh_count 3\nother_bucket{le="1"} 1\n';
    const r = rows(body);
    expect(r.slice(0, 4).map((x) => x.labels.le)).toEqual(['1.0', '0.5', '1e+06', '+Inf']);
    expect(r[6].labels.le).toBe('1');
  });

  test.each([
    ['a\n', 'expected value after metric, got "\\n" ("LINEBREAK") while parsing: "a\\n"'],
    ['a 1', 'expected timestamp or new record, got "" ("EOF") while parsing: "a 1"'],
    ['a 1 x\n', 'expected timestamp or new record'],
    ['a 1 2 3\n', 'expected next entry after timestamp'],
    ['a{b="c} 1\n', 'expected label value'],
    ['a{b} 1\n', 'expected equal'],
    ['a{1b="c"} 1\n', 'expected label name'],
    ['{a="b"} 1\n', 'metric name not set while parsing: "{a=\\"b\\"}"'],
    ['{"x","y"} 1\n', 'metric name already set'],
    ['1a 1\n', 'expected a valid start token'],
    ['# TYPE a foo\n', 'invalid metric type "foo"'],
    ['# TYPE a counter', 'linebreak expected after metadata'],
    ['# HELP\n', 'expected metric name after HELP'],
    ['# comment', 'linebreak expected after comment'],
  ])('rejects %j', (body, message) => {
    expect(() => parse(body)).toThrow(message);
  });

  test('invalid UTF-8 in a label value fails; valid multi-byte text passes', () => {
    expect(() => parseExposition(Buffer.from([...Buffer.from('a{b="'), 0xff, ...Buffer.from('"} 1\n')]), TEXT)).toThrow(
      'invalid UTF-8 label value'
    );
    expect(rows('a{b="日本"} 1\n')[0].labels.b).toBe('日本');
  });

  test('a body given as bytes reads as its UTF-8 text, ASCII-only or not', () => {
    for (const text of ['a{b="x"} 1\n', 'a{b="日本",c="é"} 1\n# HELP a ünïcode\n']) {
      const fromBytes = parseExposition(Buffer.from(text, 'utf8'), TEXT);
      const fromText = parseExposition(text, TEXT);
      expect(fromBytes.labels).toEqual(fromText.labels);
      expect(fromBytes.metadata).toEqual(fromText.metadata);
    }
  });

  test('an empty body has no samples', () => {
    expect(parse('').length).toBe(0);
    expect(parse('\n\n').length).toBe(0);
  });
});
