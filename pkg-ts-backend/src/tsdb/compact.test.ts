import type { BlockMeta } from './block/files';
import { XorChunkEncoder, XorChunkIterator } from './chunkenc/xor';
import { compactionRanges, planCompaction, rechunk } from './compact';

function meta(ulid: string, minTime: number, maxTime: number): BlockMeta {
  return {
    ulid,
    minTime,
    maxTime,
    stats: { numSamples: 1, numSeries: 1, numChunks: 1, numTombstones: 0 },
    compaction: { level: 1, sources: [ulid] },
    version: 1,
  };
}

describe('compaction planning', () => {
  it('grows ranges by three up to the maximum', () => {
    expect(compactionRanges(2, 54)).toEqual([2, 6, 18, 54]);
    expect(compactionRanges(2, 5)).toEqual([2]);
  });

  it('merges blocks of a completed larger range only', () => {
    const ranges = [2, 6, 18];
    expect(planCompaction([meta('a', 0, 2), meta('b', 2, 4)], ranges)).toBeNull();
    expect(planCompaction([meta('a', 0, 2), meta('b', 2, 4), meta('c', 4, 6)], ranges)?.map((m) => m.ulid)).toEqual([
      'a',
      'b',
      'c',
    ]);
    expect(planCompaction([meta('a', 0, 2), meta('b', 2, 4), meta('c', 6, 8)], ranges)?.map((m) => m.ulid)).toEqual([
      'a',
      'b',
    ]);
    expect(planCompaction([meta('x', 0, 6), meta('c', 6, 8)], ranges)).toBeNull();
  });
});

describe('rechunk', () => {
  const enc = new XorChunkEncoder();
  for (let t = 0; t < 10; t++) enc.append(t, t);
  const chunk = { bytes: enc.bytes(), mint: 0, maxt: 9 };
  const times = (cs: { bytes: Uint8Array }[]): number[] =>
    cs.flatMap((c) => {
      const it = new XorChunkIterator(c.bytes);
      const out: number[] = [];
      while (it.next()) out.push(it.t());
      return out;
    });

  it('keeps untouched chunks as they are', () => {
    expect(rechunk([chunk], 0, 9, undefined, 120)[0]).toBe(chunk);
  });

  it('drops deleted and out-of-range samples and re-cuts chunks', () => {
    const out = rechunk([chunk], 1, 8, [{ mint: 3, maxt: 4 }], 3);
    expect(times(out)).toEqual([1, 2, 5, 6, 7, 8]);
    expect(out.map((c) => [c.mint, c.maxt])).toEqual([
      [1, 5],
      [6, 8],
    ]);
  });
});
