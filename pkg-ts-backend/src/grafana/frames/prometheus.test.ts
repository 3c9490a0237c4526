import { decodeFrameArrow, encodeFrameArrow } from './arrow';
import type { Frame } from './frame';
import {
  framesFromPrometheus,
  parsePromQueryData,
  parseSampleValue,
  PromResultError,
  type PromQueryData,
} from './prometheus';

const matrix: PromQueryData = {
  resultType: 'matrix',
  result: [
    {
      metric: { __name__: 'up', instance: 'localhost:9090', job: 'prometheus' },
      values: [
        [1435781430.781, '1'],
        [1435781445.781, '1'],
      ],
    },
    {
      metric: { __name__: 'up', instance: 'localhost:9091', job: 'node' },
      values: [
        [1435781430.781, '0'],
        [1435781445.781, '+Inf'],
      ],
    },
  ],
};

const base = { refId: 'A', expr: 'up', stepMs: 15000 };

function values(frame: Frame, index: number): unknown[] {
  return frame.fields[index].values;
}

describe('framesFromPrometheus, time series format', () => {
  it('makes one timeseries-multi frame per range series with labels on the value field', () => {
    const frames = framesFromPrometheus(matrix, { ...base, legendFormat: '{{job}}' });
    expect(frames).toHaveLength(2);
    const [first, second] = frames;
    expect(first.refId).toBe('A');
    expect(first.name).toBe('prometheus');
    expect(first.meta).toEqual({
      type: 'timeseries-multi',
      typeVersion: [0, 1],
      custom: { resultType: 'matrix' },
      executedQueryString: 'Expr: up\nStep: 15s',
    });
    expect(second.meta?.executedQueryString).toBeUndefined();
    expect(first.fields.map((f) => [f.name, f.type, f.nullable])).toEqual([
      ['Time', 'time', false],
      ['Value', 'float64', false],
    ]);
    expect(first.fields[0].config).toEqual({ interval: 15000 });
    expect(first.fields[1].labels).toEqual({ __name__: 'up', instance: 'localhost:9090', job: 'prometheus' });
    expect(first.fields[1].config).toEqual({ displayNameFromDS: 'prometheus' });
    expect(values(first, 0)).toEqual([1435781430781000000n, 1435781445781000000n]);
    expect(values(second, 1)).toEqual([0, Infinity]);
  });

  it('names series by their notation without a legend, and not at all with __auto', () => {
    expect(framesFromPrometheus(matrix, base)[1].fields[1].config).toEqual({
      displayNameFromDS: 'up{instance="localhost:9091", job="node"}',
    });
    const auto = framesFromPrometheus(matrix, { ...base, legendFormat: '__auto' })[0];
    expect(auto.name).toBe('');
    expect(auto.fields[1].config).toBeUndefined();
  });

  it('makes numeric-multi frames for instant vectors and scalars', () => {
    const vector: PromQueryData = {
      resultType: 'vector',
      result: [
        { metric: { job: 'a' }, value: [1700000000, '3'] },
        { metric: { job: 'b' }, value: [1700000000, 'NaN'] },
      ],
    };
    const frames = framesFromPrometheus(vector, base);
    expect(frames.map((f) => f.meta?.type)).toEqual(['numeric-multi', 'numeric-multi']);
    expect(frames[0].meta?.custom).toEqual({ resultType: 'vector' });
    expect(values(frames[1], 1)).toEqual([NaN]);
    const scalar = framesFromPrometheus(
      { resultType: 'scalar', result: [1700000000.5, '2'] },
      { ...base, expr: '1+1' }
    );
    expect(scalar).toHaveLength(1);
    expect(scalar[0].meta?.type).toBe('numeric-multi');
    expect(scalar[0].fields[1].labels).toEqual({});
    expect(scalar[0].name).toBe('1+1');
    expect(values(scalar[0], 0)).toEqual([1700000000500000000n]);
  });

  it('makes a string frame for string results', () => {
    const [frame] = framesFromPrometheus({ resultType: 'string', result: [1700000000, 'hello'] }, base);
    expect(frame.fields[1].type).toBe('string');
    expect(values(frame, 1)).toEqual(['hello']);
  });

  it('returns one empty frame carrying the metadata when there are no series', () => {
    const frames = framesFromPrometheus({ resultType: 'vector', result: [] }, base);
    expect(frames).toEqual([
      { name: '', refId: 'A', meta: { executedQueryString: 'Expr: up\nStep: 15s' }, fields: [] },
    ]);
  });

  it('attaches warnings and infos as notices to every frame', () => {
    const frames = framesFromPrometheus(matrix, { ...base, warnings: ['w1'], infos: ['i1'] });
    for (const frame of frames) {
      expect(frame.meta?.notices).toEqual([
        { severity: 'warning', text: 'w1' },
        { severity: 'info', text: 'i1' },
      ]);
    }
    expect(framesFromPrometheus({ resultType: 'matrix', result: [] }, { ...base, warnings: ['w'] })[0].name).toBe(
      'Warnings'
    );
  });

  it('turns native histogram series into heatmap-cells frames', () => {
    const data: PromQueryData = {
      resultType: 'matrix',
      result: [
        {
          metric: { job: 'h' },
          histograms: [
            [
              1700000000,
              {
                count: '3',
                sum: '1',
                buckets: [
                  [0, '0.5', '1', '2'],
                  [0, '1', '2', '1'],
                ],
              },
            ],
          ],
        },
      ],
    };
    const [frame] = framesFromPrometheus(data, base);
    expect(frame.meta?.type).toBe('heatmap-cells');
    expect(frame.fields.map((f) => f.name)).toEqual(['xMax', 'yMin', 'yMax', 'count', 'yLayout']);
    expect(values(frame, 3)).toEqual([2, 1]);
    expect(frame.fields[1].labels).toEqual({ job: 'h' });
  });

  it('produces frames the Arrow encoder accepts', () => {
    for (const frame of framesFromPrometheus(matrix, base)) {
      expect(decodeFrameArrow(encodeFrameArrow(frame))).toEqual(frame);
    }
  });
});

