import { labelsFromRecord } from '../model/labels';
import { Matcher } from '../model/matcher';
import {
  ErrDuplicateExemplar,
  ErrExemplarLabelLength,
  ErrExemplarsDisabled,
  ErrOutOfOrderExemplar,
  ExemplarStorage,
} from './exemplars';

const series = (name: string, extra: Record<string, string> = {}) => labelsFromRecord({ __name__: name, ...extra });
const ex = (traceId: string, value: number, ts: number) => ({ labels: labelsFromRecord({ trace_id: traceId }), value, ts });
const byName = (name: string) => [[new Matcher('=', '__name__', name)]];

describe('ExemplarStorage', () => {
  it('returns exemplars of matched series within the time range, oldest first', () => {
    const s = new ExemplarStorage(10);
    const a = series('a_bucket', { le: '1' });
    s.add(a, ex('t1', 0.5, 1000));
    s.add(a, ex('t2', 0.7, 2000));
    s.add(a, ex('t3', 0.2, 3000));
    s.add(series('b'), ex('t4', 1, 1500));
    expect(s.select(1500, 3000, byName('a_bucket'))).toEqual([
      { seriesLabels: a, exemplars: [ex('t2', 0.7, 2000), ex('t3', 0.2, 3000)] },
    ]);
    expect(s.select(0, 5000, [...byName('a_bucket'), ...byName('b')]).map((r) => r.seriesLabels)).toEqual([a, series('b')]);
    expect(s.select(4000, 5000, byName('a_bucket'))).toEqual([]);
    expect(s.size()).toBe(4);
    expect(s.seriesWithExemplars()).toBe(2);
  });

  it('rejects a repeat of the newest exemplar as a duplicate and older ones as out of order', () => {
    const s = new ExemplarStorage(10);
    const a = series('a');
    s.add(a, ex('t1', 1, 1000));
    expect(() => s.add(a, ex('t1', 1, 1000))).toThrow(ErrDuplicateExemplar);
    expect(() => s.add(a, ex('t0', 5, 999))).toThrow(ErrOutOfOrderExemplar);
    expect(() => s.add(a, ex('t0', 0.5, 1000))).toThrow(ErrOutOfOrderExemplar);
    // Same time, different value or labels: accepted (several buckets can share a timestamp).
    s.add(a, ex('t2', 2, 1000));
    s.add(a, ex('t3', 2, 1000));
    expect(s.size()).toBe(3);
    expect(() => s.validate(a, ex('t3', 2, 1000))).toThrow(ErrDuplicateExemplar);
    // tryAdd hands the rejection back instead of throwing it.
    expect(s.tryAdd(a, ex('t0', 5, 999))?.message).toBe(ErrOutOfOrderExemplar);
    expect(s.tryAdd(a, ex('t4', 3, 2000))).toBeUndefined();
    expect(s.size()).toBe(4);
  });

  it('limits the label set to 128 UTF-8 characters', () => {
    const s = new ExemplarStorage(10);
    const ok = { labels: labelsFromRecord({ trace_id: 'é'.repeat(120) }), value: 1, ts: 1 };
    s.add(series('a'), ok);
    const long = { labels: labelsFromRecord({ trace_id: 'x'.repeat(121) }), value: 1, ts: 2 };
    expect(() => s.add(series('a'), long)).toThrow(ErrExemplarLabelLength);
  });

  it('overwrites the oldest exemplar of all when full and forgets series left without any', () => {
    const s = new ExemplarStorage(3);
    s.add(series('a'), ex('1', 1, 1));
    s.add(series('b'), ex('2', 2, 2));
    s.add(series('a'), ex('3', 3, 3));
    s.add(series('c'), ex('4', 4, 4)); // evicts a@1
    s.add(series('c'), ex('5', 5, 5)); // evicts b@2
    expect(s.size()).toBe(3);
    expect(s.seriesWithExemplars()).toBe(2);
    const all = s.select(0, 10, [[new Matcher('=~', '__name__', '.+')]]);
    expect(all.map((r) => [r.seriesLabels[0].value, r.exemplars.map((e) => e.ts)])).toEqual([
      ['a', [3]],
      ['c', [4, 5]],
    ]);
    // Once a series' exemplars are gone, an older timestamp is no longer out of order for it.
    s.add(series('b'), ex('6', 1, 1));
    expect(s.appendedTotal).toBe(6);
  });

  it('keeps the newest exemplars across a resize', () => {
    const s = new ExemplarStorage(4);
    for (let i = 1; i <= 6; i++) s.add(series('a'), ex(String(i), i, i * 1000));
    s.resize(2);
    expect(s.maxExemplars()).toBe(2);
    expect(s.select(0, 1e9, byName('a'))[0].exemplars.map((e) => e.value)).toEqual([5, 6]);
    s.resize(8);
    s.add(series('a'), ex('7', 7, 7000));
    expect(s.select(0, 1e9, byName('a'))[0].exemplars.map((e) => e.value)).toEqual([5, 6, 7]);
    expect(s.appendedTotal).toBe(7);
  });

  it('refuses everything when max_exemplars is 0', () => {
    const s = new ExemplarStorage(0);
    expect(() => s.add(series('a'), ex('1', 1, 1))).toThrow(ErrExemplarsDisabled);
    expect(s.select(0, 10, byName('a'))).toEqual([]);
  });
});
