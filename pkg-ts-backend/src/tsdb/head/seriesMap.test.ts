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
});
