import { labelsFromRecord } from '../model/labels';
import { Matcher } from '../model/matcher';
import { MemoryStorage } from './memory';
import { mergeQueryables } from './merge';

async function load(rows: [Record<string, string>, number, number][]): Promise<MemoryStorage> {
  const s = new MemoryStorage();
  const app = s.appender();
  for (const [l, t, v] of rows) app.append(0, labelsFromRecord(l), t, v);
  await app.commit();
  return s;
}

describe('mergeQueryables', () => {
  it('unions series and samples, first source winning on equal timestamps', async () => {
    const a = await load([
      [{ __name__: 'm', x: '1' }, 10, 1],
      [{ __name__: 'm', x: '1' }, 30, 3],
      [{ __name__: 'm', x: '2' }, 10, 7],
    ]);
    const b = await load([
      [{ __name__: 'm', x: '1' }, 20, 2],
      [{ __name__: 'm', x: '1' }, 30, 99],
      [{ __name__: 'm', x: '3' }, 10, 8],
    ]);
    const q = mergeQueryables([a, b]).querier(0, 100);
    const got = q.select(true, undefined, [new Matcher('=', '__name__', 'm')]).map((s) => {
      const it = s.iterator();
      const pts: [number, number][] = [];
      while (it.next()) pts.push([it.t(), it.v()]);
      return [s.labels.find((l) => l.name === 'x')!.value, pts];
    });
    expect(got).toEqual([
      ['1', [[10, 1], [20, 2], [30, 3]]],
      ['2', [[10, 7]]],
      ['3', [[10, 8]]],
    ]);
    const it = q.select(true, undefined, [new Matcher('=', 'x', '1')])[0].iterator();
    expect(it.seek(15)).toBe(true);
    expect([it.t(), it.v()]).toEqual([20, 2]);
    expect(q.labelValues('x')).toEqual(['1', '2', '3']);
    expect(q.labelNames()).toEqual(['__name__', 'x']);
  });
});
