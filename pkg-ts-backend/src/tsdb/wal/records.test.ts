import { float64Bits, STALE_NAN } from '../../model/value';
import { ByteReader, ByteWriter, CorruptionError } from '../encoding';
import { encodeCompactSamples, encodeSamples, encodeSeries, SamplesDecoder, SeriesDecoder } from './records';

describe('WAL records', () => {
  it('decodes samples records into reused arrays, values bit for bit', () => {
    const d = new SamplesDecoder();
    for (const n of [3, 2000, 5]) {
      const refs = Array.from({ length: n }, (_, i) => (i * 7919) % 100_003);
      const ts = Float64Array.from({ length: n }, (_, i) => 1.7e12 + (i % 3 === 0 ? -i * 1e6 : i));
      const vs = Float64Array.from({ length: n }, (_, i) => (i % 4 === 0 ? STALE_NAN : i % 4 === 1 ? -0 : i / 3));
      const w = new ByteWriter();
      encodeSamples(w, refs, ts, vs, n);
      d.decode(new ByteReader(w.view()));
      expect(d.n).toBe(n);
      expect(Array.from(d.refs.subarray(0, n))).toEqual(refs);
      expect(Array.from(d.ts.subarray(0, n))).toEqual(Array.from(ts));
      for (let i = 0; i < n; i++) expect(float64Bits(d.vs[i])).toEqual(float64Bits(vs[i]));
    }
  });

  it('decodes compact samples records bit for bit, integral values as varints', () => {
    const special = [0, 1, -1, 2 ** 50 - 1, -(2 ** 50 - 1), 2 ** 50, -(2 ** 50), 2 ** 53 + 2, 1e300, -0, STALE_NAN, NaN, 0.5, -2.25, Infinity, -Infinity, 5e-324];
    const d = new SamplesDecoder();
    for (const n of [special.length, 3000]) {
      const refs = Array.from({ length: n }, (_, i) => (i * 7919) % 100_003);
      const ts = Float64Array.from({ length: n }, (_, i) => 1.7e12 + (i % 3 === 0 ? -i * 1e6 : i));
      const vs = Float64Array.from({ length: n }, (_, i) => (i < special.length ? special[i] : i % 5 === 0 ? i / 7 : i * 1000 - 7));
      // A plain array canonicalises NaNs: put the stale marker's exact bits in directly.
      vs[10] = STALE_NAN; // special[10]
      const w = new ByteWriter();
      encodeCompactSamples(w, refs, ts, vs, n);
      d.decode(new ByteReader(w.view()), true);
      expect(d.n).toBe(n);
      expect(Array.from(d.refs.subarray(0, n))).toEqual(refs);
      expect(Array.from(d.ts.subarray(0, n))).toEqual(Array.from(ts));
      for (let i = 0; i < n; i++) expect([i, float64Bits(d.vs[i])]).toEqual([i, float64Bits(vs[i])]);
    }
    // Small counts take a few bytes, not eight.
    const w = new ByteWriter();
    encodeCompactSamples(w, [1], Float64Array.of(0), Float64Array.of(12345), 1);
    expect(w.length).toBeLessThanOrEqual(6);
    expect(() => d.decode(new ByteReader(w.view().subarray(0, w.length - 1)), true)).toThrow(CorruptionError);
  });

  it('rejects truncated and oversized samples records', () => {
    const w = new ByteWriter();
    encodeSamples(w, [1, 2], new Float64Array([1, 2]), new Float64Array([1, 2]), 2);
    const d = new SamplesDecoder();
    expect(() => d.decode(new ByteReader(w.view().subarray(0, w.length - 1)))).toThrow(CorruptionError);
    const big = new ByteWriter();
    big.uvarint(1e9);
    expect(() => d.decode(new ByteReader(big.view()))).toThrow(CorruptionError);
  });

  it('decodes series records, repeated, non-ASCII, long and empty strings alike', () => {
    const long = 'x'.repeat(200);
    const series = [
      { ref: 1, labels: [{ name: 'job', value: 'a' }, { name: 'k', value: 'ünïcode' }] },
      { ref: 2, labels: [{ name: 'job', value: 'a' }, { name: 'k', value: long }] },
      { ref: 300, labels: [{ name: 'job', value: 'b' }, { name: 'k', value: '' }] },
    ];
    const w = new ByteWriter();
    encodeSeries(w, series);
    const d = new SeriesDecoder();
    const out = d.decode(new ByteReader(w.view()));
    expect(out).toEqual(series);
    const again = d.decode(new ByteReader(w.view()));
    expect(again).toEqual(series);
  });

  it('makes label objects through the given pair function, once per distinct pair', () => {
    const made: string[] = [];
    const d = new SeriesDecoder((name, value) => {
      made.push(`${name}=${value}`);
      return Object.freeze({ name, value });
    });
    const series = [
      { ref: 1, labels: [{ name: 'job', value: 'a' }, { name: 'k', value: 'ü' }] },
      { ref: 2, labels: [{ name: 'job', value: 'a' }, { name: 'k', value: 'b' }] },
      { ref: 3, labels: [{ name: 'job', value: 'b' }, { name: 'k', value: 'a' }] },
    ];
    const w = new ByteWriter();
    encodeSeries(w, series);
    const out = d.decode(new ByteReader(w.view()));
    expect(out).toEqual(series);
    expect(out[0].labels[0]).toBe(out[1].labels[0]);
    expect(made).toEqual(['job=a', 'k=ü', 'k=b', 'job=b', 'k=a']);
  });
});
