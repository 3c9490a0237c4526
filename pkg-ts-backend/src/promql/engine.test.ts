import { labelsFromRecord } from '../model/labels';
import { STALE_NAN } from '../model/value';
import { MemoryStorage } from '../storage/memory';
import { checkRangeResolution, Engine } from './engine';
import { QueryError } from './value';

async function storage(
  series: Record<string, number>[],
  points: number,
  stepMs: number,
  value: (s: number, i: number) => number
): Promise<MemoryStorage> {
  const st = new MemoryStorage();
  const app = st.appender();
  series.forEach((rec, s) => {
    const ls = labelsFromRecord(rec as unknown as Record<string, string>);
    for (let i = 0; i < points; i++) app.append(0, ls, i * stepMs, value(s, i));
  });
  await app.commit();
  return st;
}

const many = (n: number): Record<string, number>[] =>
  Array.from({ length: n }, (_v, i) => ({ __name__: 'm', i: String(i) }) as unknown as Record<string, number>);

async function rejection(p: Promise<unknown>): Promise<QueryError> {
  try {
    await p;
  } catch (err) {
    expect(err).toBeInstanceOf(QueryError);
    return err as QueryError;
  }
  throw new Error('expected the query to fail');
}

describe('Engine', () => {
  it('answers instant and range queries', async () => {
    const st = await storage(
      [{ __name__: 'x', job: 'b' } as never, { __name__: 'x', job: 'a' } as never],
      11,
      60_000,
      (s, i) => (s + 1) * i
    );
    const engine = new Engine();
    const inst = await engine.instantQuery(st, 'sum by (job) (rate(x[5m]))', 600_000);
    expect(inst.value.type).toBe('vector');
    const range = await engine.rangeQuery(st, 'x', 0, 120_000, 60_000);
    expect(range.value).toEqual({
      type: 'matrix',
      series: [
        { metric: labelsFromRecord({ __name__: 'x', job: 'a' }), ts: [0, 60_000, 120_000], vs: [0, 2, 4] },
        { metric: labelsFromRecord({ __name__: 'x', job: 'b' }), ts: [0, 60_000, 120_000], vs: [0, 1, 2] },
      ],
    });
    expect((await engine.instantQuery(st, '1 + 2', 0)).value).toEqual({ type: 'scalar', t: 0, v: 3 });
  });

  it('hides series after a staleness marker', async () => {
    const st = new MemoryStorage();
    const app = st.appender();
    const ls = labelsFromRecord({ __name__: 'up' });
    app.append(0, ls, 0, 1);
    app.append(0, ls, 10_000, STALE_NAN);
    await app.commit();
    const engine = new Engine();
    expect((await engine.instantQuery(st, 'up', 5_000)).value).toEqual({
      type: 'vector',
      samples: [{ metric: ls, t: 5_000, v: 1 }],
    });
    expect((await engine.instantQuery(st, 'up', 15_000)).value).toEqual({ type: 'vector', samples: [] });
  });

  it('reports parse errors as bad_data with the position', async () => {
    const err = await rejection(new Engine().instantQuery(new MemoryStorage(), 'sum(x) +', 0));
    expect(err.errorType).toBe('bad_data');
    expect(err.message).toMatch(/^1:\d+: parse error: /);
  });

  it('enforces max samples', async () => {
    const st = await storage(many(50), 10, 15_000, () => 1);
    const err = await rejection(new Engine({ maxSamples: 100 }).rangeQuery(st, 'm', 0, 135_000, 15_000));
    expect(err.errorType).toBe('execution');
    expect(err.message).toBe('query processing would load too many samples into memory in query execution');
    await expect(new Engine({ maxSamples: 1000 }).rangeQuery(st, 'm', 0, 135_000, 15_000)).resolves.toBeDefined();
    // A subquery over more steps than the limit fails before allocating them.
    const sub = await rejection(new Engine({ maxSamples: 1000 }).instantQuery(st, 'max_over_time(m[1y:1s])', 135_000));
    expect(sub.message).toBe('query processing would load too many samples into memory in query execution');
  });

  it('times out long queries and honours an abort signal', async () => {
    const st = await storage(many(300), 200, 15_000, (s, i) => s + i);
    const err = await rejection(
      new Engine({ timeoutMs: 1 }).rangeQuery(st, 'sum(rate(m[5m])) + count(m)', 0, 3_000_000, 15_000)
    );
    expect(err.errorType).toBe('timeout');
    expect(err.message).toBe('query timed out in query execution');
    const ac = new AbortController();
    ac.abort();
    expect((await rejection(new Engine().instantQuery(st, 'm', 0, { signal: ac.signal }))).errorType).toBe('canceled');
  });

  it('queues queries beyond max concurrency instead of failing them', async () => {
    const st = await storage(many(20), 50, 15_000, (s) => s);
    const engine = new Engine({ maxConcurrency: 1 });
    const results = await Promise.all([1, 2, 3].map(() => engine.rangeQuery(st, 'count(m)', 0, 600_000, 15_000)));
    for (const r of results) expect(r.value.type).toBe('matrix');
  });

  it('yields to the event loop during a long query', async () => {
    const st = await storage(many(500), 60, 15_000, (s, i) => s * i);
    let ticks = 0;
    const timer = setInterval(() => ticks++, 1);
    try {
      await new Engine().rangeQuery(st, 'sum by (i) (rate(m[2m])) * on (i) group_left m', 0, 885_000, 15_000);
    } finally {
      clearInterval(timer);
    }
    expect(ticks).toBeGreaterThan(0);
  });

  it('fails on duplicate label sets and many-to-many matches with Prometheus texts', async () => {
    const st = await storage(
      [{ __name__: 'a', x: '1' } as never, { __name__: 'b', x: '1' } as never],
      2,
      60_000,
      () => 1
    );
    const engine = new Engine();
    for (const q of ['abs({x="1"})', '{x="1"} + 1', 'rate({x="1"}[5m])', '2 * {x="1"}'])
      expect((await rejection(engine.instantQuery(st, q, 60_000))).message).toBe(
        'vector cannot contain metrics with the same labelset'
      );
    await expect(engine.instantQuery(st, '{x="1", __name__="a"} + 1', 60_000)).resolves.toBeDefined();
    const err = await rejection(engine.instantQuery(st, '{x="1"} + on(x) {x="1"}', 60_000));
    expect(err.errorType).toBe('execution');
    expect(err.message).toMatch(
      /^found duplicate series for the match group \{x="1"\} on the right hand-side of the operation/
    );
  });

  it('reports annotations with positions', async () => {
    const st = await storage([{ __name__: 'requests' } as never], 11, 60_000, (_s, i) => i);
    const res = await new Engine().instantQuery(st, 'rate(requests[5m])', 600_000);
    expect(res.infos).toEqual([
      'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "requests" (1:6)',
    ]);
  });

  it('offers the API its 11,000 points per series check', () => {
    expect(() => checkRangeResolution(0, 11_000_000, 1000)).not.toThrow();
    expect(() => checkRangeResolution(0, 11_001_000, 1000)).toThrow(
      'exceeded maximum resolution of 11,000 points per timeseries'
    );
  });
});
