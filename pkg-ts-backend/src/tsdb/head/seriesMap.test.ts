import { labelsFromRecord } from '../../model/labels';
import { SeriesMap } from './seriesMap';

describe('SeriesMap', () => {
  it('keeps entries with colliding hashes apart', () => {
    const m = new SeriesMap<{ labels: ReturnType<typeof labelsFromRecord> }>();
    const a = { labels: labelsFromRecord({ a: '1' }) };
    const b = { labels: labelsFromRecord({ b: '2' }) };
    m.add(a, 42);
    m.add(b, 42);
    expect(m.get(labelsFromRecord({ a: '1' }), 42)).toBe(a);
    expect(m.get(labelsFromRecord({ b: '2' }), 42)).toBe(b);
    expect(m.get(labelsFromRecord({ c: '3' }), 42)).toBeUndefined();
  });

  it('finds, adds and deletes by label set', () => {
    const m = new SeriesMap<{ labels: ReturnType<typeof labelsFromRecord> }>();
    const a = { labels: labelsFromRecord({ job: 'x', instance: 'y' }) };
    m.add(a);
    expect(m.get(labelsFromRecord({ instance: 'y', job: 'x' }))).toBe(a);
    m.delete(a);
    expect(m.get(a.labels)).toBeUndefined();
  });

  it('agrees with a plain map through random adds and deletes, with heavily colliding hashes', () => {
    type Entry = { labels: ReturnType<typeof labelsFromRecord>; hash: number };
    const m = new SeriesMap<Entry>();
    const model = new Map<string, Entry>();
    let seed = 3;
    const rand = (n: number): number => (seed = (Math.imul(seed, 1103515245) + 12345) >>> 0) % n;
    for (let step = 0; step < 6000; step++) {
      const id = String(rand(800));
      const existing = model.get(id);
      // Few distinct hashes: long probe runs and many entries per hash.
      const hash = Number(id) % 13;
      if (existing && rand(3) === 0) {
        m.delete(existing, existing.hash);
        model.delete(id);
      } else if (!existing) {
        const e = { labels: labelsFromRecord({ id }), hash };
        m.add(e, hash);
        model.set(id, e);
      }
      if (step % 500 === 0 || step === 5999) {
        expect(m.size).toBe(model.size);
        for (let k = 0; k < 800; k++) expect(m.get(labelsFromRecord({ id: String(k) }), k % 13)).toBe(model.get(String(k)));
      }
    }
  });
});
