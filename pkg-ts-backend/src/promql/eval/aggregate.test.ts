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
