import { STALE_NAN } from '../model/value';
import { labelsFromRecord, labelsToRecord } from '../model/labels';
import { formatFloatExponent, formatFloatG, formatFloatPlain, formatRFC3339, formatSampleValue, formatTimestamp, jsonWithRaw, jsonWithRawBytes, labelsJSON, RawJSON, resultBytes, resultJSON } from './encode';

describe('formatSampleValue (Go shortest, e notation below 1e-6 and from 1e21)', () => {
  it.each([
    [1, '1'],
    [0.1, '0.1'],
    [-2.5, '-2.5'],
    [1e-6, '0.000001'],
    [1e-7, '1e-07'],
    [1.5e-10, '1.5e-10'],
    [1e20, '100000000000000000000'],
    [1e21, '1e+21'],
    [1.2345e300, '1.2345e+300'],
    [NaN, 'NaN'],
    [STALE_NAN, 'NaN'],
    [Infinity, '+Inf'],
    [-Infinity, '-Inf'],
    [-0, '-0'],
    [0, '0'],
  ])('%p -> %s', (v, s) => expect(formatSampleValue(v)).toBe(s));
});

describe('formatFloatExponent and formatFloatG', () => {
  it('writes the e form with a two-digit exponent', () => {
    expect(formatFloatExponent(1)).toBe('1e+00');
    expect(formatFloatExponent(123.456)).toBe('1.23456e+02');
    expect(formatFloatExponent(0.005)).toBe('5e-03');
    expect(formatFloatExponent(1e100)).toBe('1e+100');
  });

  it('switches to e form at exponent -5 and 6 like Go %g', () => {
    expect(formatFloatG(123456)).toBe('123456');
    expect(formatFloatG(1000000)).toBe('1e+06');
    expect(formatFloatG(21504000)).toBe('2.1504e+07');
    expect(formatFloatG(0.0001)).toBe('0.0001');
    expect(formatFloatG(0.00001)).toBe('1e-05');
    expect(formatFloatG(0)).toBe('0');
    expect(formatFloatG(NaN)).toBe('NaN');
  });
});

describe('formatFloatPlain (Go %f with shortest digits)', () => {
  it.each([
    [1e-7, '0.0000001'],
    [1e21, '1000000000000000000000'],
    [1.5e22, '15000000000000000000000'],
    [123.456, '123.456'],
    [-0.00125, '-0.00125'],
    [42, '42'],
    [-0, '-0'],
    [NaN, 'NaN'],
    [-Infinity, '-Inf'],
  ])('%p -> %s', (v, s) => expect(formatFloatPlain(v)).toBe(s));
});

describe('formatTimestamp', () => {
  it('writes seconds with the milliseconds that are there', () => {
    expect(formatTimestamp(1_500)).toBe('1.500');
    expect(formatTimestamp(1_000)).toBe('1');
    expect(formatTimestamp(1_435_781_451_781)).toBe('1435781451.781');
    expect(formatTimestamp(7)).toBe('0.007');
    expect(formatTimestamp(-1_500)).toBe('-1.500');
  });
});

describe('formatRFC3339', () => {
  it('trims zero sub-second digits and writes the zero time for 0', () => {
    expect(formatRFC3339(Date.UTC(2024, 0, 2, 3, 4, 5))).toBe('2024-01-02T03:04:05Z');
    expect(formatRFC3339(Date.UTC(2024, 0, 2, 3, 4, 5, 500))).toBe('2024-01-02T03:04:05.5Z');
    expect(formatRFC3339(0)).toBe('0001-01-01T00:00:00Z');
  });
});

describe('resultJSON', () => {
  const metric = [
    { name: '__name__', value: 'up' },
    { name: 'job', value: 'a"b' },
  ];

  it('encodes every value type', () => {
    expect(resultJSON({ type: 'scalar', t: 1000, v: 2 })).toBe('[1,"2"]');
    expect(resultJSON({ type: 'scalar', t: 1500, v: 1e-7 })).toBe('[1.5,"0.0000001"]');
    expect(resultJSON({ type: 'string', t: 1500, v: 'x"y' })).toBe('[1.5,"x\\"y"]');
    expect(resultJSON({ type: 'vector', samples: [{ metric: [], t: 1500, v: 1e-7 }] })).toBe('[{"metric":{},"value":[1.500,"1e-07"]}]');
    expect(resultJSON({ type: 'vector', samples: [] })).toBe('[]');
    expect(JSON.parse(resultJSON({ type: 'vector', samples: [{ metric, t: 2000, v: 1 }] }))).toEqual([{ metric: { __name__: 'up', job: 'a"b' }, value: [2, '1'] }]);
    expect(resultJSON({ type: 'matrix', series: [{ metric: [], ts: [1000, 2000], vs: [1, Infinity] }] })).toBe('[{"metric":{},"values":[[1,"1"],[2,"+Inf"]]}]');
  });

  it('embeds raw fragments and drops undefined members', () => {
    expect(jsonWithRaw({ a: new RawJSON('[1.500]'), b: undefined, c: ['x'] })).toBe('{"a":[1.500],"c":["x"]}');
  });
});

describe('results written as bytes', () => {
  const odd = labelsFromRecord({ __name__: 'm', a: 'ünï "quoted" \\ back', b: 'line\nbreak', c: '\u0007' });

  it('match JSON.stringify for label values that need escaping or UTF-8', () => {
    const samples = [{ metric: odd, t: 1_500, v: 2 }];
    const parsed = JSON.parse(resultJSON({ type: 'vector', samples })) as { metric: Record<string, string> }[];
    expect(parsed[0].metric).toEqual(labelsToRecord(odd));
    expect(labelsJSON(odd)).toBe(JSON.stringify(labelsToRecord(odd)));
  });

  it('embed a RawJSON of bytes verbatim in the envelope, growing past the first buffer', () => {
    const series = Array.from({ length: 300 }, (_, i) => ({
      metric: labelsFromRecord({ __name__: 'm', i: String(i) }),
      ts: [1_000, 2_000],
      vs: [i, 0.5],
    }));
    const body = jsonWithRawBytes({ status: 'success', data: { result: new RawJSON(resultBytes({ type: 'matrix', series })) }, warnings: undefined });
    const parsed = JSON.parse(body.toString('utf8')) as { status: string; data: { result: { values: unknown[] }[] } };
    expect(parsed.status).toBe('success');
    expect(parsed.data.result).toHaveLength(300);
    expect(parsed.data.result[299].values).toEqual([
      [1, '299'],
      [2, '0.5'],
    ]);
    expect(jsonWithRaw([undefined, 'ä', new RawJSON('{"x":1}')])).toBe('[null,"ä",{"x":1}]');
  });
});
