import { float64Bits, STALE_NAN } from '../../model/value';
import { XorChunkEncoder, XorChunkIterator } from '../chunkenc/xor';
import { EncodedSamplesChunk, mergeOutOfOrder, OutOfOrderSamples } from './outOfOrder';

function chunk(samples: [number, number][]): EncodedSamplesChunk {
  const enc = new XorChunkEncoder();
  for (const [t, v] of samples) enc.append(t, v);
  return { bytes: enc.bytes(), mint: samples[0][0], maxt: samples[samples.length - 1][0] };
}

function decode(chunks: EncodedSamplesChunk[]): [number, number][] {
  const out: [number, number][] = [];
  for (const c of chunks) {
    const it = new XorChunkIterator(c.bytes);
    while (it.next()) out.push([it.t(), it.v()]);
  }
  return out;
}

describe('OutOfOrderSamples', () => {
  it('keeps samples sorted, refuses a second sample at a held time, and truncates', () => {
    const ooo = new OutOfOrderSamples();
    for (const t of [50, 10, 30, 20, 40, 60, 5]) expect(ooo.insert(t, t / 10)).toBe(true);
    expect(ooo.insert(30, 99)).toBe(false);
    expect(ooo.size).toBe(7);
    const out = new Float64Array(1);
    expect(ooo.valueAt(30, out)).toBe(true);
    expect(out[0]).toBe(3);
    expect(ooo.valueAt(31, out)).toBe(false);
    expect([...ooo.samplesIn(10, 40).ts]).toEqual([10, 20, 30, 40]);
    expect(ooo.overlaps(51, 59)).toBe(false);
    expect(ooo.overlaps(51, 60)).toBe(true);
    ooo.truncateBefore(25);
    expect([ooo.minT(), ooo.maxT(), ooo.size]).toEqual([30, 60, 4]);
    expect(ooo.insert(35, 1)).toBe(true);
    expect([...ooo.samplesIn(-Infinity, Infinity).ts]).toEqual([30, 35, 40, 50, 60]);
  });

  it('keeps the stale marker bit-exact', () => {
    const ooo = new OutOfOrderSamples();
    ooo.insert(1, STALE_NAN);
    expect(float64Bits(ooo.samplesIn(0, 2).vs[0])).toEqual(float64Bits(STALE_NAN));
  });
});

describe('mergeOutOfOrder', () => {
  it('interleaves by time within the range, in-order sample winning a shared time', () => {
    const inOrder = [
      chunk([
        [10, 1],
        [20, 2],
        [30, 3],
      ]),
      chunk([
        [40, 4],
        [50, 5],
      ]),
    ];
    const ooo = { ts: Float64Array.of(5, 15, 30, 45, 55), vs: Float64Array.of(0.5, 1.5, 99, 4.5, 5.5) };
    const all = mergeOutOfOrder(inOrder, ooo, -Infinity, Infinity, 120, 0);
    expect(decode(all)).toEqual([
      [5, 0.5],
      [10, 1],
      [15, 1.5],
      [20, 2],
      [30, 3],
      [40, 4],
      [45, 4.5],
      [50, 5],
      [55, 5.5],
    ]);
    expect(decode(mergeOutOfOrder(inOrder, ooo, 12, 45, 120, 0)).map(([t]) => t)).toEqual([15, 20, 30, 40, 45]);
  });

  it('cuts chunks at the chunk size and at multiples of the chunk range', () => {
    const ooo = { ts: Float64Array.of(1, 3, 5, 7, 9, 11), vs: new Float64Array(6) };
    const chunks = mergeOutOfOrder([chunk([[12, 0]])], ooo, -Infinity, Infinity, 3, 10);
    expect(chunks.map((c) => [c.mint, c.maxt])).toEqual([
      [1, 5],
      [7, 9],
      [11, 12],
    ]);
  });
});
