import { formatLabels, labelsFromRecord } from '../../model/labels';
import { MemoryStorage } from '../../storage/memory';
import { Engine } from '../engine';
import { formatFloatPlain } from './aggregate';

async function queueDepths(): Promise<MemoryStorage> {
  const st = new MemoryStorage();
  const app = st.appender();
  const depths: [string, string, number][] = [
    ['a', 'api', 4],
    ['b', 'api', 1],
    ['a', 'db', 1],
    ['b', 'db', 6],
  ];
  for (const [instance, job, v] of depths) app.append(0, labelsFromRecord({ __name__: 'q', instance, job }), 0, v);
  await app.commit();
  return st;
}

async function counts(query: string): Promise<Record<string, number>> {
  const r = await new Engine().instantQuery(await queueDepths(), query, 1_000);
  if (r.value.type !== 'vector') throw new Error(`got ${r.value.type}`);
  return Object.fromEntries(r.value.samples.map((s) => [formatLabels(s.metric), s.v]));
}

describe('count_values', () => {
  it('groups after setting the value label, which may overwrite a by label', async () => {
    expect(await counts('count_values by (instance) ("instance", q)')).toEqual({
      '{instance="4"}': 1,
      '{instance="1"}': 2,
      '{instance="6"}': 1,
    });
  });

  it('keeps the by labels next to the value label and drops it when listed in without', async () => {
    expect(await counts('count_values by (job) ("v", q)')).toEqual({
      '{job="api", v="4"}': 1,
      '{job="api", v="1"}': 1,
      '{job="db", v="1"}': 1,
      '{job="db", v="6"}': 1,
    });
    expect(await counts('count_values without (instance, v) ("v", q)')).toEqual({ '{job="api"}': 2, '{job="db"}': 2 });
  });

  it('formats values as Go does, negative zero included', () => {
    expect(formatFloatPlain(-0)).toBe('-0');
    expect(formatFloatPlain(0)).toBe('0');
    expect(formatFloatPlain(-1.5e-7)).toBe('-0.00000015');
  });
});

describe('aggregations folded while a range function streams its series', () => {
  const OPS = ['sum', 'avg', 'count', 'min', 'max', 'group', 'stddev', 'stdvar'];

  async function counters(ids: number, names: string[]): Promise<MemoryStorage> {
    const st = new MemoryStorage();
    const app = st.appender();
    let seed = 7;
    const random = (): number => {
      seed = (seed * 16807) % 2147483647;
      return seed / 2147483647;
    };
    for (const name of names) {
      for (let id = 0; id < ids; id++) {
        const labels = labelsFromRecord({ __name__: name, id: String(id), g: `g${id % 3}` });
        let v = 0;
        // Series start and stop at different times, some reset.
        for (let t = (id % 5) * 20_000; t < 600_000 - (id % 7) * 30_000; t += 15_000) {
          v = random() < 0.05 ? random() * 10 : v + random() * 1e6;
          app.append(0, labels, t, v);
        }
      }
    }
    await app.commit();
    return st;
  }

  async function range(st: MemoryStorage, query: string, engine = new Engine()) {
    const r = await engine.rangeQuery(st, query, 0, 900_000, 10_000);
    if (r.value.type !== 'matrix') throw new Error(`got ${r.value.type}`);
    return r.value.series.map((s) => ({ metric: formatLabels(s.metric), ts: s.ts, vs: s.vs }));
  }

  it('gives exactly what the aggregation over the whole vector gives', async () => {
    const st = await counters(40, ['m_total']);
    for (const op of OPS) {
      // `* 1` keeps every value but makes the argument a binary expression, which is not streamed.
      expect(await range(st, `${op} by (g) (rate(m_total[1m]))`)).toEqual(
        await range(st, `${op} by (g) (rate(m_total[1m]) * 1)`)
      );
      expect(await range(st, `${op} (increase(m_total[2m]))`)).toEqual(
        await range(st, `${op} (increase(m_total[2m]) * 1)`)
      );
    }
  });

  it('leaves anchored and smoothed selectors to their own evaluation', async () => {
    const st = await counters(40, ['m_total']);
    const engine = new Engine({ enableExtendedRangeSelectors: true });
    for (const modifier of ['anchored', 'smoothed']) {
      expect(await range(st, `sum by (g) (increase(m_total[2m] ${modifier}))`, engine)).toEqual(
        await range(st, `sum by (g) (increase(m_total[2m] ${modifier}) * 1)`, engine)
      );
    }
  });

  it('falls back to the whole vector for many groups and gives the same answer', async () => {
    const st = await counters(1100, ['m_total']);
    expect(await range(st, 'sum by (id) (rate(m_total[1m]))')).toEqual(
      await range(st, 'sum by (id) (rate(m_total[1m]) * 1)')
    );
  });

  it('still reports series that collide once their names are dropped', async () => {
    const st = await counters(3, ['a_total', 'b_total']);
    await expect(range(st, 'sum(rate({__name__=~"a_total|b_total"}[1m]))')).rejects.toThrow(
      'vector cannot contain metrics with the same labelset'
    );
  });

  it('counts the streamed samples against the sample limit', async () => {
    const st = await counters(40, ['m_total']);
    await expect(range(st, 'sum(rate(m_total[1m]))', new Engine({ maxSamples: 100 }))).rejects.toThrow(
      'query processing would load too many samples into memory'
    );
  });
});
