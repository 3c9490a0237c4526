import { Labels, labelsFromRecord } from '../model/labels';
import { Matcher } from '../model/matcher';
import { float64Bits, STALE_NAN } from '../model/value';
import { StorageError, Querier, Series } from '../storage/interface';
import { XorChunkEncoder } from './chunkenc/xor';
import { Head } from './head';

const L = (rec: Record<string, string>): Labels => labelsFromRecord(rec);

function samples(s: Series): [number, number][] {
  const out: [number, number][] = [];
  const it = s.iterator();
  while (it.next()) out.push([it.t(), it.v()]);
  return out;
}

function selectAll(q: Querier, ...ms: Matcher[]): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  for (const s of q.select(true, undefined, ms)) out[JSON.stringify(s.labels)] = samples(s);
  return out;
}

async function seed(head: Head): Promise<void> {
  const app = head.appender();
  for (let t = 0; t < 10; t++) {
    app.append(0, L({ __name__: 'up', job: 'a', instance: 'x' }), t * 1000, t);
    app.append(0, L({ __name__: 'up', job: 'b', instance: 'y' }), t * 1000, 10 + t);
    app.append(0, L({ __name__: 'other', job: 'a' }), t * 1000, 20 + t);
  }
  await app.commit();
}

describe('Head', () => {
  it('hides samples until commit and drops them on rollback', async () => {
    const head = new Head();
    const app = head.appender();
    app.append(0, L({ __name__: 'm' }), 1000, 1);
    expect(head.querier(0, 5000).select(false, undefined, [new Matcher('=', '__name__', 'm')])).toHaveLength(0);
    await app.commit();
    expect(selectAll(head.querier(0, 5000), new Matcher('=', '__name__', 'm'))).toEqual({
      [JSON.stringify(L({ __name__: 'm' }))]: [[1000, 1]],
    });
    const app2 = head.appender();
    app2.append(0, L({ __name__: 'm' }), 2000, 2);
    app2.rollback();
    await app2.commit();
    expect(Object.values(selectAll(head.querier(0, 5000), new Matcher('=', '__name__', 'm')))[0]).toEqual([[1000, 1]]);
  });

  it('rejects out-of-order and duplicate samples with Prometheus errors, accepting bit-equal duplicates', async () => {
    const head = new Head();
    const app = head.appender();
    const ref = app.append(0, L({ __name__: 'm' }), 1000, 1);
    expect(() => app.append(ref, L({ __name__: 'm' }), 500, 1)).toThrow(new StorageError('out of order sample'));
    expect(() => app.append(ref, L({ __name__: 'm' }), 1000, 2)).toThrow(
      new StorageError('duplicate sample for timestamp')
    );
    expect(app.append(ref, L({ __name__: 'm' }), 1000, 1)).toBe(ref);
    await app.commit();
    const app2 = head.appender();
    expect(() => app2.append(0, L({ __name__: 'm' }), 999, 1)).toThrow('out of order sample');
    expect(() => app2.append(0, L({ __name__: 'm' }), 1000, 3)).toThrow('duplicate sample for timestamp');
    app2.append(0, L({ __name__: 'm' }), 2000, STALE_NAN);
    await app2.commit();
    const app3 = head.appender();
    expect(app3.append(0, L({ __name__: 'm' }), 2000, STALE_NAN)).toBe(ref);
    expect(() => app3.append(0, L({ __name__: 'm' }), 2000, NaN)).toThrow('duplicate sample for timestamp');
  });

  it('returns the stale marker bit-exact', async () => {
    const head = new Head();
    const app = head.appender();
    app.append(0, L({ __name__: 'm' }), 1000, 1);
    app.append(0, L({ __name__: 'm' }), 2000, STALE_NAN);
    await app.commit();
    const it = head.querier(0, 3000).select(false, undefined, [])[0].iterator();
    it.next();
    it.next();
    expect(float64Bits(it.v())).toEqual([0x7ff00000, 2]);
  });

  it('applies matcher semantics for absent labels and regexes', async () => {
    const head = new Head();
    await seed(head);
    const q = head.querier(0, 100_000);
    const names = (ms: Matcher[]): string[] => q.select(true, undefined, ms).map((s) => JSON.stringify(s.labels));
    expect(names([new Matcher('=', 'instance', '')])).toEqual([JSON.stringify(L({ __name__: 'other', job: 'a' }))]);
    expect(names([new Matcher('=~', 'job', '.*')])).toHaveLength(3);
    expect(names([new Matcher('=~', 'instance', '.*')])).toHaveLength(3);
    expect(names([new Matcher('=~', 'instance', '.+')])).toHaveLength(2);
    expect(names([new Matcher('!=', 'job', 'a')])).toEqual([
      JSON.stringify(L({ __name__: 'up', job: 'b', instance: 'y' })),
    ]);
    expect(names([new Matcher('!~', 'instance', 'x|y')])).toEqual([JSON.stringify(L({ __name__: 'other', job: 'a' }))]);
    expect(names([new Matcher('=~', 'job', 'a|b'), new Matcher('=', '__name__', 'up')])).toHaveLength(2);
    expect(names([new Matcher('=~', 'job', 'a.')])).toHaveLength(0);
    expect(names([new Matcher('!=', 'instance', '')])).toHaveLength(2);
    expect(names([new Matcher('=', 'nope', 'x')])).toHaveLength(0);
    const sorted = names([new Matcher('=~', '__name__', '.+')]);
    expect(sorted).toEqual([...sorted].sort((a, b) => (a < b ? -1 : 1)));
  });

  it('restricts samples to the querier range and seeks lazily', async () => {
    const head = new Head({ chunkSize: 3 });
    await seed(head);
    const s = head.querier(2500, 6000).select(false, undefined, [new Matcher('=', 'instance', 'x')])[0];
    expect(samples(s).map(([t]) => t)).toEqual([3000, 4000, 5000, 6000]);
    const it = s.iterator();
    expect(it.seek(4500)).toBe(true);
    expect(it.t()).toBe(5000);
    expect(it.seek(100)).toBe(true);
    expect(it.t()).toBe(5000);
    expect(it.next()).toBe(true);
    expect(it.t()).toBe(6000);
    expect(it.next()).toBe(false);
    expect(head.querier(20_000, 30_000).select(false, undefined, [])).toHaveLength(0);
  });

  it('cuts chunks of the configured size', async () => {
    const head = new Head();
    const app = head.appender();
    for (let i = 0; i < 1000; i++) app.append(0, L({ __name__: 'm' }), i * 15_000, i);
    await app.commit();
    expect(head.numChunks()).toBe(Math.ceil(1000 / 120));
    expect(samples(head.querier(0, Infinity).select(false, undefined, [])[0])).toHaveLength(1000);
  });

  it('answers label names and values, optionally filtered by matchers', async () => {
    const head = new Head();
    await seed(head);
    const q = head.querier(0, 100_000);
    expect(q.labelNames()).toEqual(['__name__', 'instance', 'job']);
    expect(q.labelValues('job')).toEqual(['a', 'b']);
    expect(q.labelValues('instance', [new Matcher('=', 'job', 'a')])).toEqual(['x']);
    expect(q.labelNames([new Matcher('=', '__name__', 'other')])).toEqual(['__name__', 'job']);
    expect(q.labelValues('__name__', undefined, 1)).toEqual(['other']);
    expect(head.querier(50_000, 60_000).labelValues('job')).toEqual([]);
    expect(head.numSeries()).toBe(3);
  });

  it('hides deleted ranges and drops truncated data', async () => {
    const head = new Head({ chunkSize: 4 });
    await seed(head);
    head.deleteSeries([new Matcher('=', 'job', 'b')], 2000, 7000);
    const byJob = selectAll(head.querier(0, 100_000), new Matcher('=', 'job', 'b'));
    expect(Object.values(byJob)[0].map(([t]) => t)).toEqual([0, 1000, 8000, 9000]);
    head.truncate(4000);
    const after = selectAll(head.querier(0, 100_000), new Matcher('=', 'instance', 'x'));
    expect(Object.values(after)[0].map(([t]) => t)).toEqual([4000, 5000, 6000, 7000, 8000, 9000]);
    expect(() => head.appender().append(0, L({ __name__: 'new' }), 3999, 1)).toThrow('out of bounds');
  });

  it('keeps two label sets that differ only in separators apart', async () => {
    const head = new Head();
    const app = head.appender();
    app.append(0, L({ a: 'b\xffc' }), 1, 1);
    app.append(0, L({ a: 'b', c: '' }), 1, 2);
    app.append(0, L({ 'a\xffb': 'c' }), 1, 3);
    await app.commit();
    expect(head.numSeries()).toBe(3);
  });

  it('keeps a selected series at the state of select() while appends continue', async () => {
    const head = new Head({ chunkSize: 4 });
    let app = head.appender();
    for (let t = 0; t < 6; t++) app.append(0, L({ __name__: 'm' }), t, t);
    await app.commit();
    const [series] = head.querier(0, 1000).select(false, undefined, []);
    app = head.appender();
    for (let t = 6; t < 20; t++) app.append(0, L({ __name__: 'm' }), t, t);
    await app.commit();
    expect(samples(series).map(([t]) => t)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(samples(head.querier(0, 1000).select(false, undefined, [])[0])).toHaveLength(20);
  });

  it('shares label pair objects between series and re-creates them after the series are gone', () => {
    const head = new Head();
    const a = head.getOrCreate(L({ job: 'a', instance: 'x' }));
    const b = head.getOrCreate(L({ job: 'a', instance: 'y' }));
    expect(a.labels[1]).toBe(b.labels[1]);
    expect(a.labels[1]).toEqual({ name: 'job', value: 'a' });
    expect(a.labels[0]).not.toBe(b.labels[0]);
    head.truncate(1000);
    expect(head.numSeries()).toBe(0);
    const c = head.getOrCreate(L({ job: 'a', instance: 'x' }));
    expect(c).not.toBe(a);
    expect(c.labels).toEqual(a.labels);
    expect(c.labels[1]).not.toBe(a.labels[1]);
  });

  it('knows the last value of a restored chunk for duplicate detection', async () => {
    const head = new Head();
    const s = head.getOrCreate(L({ __name__: 'm' }));
    const enc = new XorChunkEncoder();
    for (let t = 0; t < 5; t++) enc.append(t * 1000, t === 4 ? STALE_NAN : t);
    head.addRestoredChunk(s, enc.bytes(), 0, 4000);
    const enc2 = new XorChunkEncoder();
    for (let t = 5; t < 8; t++) enc2.append(t * 1000, t * 10);
    head.addRestoredChunk(s, enc2.bytes(), 5000, 7000);
    const app = head.appender();
    expect(app.append(s.ref, s.labels, 7000, 70)).toBe(s.ref);
    expect(() => app.append(s.ref, s.labels, 7000, 71)).toThrow(StorageError);
    app.append(s.ref, s.labels, 8000, STALE_NAN);
    await app.commit();
    const app2 = head.appender();
    expect(app2.append(s.ref, s.labels, 8000, STALE_NAN)).toBe(s.ref);
    expect(float64Bits(s.lastV)).toEqual(float64Bits(STALE_NAN));
    expect(samples(head.querier(0, 9000).select(false, undefined, [])[0]).map(([t]) => t)).toEqual([
      0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000,
    ]);
  });
});
