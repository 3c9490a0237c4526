import { labelsFromRecord } from '../model/labels';
import { Matcher } from '../model/matcher';
import { isStaleNaN, STALE_NAN } from '../model/value';
import { ERR_OUT_OF_ORDER_SAMPLE } from './interface';
import { MemoryStorage } from './memory';

function collect(st: MemoryStorage, mint: number, maxt: number, ms: Matcher[]): [string, number[], number[]][] {
  const q = st.querier(mint, maxt);
  return q.select(true, undefined, ms).map((s) => {
    const ts: number[] = [];
    const vs: number[] = [];
    const it = s.iterator();
    while (it.next()) {
      ts.push(it.t());
      vs.push(it.v());
    }
    return [s.labels.map((l) => `${l.name}=${l.value}`).join(','), ts, vs];
  });
}

describe('MemoryStorage', () => {
  it('returns committed samples within the range, sorted by labels', async () => {
    const st = new MemoryStorage();
    const app = st.appender();
    const b = labelsFromRecord({ __name__: 'm', job: 'b' });
    const a = labelsFromRecord({ __name__: 'm', job: 'a' });
    for (let t = 0; t < 5; t++) {
      app.append(0, b, t * 10, t);
      app.append(0, a, t * 10, -t);
    }
    expect(collect(st, 0, 100, [new Matcher('=', '__name__', 'm')])).toEqual([]);
    await app.commit();
    expect(collect(st, 10, 30, [new Matcher('=', '__name__', 'm')])).toEqual([
      ['__name__=m,job=a', [10, 20, 30], [-1, -2, -3]],
      ['__name__=m,job=b', [10, 20, 30], [1, 2, 3]],
    ]);
    expect(collect(st, 0, 100, [new Matcher('=~', 'job', 'b')]).length).toBe(1);
    expect(st.querier(0, 100).labelValues('job')).toEqual(['a', 'b']);
    expect(st.querier(0, 100).labelNames()).toEqual(['__name__', 'job']);
  });

  it('rejects out-of-order samples and keeps the stale marker bit-exact', async () => {
    const st = new MemoryStorage();
    const ls = labelsFromRecord({ __name__: 'x' });
    const app = st.appender();
    app.append(0, ls, 10, 1);
    app.append(0, ls, 20, STALE_NAN);
    expect(() => app.append(0, ls, 5, 1)).toThrow(ERR_OUT_OF_ORDER_SAMPLE);
    await app.commit();
    const it = st.querier(0, 100).select(false, undefined, [])[0].iterator();
    expect(it.seek(15)).toBe(true);
    expect(it.t()).toBe(20);
    expect(isStaleNaN(it.v())).toBe(true);
    expect(it.next()).toBe(false);
  });
});
