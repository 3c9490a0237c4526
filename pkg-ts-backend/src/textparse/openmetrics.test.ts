import { labelsToRecord } from '../model/labels';
import { float64Bits, NORMAL_NAN } from '../model/value';
import { createParser, Entry, parseExposition } from './index';

const OM = 'application/openmetrics-text; version=1.0.0; charset=utf-8';

function parse(body: string, skipCreatedSeries = false) {
  return parseExposition(body, OM, { skipCreatedSeries });
}

describe('OpenMetrics 1.0', () => {
  const body = [
    '# UNIT requests_seconds seconds',
    '# TYPE requests counter',
    '# HELP requests Requests \\"served\\".\\nSecond line.',
    'requests_total{path="/"} 10 1520879607.789 # {trace_id="abc"} 1.5 1520879607.5',
    'requests_created{path="/"} 1520430000.123',
    '# TYPE lat histogram',
    'lat_bucket{le="0.1"} 1 # {id="x"} 0.05',
    'lat_bucket{le="+Inf"} 2',
    'lat_count 2',
    'lat_sum 0.3',
    'lat_created 1520430000',
    '# TYPE g gauge',
    'g_created 7',
    '# EOF',
    '',
  ].join('\n');

  test('samples, second timestamps, exemplars, metadata', () => {
    const p = parse(body);
    expect(p.format).toBe('openmetrics');
    expect(p.length).toBe(8);
    expect(labelsToRecord(p.labels[0])).toEqual({ __name__: 'requests_total', path: '/' });
    expect(p.timestamps[0]).toBe(1520879607789);
    expect(p.exemplars.get(0)).toEqual({
      labels: [{ name: 'trace_id', value: 'abc' }],
      value: 1.5,
      timestamp: 1520879607500,
    });
    expect(p.exemplars.get(2)).toEqual({ labels: [{ name: 'id', value: 'x' }], value: 0.05 });
    expect(p.metadata.get('requests')).toEqual({ type: 'counter', help: 'Requests "served".\nSecond line.', unit: '' });
    expect(p.metadata.get('requests_seconds')?.unit).toBe('seconds');
    expect(labelsToRecord(p.labels[2]).le).toBe('0.1');
  });

  test('_created samples are kept by default (Prometheus 3) and can be skipped', () => {
    const names = (skip: boolean) => parse(body, skip).labels.map((l) => labelsToRecord(l).__name__);
    expect(names(false)).toContain('requests_created');
    const skipped = names(true);
    expect(skipped).not.toContain('requests_created');
    expect(skipped).not.toContain('lat_created');
    // A gauge called *_created is an ordinary series.
    expect(skipped).toContain('g_created');
  });

  test('NaN values are canonical', () => {
    const p = parse('a NaN\n# EOF\n');
    expect(float64Bits(p.values[0])).toEqual(float64Bits(NORMAL_NAN));
  });

  test('# EOF without a trailing newline ends the data', () => {
    expect(parse('a 1\n# EOF').length).toBe(1);
  });

  test('the cursor reports metadata entries', () => {
    const { parser } = createParser('# TYPE a gauge\n# HELP a h\na 1\n# EOF\n', OM);
    expect(parser.next()).toBe(Entry.Type);
    expect(parser.metricType()).toBe('gauge');
    expect(parser.next()).toBe(Entry.Help);
    expect(parser.help()).toBe('h');
    expect(parser.next()).toBe(Entry.Series);
    expect(parser.series()).toBe('a');
    expect(parser.next()).toBe(Entry.End);
    expect(parser.next()).toBe(Entry.End);
  });

  test.each([
    ['a 1\n', 'data does not end with # EOF'],
    ['a 1', 'data does not end with # EOF'],
    ['', 'data does not end with # EOF'],
    ['# EOF\na 1\n', 'unexpected data after # EOF'],
    ['\n# EOF\n', 'expected a valid start token'],
    ['# free comment\n# EOF\n', 'expected a valid start token'],
    ['a  1\n# EOF\n', 'expected value after metric'],
    ['a{b="c" ,d="e"} 1\n# EOF\n', 'expected comma or brace close'],
    ['a 1 NaN\n# EOF\n', 'invalid timestamp NaN'],
    ['a 1 +Inf\n# EOF\n', 'invalid timestamp +Inf'],
    ['# TYPE a foo\n# EOF\n', 'invalid metric type "foo"'],
    ['# UNIT a_bytes seconds\n# EOF\n', 'unit "seconds" not a suffix of metric "a_bytes"'],
    ['# UNIT seconds seconds\n# EOF\n', 'unit "seconds" not a suffix of metric "seconds"'],
    ['a_count 1 # {x="y"} 1\n# EOF\n', 'metric name a_count does not support exemplars'],
    ['a_total 1 # {x="y"} 1 NaN\n# EOF\n', 'invalid exemplar timestamp NaN'],
    ['a_total 1 # {"x"} 1\n# EOF\n', 'expected label name'],
    ['a_total 1 # {x="y"}\n# EOF\n', 'expected value after exemplar labels'],
    ['a 1 2 3\n# EOF\n', 'expected next entry after timestamp'],
  ])('rejects %j', (input, message) => {
    expect(() => parse(input)).toThrow(message);
  });
});
