import { labelsFromRecord } from '../../model/labels';
import { Matcher } from '../../model/matcher';
import { MemoryStorage } from '../../storage/memory';
import { Head } from '../../tsdb/head';
import { Engine } from '../engine';
import type { Sample } from '../value';
import { effectiveInfoNameMatchers } from './info';

async function load(series: Array<[Record<string, string>, number[]]>): Promise<MemoryStorage> {
  const st = new MemoryStorage();
  const app = st.appender();
  for (const [rec, values] of series) {
    const ls = labelsFromRecord(rec);
    values.forEach((v, i) => app.append(0, ls, i * 60_000, v));
  }
  await app.commit();
  return st;
}

const engine = new Engine({ enableExperimentalFunctions: true });

async function instant(st: MemoryStorage, q: string, t: number): Promise<Record<string, string>[]> {
  const r = await engine.instantQuery(st, q, t);
  if (r.value.type !== 'vector') throw new Error(`got ${r.value.type}`);
  return r.value.samples.map((s: Sample) => Object.fromEntries(s.metric.map((l) => [l.name, l.value])));
}

describe('info()', () => {
  test('the default info metric is target_info; negative-only name matchers are narrowed to *_info', () => {
    const show = (ms: Matcher[]): string[] => ms.map((m) => `${m.name}${m.type}${m.value}`);
    expect(show(effectiveInfoNameMatchers([]))).toEqual(['__name__=target_info']);
    expect(show(effectiveInfoNameMatchers([new Matcher('!=', '__name__', 'a_info')]))).toEqual([
      '__name__=~.+_info',
      '__name__!=a_info',
    ]);
    const positive = [new Matcher('=~', '__name__', 'x.*'), new Matcher('!=', '__name__', 'xy')];
    expect(show(effectiveInfoNameMatchers(positive))).toEqual(['__name__=~x.*', '__name__!=xy']);
  });

  test('a series without identifying labels is never enriched', async () => {
    const st = await load([
      [{ __name__: 'm' }, [1]],
      [{ __name__: 'target_info', team: 'a' }, [1]],
    ]);
    expect(await instant(st, 'info(m)', 0)).toEqual([{ __name__: 'm' }]);
    expect(await instant(st, 'info(m, {team=~".+"})', 0)).toEqual([]);
  });

  test('a missing identifying label must be missing on the info series too', async () => {
    const st = await load([
      [{ __name__: 'm', instance: 'a' }, [1]],
      [{ __name__: 'target_info', instance: 'a', job: 'j', team: 'x' }, [1]],
    ]);
    expect(await instant(st, 'info(m)', 0)).toEqual([{ __name__: 'm', instance: 'a' }]);
  });

  test('two info series of one identity with samples at the same time are an error', async () => {
    const st = await load([
      [{ __name__: 'm', job: 'j' }, [1]],
      [{ __name__: 'target_info', job: 'j', v: '1' }, [1]],
      [{ __name__: 'target_info', job: 'j', v: '2' }, [1]],
    ]);
    await expect(engine.instantQuery(st, 'info(m)', 0)).rejects.toThrow(
      'found duplicate series for info metric: existing target_info{job="j", v="1"} @ 0, new target_info{job="j", v="2"} @ 0'
    );
  });

  test('info series follow the lookback and staleness of the selected time', async () => {
    const st = await load([
      [{ __name__: 'm', job: 'j' }, [1, 2, 3, 4, 5, 6, 7]],
      [{ __name__: 'target_info', job: 'j', v: 'old' }, [1]],
    ]);
    // The info sample at 0 is out of the 5m lookback at 6m.
    expect(await instant(st, 'info(m)', 360_000)).toEqual([{ __name__: 'm', job: 'j' }]);
    expect(await instant(st, 'info(m offset 2m)', 360_000)).toEqual([{ __name__: 'm', job: 'j', v: 'old' }]);
  });

  test('info series are looked up a full lookback back even behind a short range selector', async () => {
    // The TSDB querier only returns samples inside the query's time range: it must cover them.
    const head = new Head();
    const app = head.appender();
    for (let i = 0; i <= 4; i++) app.append(0, labelsFromRecord({ __name__: 'x_total', job: 'j' }), i * 60_000, i);
    app.append(0, labelsFromRecord({ __name__: 'target_info', job: 'j', v: '1' }), 0, 1);
    await app.commit();
    const r = await engine.instantQuery(head, 'info(rate(x_total[2m]))', 240_000);
    expect(r.value.type === 'vector' && r.value.samples.map((s) => s.metric)).toEqual([
      [
        { name: 'job', value: 'j' },
        { name: 'v', value: '1' },
      ],
    ]);
  });

  test('is rejected without the experimental functions', async () => {
    const st = await load([]);
    await expect(new Engine().instantQuery(st, 'info(m)', 0)).rejects.toThrow('function "info" is not enabled');
  });
});
