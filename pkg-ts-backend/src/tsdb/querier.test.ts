import { labelsFromRecord } from '../model/labels';
import { Matcher } from '../model/matcher';
import { Head } from './head';
import { MergeQuerier } from './querier';

async function headWith(name: string, times: number[]): Promise<Head> {
  const head = new Head({ chunkSize: 2 });
  const app = head.appender();
  for (const t of times) app.append(0, labelsFromRecord({ __name__: name }), t, t * 10);
  await app.commit();
  return head;
}

describe('MergeQuerier', () => {
  it('joins one series from sources ordered by time and seeks across them', async () => {
    const old = await headWith('m', [1, 2, 3]);
    const recent = await headWith('m', [3, 4, 5, 6]);
    const other = await headWith('n', [1]);
    const q = new MergeQuerier([
      old.querier(0, 100),
      new MergeQuerier([recent.querier(0, 100), other.querier(0, 100)]),
    ]);
    const series = q.select(false, undefined, [new Matcher('=~', '__name__', '.+')]);
    expect(series.map((s) => s.labels[0].value)).toEqual(['m', 'n']);
    const it = series[0].iterator();
    const ts: number[] = [];
    while (it.next()) ts.push(it.t());
    expect(ts).toEqual([1, 2, 3, 4, 5, 6]);
    const seeker = series[0].iterator();
    expect(seeker.seek(4)).toBe(true);
    expect([seeker.t(), seeker.v()]).toEqual([4, 40]);
    expect(seeker.seek(2)).toBe(true);
    expect(seeker.t()).toBe(4);
    expect(seeker.next()).toBe(true);
    expect(seeker.t()).toBe(5);
    expect(seeker.seek(7)).toBe(false);
    expect(seeker.seek(1)).toBe(false);
    expect(seeker.next()).toBe(false);
    expect(q.labelValues('__name__')).toEqual(['m', 'n']);
    expect(q.labelNames([new Matcher('=', '__name__', 'n')])).toEqual(['__name__']);
  });
});
