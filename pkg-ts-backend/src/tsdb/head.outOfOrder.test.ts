// The head with an out-of-order window: which samples it accepts, the errors for the others,
// and queries that merge out-of-order samples with the in-order chunks.
import { Labels, labelsFromRecord } from '../model/labels';
import { Matcher } from '../model/matcher';
import { float64Bits, STALE_NAN } from '../model/value';
import { StorageError } from '../storage/interface';
import { Head } from './head';

const M: Labels = labelsFromRecord({ __name__: 'm' });

function points(head: Head, mint = -Infinity, maxt = Infinity): [number, number][] {
  const out: [number, number][] = [];
  for (const s of head.querier(mint, maxt).select(false, undefined, [new Matcher('=', '__name__', 'm')])) {
    const it = s.iterator();
    while (it.next()) out.push([it.t(), it.v()]);
  }
  return out;
}

async function append(head: Head, ...samples: [number, number][]): Promise<void> {
  const app = head.appender();
  for (const [t, v] of samples) app.append(0, M, t, v);
  await app.commit();
}

describe('Head with an out-of-order window', () => {
  it('accepts older samples within the window and answers queries merged in time order', async () => {
    const head = new Head({ chunkSize: 3, outOfOrderTimeWindowMs: 1000 });
    await append(head, [1000, 1], [1200, 2], [1400, 3], [1600, 4], [2000, 5]);
    await append(head, [1300, 30], [1100, 10], [1500, 50], [1050, 0.5]);
    expect(points(head)).toEqual([
      [1000, 1],
      [1050, 0.5],
      [1100, 10],
      [1200, 2],
      [1300, 30],
      [1400, 3],
      [1500, 50],
      [1600, 4],
      [2000, 5],
    ]);
    expect(points(head, 1250, 1550).map(([t]) => t)).toEqual([1300, 1400, 1500]);
    const it = head.querier(0, 5000).select(false, undefined, [])[0].iterator();
    expect(it.seek(1450)).toBe(true);
    expect(it.t()).toBe(1500);
    expect(head.outOfOrderAppended).toBe(4);
    expect(head.minT()).toBe(1000);
  });

  it('rejects samples outside the window as too old, and in persisted ranges as out of bounds', async () => {
    const head = new Head({ outOfOrderTimeWindowMs: 1000 });
    await append(head, [5000, 1]);
    const app = head.appender();
    expect(() => app.append(0, M, 3999, 1)).toThrow(new StorageError('too old sample'));
    app.append(0, M, 4000, 1);
    await app.commit();
    head.setMinValidTime(4500);
    expect(() => head.appender().append(0, M, 4400, 1)).toThrow(new StorageError('out of bounds'));
    // Staged before the range was persisted: dropped when applied, as the block already has it.
    const late = head.appender();
    late.append(0, M, 4600, 1);
    late.append(0, M, 4700, 1);
    head.setMinValidTime(4650);
    await late.commit();
    expect(points(head).map(([t]) => t)).toEqual([4000, 4700, 5000]);
  });

  it('accepts a bit-equal duplicate silently and rejects a different value at a held time', async () => {
    const head = new Head({ chunkSize: 2, outOfOrderTimeWindowMs: 10_000 });
    await append(head, [1000, 1], [2000, 2], [3000, 3], [4000, 4], [5000, 5]);
    await append(head, [2500, STALE_NAN]);
    const app = head.appender();
    // In-order chunks, the out-of-order buffer and this appender's own staged samples.
    app.append(0, M, 2000, 2);
    expect(() => app.append(0, M, 2000, 2.5)).toThrow(new StorageError('duplicate sample for timestamp'));
    app.append(0, M, 2500, STALE_NAN);
    expect(() => app.append(0, M, 2500, NaN)).toThrow(new StorageError('duplicate sample for timestamp'));
    app.append(0, M, 1500, 15);
    app.append(0, M, 1500, 15);
    expect(() => app.append(0, M, 1500, 16)).toThrow(new StorageError('duplicate sample for timestamp'));
    app.append(0, M, 6000, 6);
    app.append(0, M, 5500, 55);
    expect(() => app.append(0, M, 6000, 7)).toThrow(new StorageError('duplicate sample for timestamp'));
    expect(() => app.append(0, M, 5500, 56)).toThrow(new StorageError('duplicate sample for timestamp'));
    await app.commit();
    const got = points(head);
    expect(got.map(([t]) => t)).toEqual([1000, 1500, 2000, 2500, 3000, 4000, 5000, 5500, 6000]);
    const it = head.querier(2500, 2500).select(false, undefined, [])[0].iterator();
    expect(it.next()).toBe(true);
    expect(float64Bits(it.v())).toEqual(float64Bits(STALE_NAN));
    expect(head.outOfOrderAppended).toBe(3);
  });

  it('drops at apply time a sample another appender committed at the same time first', async () => {
    const head = new Head({ outOfOrderTimeWindowMs: 10_000 });
    await append(head, [1000, 1], [3000, 3]);
    const a = head.appender();
    const b = head.appender();
    a.append(0, M, 2000, 20);
    b.append(0, M, 2000, 21);
    await a.commit();
    await b.commit();
    expect(points(head)).toEqual([
      [1000, 1],
      [2000, 20],
      [3000, 3],
    ]);
  });

  it('rejects out-of-order samples again once the window is set to 0, keeping those held', async () => {
    const head = new Head({ outOfOrderTimeWindowMs: 10_000 });
    await append(head, [1000, 1], [3000, 3], [2000, 2]);
    head.setOutOfOrderTimeWindow(0);
    expect(() => head.appender().append(0, M, 2500, 1)).toThrow(new StorageError('out of order sample'));
    expect(points(head).map(([t]) => t)).toEqual([1000, 2000, 3000]);
  });

  it('truncates out-of-order samples with the chunks and drops series left empty', async () => {
    const head = new Head({ chunkSize: 2, outOfOrderTimeWindowMs: 10_000 });
    await append(head, [1000, 1], [2000, 2], [3000, 3], [4000, 4]);
    await append(head, [1500, 15], [3500, 35]);
    head.truncate(3000);
    expect(points(head).map(([t]) => t)).toEqual([3000, 3500, 4000]);
    expect(head.minT()).toBe(3000);
    head.truncate(5000);
    expect(head.numSeries()).toBe(0);
  });
});