describe('framesFromPrometheus, table format', () => {
  it('makes one long frame sorted by time with a column per label', () => {
    const [table, ...rest] = framesFromPrometheus(matrix, { ...base, format: 'table', tableValueName: 'Value #A' });
    expect(rest).toHaveLength(0);
    expect(table.fields.map((f) => f.name)).toEqual(['Time', '__name__', 'instance', 'job', 'Value #A']);
    expect(table.meta?.type).toBe('timeseries-long');
    expect(table.meta?.preferredVisualisationType).toBe('rawPrometheus');
    expect(values(table, 0)).toEqual([
      1435781430781000000n,
      1435781430781000000n,
      1435781445781000000n,
      1435781445781000000n,
    ]);
    expect(values(table, 3)).toEqual(['prometheus', 'node', 'prometheus', 'node']);
    expect(values(table, 4)).toEqual([1, 0, 1, Infinity]);
    expect(table.fields[1].config).toEqual({ filterable: true });
    expect(table.fields[0].config).toEqual({ interval: 15000 });
  });

  it('fills labels a series lacks with empty strings', () => {
    const data: PromQueryData = {
      resultType: 'vector',
      result: [
        { metric: { a: '1' }, value: [10, '1'] },
        { metric: { b: '2' }, value: [10, '2'] },
      ],
    };
    const [table] = framesFromPrometheus(data, { ...base, format: 'table' });
    expect(table.fields.map((f) => f.name)).toEqual(['Time', 'a', 'b', 'Value']);
    expect(values(table, 1)).toEqual(['1', '']);
    expect(values(table, 2)).toEqual(['', '2']);
  });
});

describe('framesFromPrometheus, heatmap format', () => {
  const bucket = (le: string, job: string, counts: string[]) => ({
    metric: { le, job },
    values: counts.map((c, i): [number, string] => [100 + i * 15, c]),
  });

  it('de-accumulates buckets sorted by le into one heatmap-rows frame per group', () => {
    const data: PromQueryData = {
      resultType: 'matrix',
      result: [
        bucket('+Inf', 'a', ['30', '35']),
        bucket('1', 'a', ['10', '10']),
        bucket('0.5', 'a', ['10', '0']),
        bucket('1', 'b', ['4', '4']),
      ],
    };
    const frames = framesFromPrometheus(data, { ...base, format: 'heatmap' });
    expect(frames).toHaveLength(2);
    const [a, b] = frames;
    expect(a.meta?.type).toBe('heatmap-rows');
    expect(a.fields.map((f) => f.name)).toEqual(['Time', '0.5', '1', '+Inf']);
    expect(values(a, 1)).toEqual([10, 0]);
    expect(values(a, 2)).toEqual([0, 10]);
    expect(values(a, 3)).toEqual([20, 25]);
    expect(b.fields.map((f) => f.name)).toEqual(['Time', '1']);
    expect(a.refId).toBe('A');
  });
});

describe('parseSampleValue', () => {
  it('reads the Prometheus spellings of special values', () => {
    expect(parseSampleValue('+Inf')).toBe(Infinity);
    expect(parseSampleValue('-Inf')).toBe(-Infinity);
    expect(parseSampleValue('NaN')).toBeNaN();
    expect(parseSampleValue('1e3')).toBe(1000);
  });
});

describe('parsePromQueryData', () => {
  it('accepts the four result types', () => {
    expect(parsePromQueryData({ resultType: 'vector', result: [{ metric: {}, value: [1, '1'] }] }).resultType).toBe(
      'vector'
    );
    expect(parsePromQueryData({ resultType: 'matrix', result: [] }).resultType).toBe('matrix');
    expect(parsePromQueryData({ resultType: 'scalar', result: [1, '1'] }).resultType).toBe('scalar');
    expect(parsePromQueryData({ resultType: 'string', result: [1, 'x'] }).resultType).toBe('string');
  });

  it('refuses anything else with the reason', () => {
    expect(() => parsePromQueryData(null)).toThrow(new PromResultError('unknown result type: undefined'));
    expect(() => parsePromQueryData({ resultType: 'streams', result: [] })).toThrow(/unknown result type: "streams"/);
    expect(() => parsePromQueryData({ resultType: 'vector', result: {} })).toThrow(/malformed vector result/);
    expect(() => parsePromQueryData({ resultType: 'matrix', result: [{ metric: {}, values: [[1, 2]] }] })).toThrow(
      PromResultError
    );
    expect(() => parsePromQueryData({ resultType: 'scalar', result: ['1', '1'] })).toThrow(/malformed scalar/);
  });
});
