import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { RecordBatchFileReader, RecordBatchStreamWriter, Schema, tableFromArrays } from 'apache-arrow';
import { decodeFrameArrow, encodeFrameArrow, FrameDecodeError } from './arrow';
import type { Frame } from './frame';
import { frameFromSdkJson } from './frameJson';

const testdata = join(__dirname, 'testdata');
const goldenArrow = new Uint8Array(readFileSync(join(testdata, 'all_types.golden.arrow')));
const goldenJson: unknown = JSON.parse(readFileSync(join(testdata, 'all_types.golden.json'), 'utf8'));

function schemaOf(bytes: Uint8Array): Schema {
  const reader = RecordBatchFileReader.from(bytes);
  reader.open();
  return reader.schema;
}

function describeSchema(schema: Schema) {
  return {
    metadata: Object.fromEntries(schema.metadata),
    fields: schema.fields.map((f) => ({
      name: f.name,
      type: String(f.type),
      nullable: f.nullable,
      metadata: Object.fromEntries(f.metadata),
    })),
  };
}

describe('Arrow frames against the Go SDK golden file', () => {
  it('decodes the golden Arrow file to the frame its JSON twin describes', () => {
    const decoded = decodeFrameArrow(goldenArrow);
    const twin = frameFromSdkJson(goldenJson);
    expect(decoded.fields).toHaveLength(35);
    expect(decoded).toEqual(twin);
  });

  it('reads every type with its exact value, including 64-bit extremes and nanosecond times', () => {
    const frame = decodeFrameArrow(goldenArrow);
    const byName = (name: string) => frame.fields.find((f) => f.name === name)!;
    expect(frame.name).toBe('many_types');
    expect(frame.refId).toBe('A');
    expect(frame.meta?.executedQueryString).toBe('SELECT * FROM table');
    expect(byName('int64_values').values).toEqual([
      -(2n ** 63n),
      -9007199254740991n,
      1n,
      9007199254740991n,
      2n ** 63n - 1n,
    ]);
    expect(byName('uint64_values').values[4]).toBe(2n ** 64n - 1n);
    expect(byName('timestamps').type).toBe('time');
    expect(byName('timestamps').values[4]).toBe(2n ** 63n - 1n);
    expect(byName('nullable_timestamps').values[2]).toBeNull();
    expect(byName('enum').type).toBe('enum');
    expect(byName('uint16_values').type).toBe('uint16');
    expect(byName('json').values[1]).toBe('[1,2,3]');
    expect(byName('nullable_string_values').labels).toEqual({ aLabelKey: 'aLabelValue', bLabelKey: 'bLabelValue' });
    expect(byName('float64_nans').values).toEqual([-Infinity, NaN, 0, NaN, Infinity]);
  });

  it('re-encodes the JSON twin to the same schema, metadata and values', () => {
    const encoded = encodeFrameArrow(frameFromSdkJson(goldenJson));
    const head = Buffer.from(encoded.subarray(0, 8));
    expect(head.subarray(0, 6).toString('latin1')).toBe('ARROW1');
    expect(Buffer.from(encoded.subarray(encoded.length - 6)).toString('latin1')).toBe('ARROW1');
    expect(describeSchema(schemaOf(encoded))).toEqual(describeSchema(schemaOf(goldenArrow)));
    expect(decodeFrameArrow(encoded)).toEqual(decodeFrameArrow(goldenArrow));
  });
});

describe('encodeFrameArrow', () => {
  const series: Frame = {
    name: 'up',
    refId: 'A',
    meta: { type: 'timeseries-multi', typeVersion: [0, 1] },
    fields: [
      {
        name: 'Time',
        type: 'time',
        nullable: false,
        values: [1_000_000_000n, 2_000_000_000n],
        config: { interval: 1000 },
      },
      { name: 'Value', type: 'float64', nullable: false, values: [1, NaN], labels: { job: 'x' } },
    ],
  };

  it('writes time as Timestamp(ns) and values as Float64 with the protocol metadata', () => {
    const schema = schemaOf(encodeFrameArrow(series));
    expect(String(schema.fields[0].type)).toBe('Timestamp<NANOSECOND>');
    expect(String(schema.fields[1].type)).toBe('Float64');
    expect(Object.fromEntries(schema.metadata)).toEqual({
      name: 'up',
      refId: 'A',
      meta: '{"type":"timeseries-multi","typeVersion":[0,1]}',
    });
    expect(Object.fromEntries(schema.fields[0].metadata)).toEqual({ tstype: 'time', config: '{"interval":1000}' });
    expect(Object.fromEntries(schema.fields[1].metadata)).toEqual({ tstype: 'number', labels: '{"job":"x"}' });
  });

  it('round-trips an empty frame and a frame without fields', () => {
    const empty: Frame = {
      ...series,
      fields: series.fields.map((f) => ({ ...f, values: [] }) as Frame['fields'][number]),
    };
    expect(decodeFrameArrow(encodeFrameArrow(empty))).toEqual(empty);
    const bare: Frame = { name: '', refId: 'B', fields: [] };
    expect(decodeFrameArrow(encodeFrameArrow(bare))).toEqual(bare);
  });

  it('refuses nulls in a field that is not nullable, and fields of unequal length', () => {
    expect(() =>
      encodeFrameArrow({
        name: '',
        refId: 'A',
        fields: [{ name: 'v', type: 'float64', nullable: false, values: [null] }],
      })
    ).toThrow(/not nullable/);
    expect(() =>
      encodeFrameArrow({
        name: '',
        refId: 'A',
        fields: [
          { name: 'a', type: 'float64', nullable: false, values: [1] },
          { name: 'b', type: 'float64', nullable: false, values: [] },
        ],
      })
    ).toThrow(/expected 1/);
  });
});

describe('decodeFrameArrow', () => {
  it('refuses the Arrow stream format', () => {
    const stream = RecordBatchStreamWriter.writeAll(tableFromArrays({ v: new Float64Array([1]) })).toUint8Array(true);
    expect(() => decodeFrameArrow(stream)).toThrow(FrameDecodeError);
  });
});
