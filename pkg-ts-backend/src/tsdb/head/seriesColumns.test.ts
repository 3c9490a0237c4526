import { XorChunkEncoder, XorChunkIterator } from '../chunkenc/xor';
import { float64Bits, STALE_NAN } from '../../model/value';
import { DEAD_SLOT, SeriesColumns } from './seriesColumns';

function decode(bytes: Uint8Array, count?: number): [number, [number, number]][] {
  const out: [number, [number, number]][] = [];
  const it = new XorChunkIterator(bytes, count);
  while (it.next()) out.push([it.t(), float64Bits(it.v())]);
  return out;
}

describe('SeriesColumns', () => {
  it('encodes open chunks byte for byte like XorChunkEncoder, across slab moves and many series', () => {
    const cols = new SeriesColumns();
    const n = 500;
    const slots: number[] = [];
    const encs: XorChunkEncoder[] = [];
    for (let i = 0; i < n; i++) {
      const slot = cols.allocSlot();
      expect(slot).not.toBe(DEAD_SLOT);
      slots.push(slot);
      encs.push(new XorChunkEncoder());
      cols.startOpen(slot, 1000);
    }
    const values = [0, -0, 1.5, Infinity, -Infinity, NaN, STALE_NAN, 5e-324, 1e300, 42];
    for (let k = 0; k < 150; k++) {
      for (let i = 0; i < n; i++) {
        const t = 1000 + k * 15000 + (k % 7 === 0 ? i : 0);
        const v = i % 3 === 0 ? values[(k + i) % values.length] : Math.sin(i + k) * 1000;
        cols.appendOpen(slots[i], t, v);
        encs[i].append(t, v);
      }
    }
    for (let i = 0; i < n; i++) {
      const bytes = cols.copyOpen(slots[i], true);
      expect(Buffer.from(bytes).equals(Buffer.from(encs[i].bytes()))).toBe(true);
      expect(cols.openCount(slots[i])).toBe(150);
    }
    expect(decode(cols.copyOpen(slots[3], false), 150)).toEqual(decode(encs[3].bytes()));
  });

  it('keeps a reader copy intact while the slab is freed and reused', () => {
    const cols = new SeriesColumns();
    const a = cols.allocSlot();
    cols.startOpen(a, 0);
    for (let t = 0; t < 5; t++) cols.appendOpen(a, t, t * 1.5);
    const copy = cols.copyOpen(a, false);
    cols.freeSlot(a);
    const b = cols.allocSlot();
    expect(b).toBe(a);
    expect(cols.lastT(b)).toBe(-Infinity);
    expect(cols.openCount(b)).toBe(0);
    cols.startOpen(b, 0);
    for (let t = 0; t < 5; t++) cols.appendOpen(b, t, -t);
    expect(decode(copy, 5).map(([t]) => t)).toEqual([0, 1, 2, 3, 4]);
    expect(new XorChunkIterator(copy, 5).seek(4)).toBe(true);
  });

  it('keeps last and staged values bit-exact', () => {
    const cols = new SeriesColumns();
    const s = cols.allocSlot();
    cols.startOpen(s, 0);
    cols.appendOpen(s, 7, STALE_NAN);
    expect(cols.lastT(s)).toBe(7);
    expect(float64Bits(cols.lastV(s))).toEqual(float64Bits(STALE_NAN));
    cols.setStagedV(s, STALE_NAN);
    expect(float64Bits(cols.stagedV(s))).toEqual(float64Bits(STALE_NAN));
  });
});
