import { QueryError } from '../promql/value';
import { MemoryStorage } from '../storage/memory';
import { STALE_NAN } from '../model/value';
import { appendSamples, baseDeps, getJSON, postForm, startApiServer, TestServer } from './testing/server';
import type { QueryEngine } from './types';

const NOW = 3_600_000;

describe('/api/v1/query and /query_range', () => {
  let server: TestServer;
  let engine: QueryEngine | undefined;
  const storage = new MemoryStorage();

  beforeAll(async () => {
    await appendSamples(storage, [
      [{ __name__: 'up', job: 'api', instance: 'a:1' }, [[1_000_000, 1], [1_015_000, 0], [3_590_000, 1]]],
      [{ __name__: 'up', job: 'db', instance: 'b:1' }, [[1_000_000, 1], [3_550_000, 0.000_000_1]]],
      [{ __name__: 'gone', job: 'api' }, [[3_500_000, 5], [3_560_000, STALE_NAN]]],
    ]);
    const deps = baseDeps(storage, { now: () => NOW });
    const fallback = deps.engine;
    // Tests swap the engine per case; the default evaluates plain selectors.
    deps.engine = {
      instantQuery: (...args) => (engine ?? fallback).instantQuery(...args),
      rangeQuery: (...args) => (engine ?? fallback).rangeQuery(...args),
    };
    server = await startApiServer(deps);
  });
  afterEach(() => (engine = undefined));
  afterAll(() => server.close());

  it('answers an instant query at the default time (now) with a vector', async () => {
    const r = await getJSON(server.base, '/api/v1/query?query=up');
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toBe('application/json');
    expect(r.body).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { __name__: 'up', instance: 'a:1', job: 'api' }, value: [3600, '1'] },
          { metric: { __name__: 'up', instance: 'b:1', job: 'db' }, value: [3600, '1e-07'] },
        ],
      },
    });
  });

  it('reads time as RFC 3339 or Unix seconds, by GET or form POST', async () => {
    const a = await getJSON(server.base, '/api/v1/query?query=up%7Bjob%3D%22api%22%7D&time=1970-01-01T00:16:55.5Z');
    expect(a.body.data).toEqual({ resultType: 'vector', result: [{ metric: { __name__: 'up', instance: 'a:1', job: 'api' }, value: [1015.5, '0'] }] });
    const raw = await (await fetch(`${server.base}/api/v1/query?query=up%7Bjob%3D%22api%22%7D&time=1015.5`)).text();
    expect(raw).toContain('"value":[1015.500,"0"]');
    const b = await postForm(server.base, '/api/v1/query', [
      ['query', 'up{job="api"}'],
      ['time', '1015.5'],
    ]);
    expect(b.body).toEqual(a.body);
  });

  it('skips series whose last sample is a staleness marker', async () => {
    const r = await getJSON(server.base, '/api/v1/query?query=gone&time=3570');
    expect(r.body.data).toEqual({ resultType: 'vector', result: [] });
  });

  it('honours lookback_delta and rejects a bad one', async () => {
    const r = await getJSON(server.base, '/api/v1/query?query=up&time=3600&lookback_delta=30s');
    expect((r.body.data as { result: unknown[] }).result).toHaveLength(1);
    const bad = await getJSON(server.base, '/api/v1/query?query=up&lookback_delta=abc');
    expect(bad.status).toBe(400);
    expect(bad.body).toEqual({ status: 'error', errorType: 'bad_data', error: 'error parsing lookback delta duration: cannot parse "abc" to a valid duration' });
  });

  it('truncates to limit with a warning', async () => {
    const r = await getJSON(server.base, '/api/v1/query?query=up&limit=1');
    expect((r.body.data as { result: unknown[] }).result).toHaveLength(1);
    expect(r.body.warnings).toEqual(['results truncated due to limit']);
  });

  it('adds stats when asked', async () => {
    const r = await getJSON(server.base, '/api/v1/query?query=up&stats=all');
    const stats = (r.body.data as { stats: { timings: Record<string, number> } }).stats;
    expect(stats.timings.execTotalTime).toBeGreaterThanOrEqual(0);
  });

  it('names the parameter in errors', async () => {
    const bad = await getJSON(server.base, '/api/v1/query?query=up&time=yesterday');
    expect(bad.status).toBe(400);
    expect(bad.body.error).toBe(`invalid parameter "time": invalid time value for 'time': cannot parse "yesterday" to a valid timestamp`);
    const parse = await getJSON(server.base, '/api/v1/query?query=%7B');
    expect(parse.status).toBe(400);
    expect(parse.body.errorType).toBe('bad_data');
    expect(parse.body.error).toMatch(/^invalid parameter "query": 1:1: parse error/);
    const timeout = await getJSON(server.base, '/api/v1/query?query=up&timeout=soon');
    expect(timeout.body.error).toBe('invalid parameter "timeout": cannot parse "soon" to a valid duration');
  });

  it.each([
    ['execution', 422],
    ['timeout', 503],
    ['canceled', 499],
    ['internal', 500],
  ] as const)('maps %s engine errors to HTTP %d', async (type, status) => {
    engine = { instantQuery: () => Promise.reject(new QueryError(type, `boom ${type}`)), rangeQuery: () => Promise.reject(new Error('unused')) };
    const r = await getJSON(server.base, '/api/v1/query?query=up');
    expect(r.status).toBe(status);
    expect(r.body).toEqual({ status: 'error', errorType: type, error: `boom ${type}` });
  });

  it('aborts the engine when the timeout parameter runs out', async () => {
    let sawSignal = false;
    engine = {
      instantQuery: (_q, _query, _ts, opts) =>
        new Promise((_resolve, reject) => {
          sawSignal = opts?.signal !== undefined;
          opts?.signal?.addEventListener('abort', () => reject(opts.signal!.reason));
        }),
      rangeQuery: () => Promise.reject(new Error('unused')),
    };
    const r = await getJSON(server.base, '/api/v1/query?query=up&timeout=0.05');
    expect(sawSignal).toBe(true);
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ status: 'error', errorType: 'timeout', error: 'query timed out in query execution' });
  });

  it('reports an engine cancellation caused by the timeout parameter as a timeout', async () => {
    engine = {
      instantQuery: (_q, _query, _ts, opts) =>
        new Promise((_resolve, reject) => {
          opts?.signal?.addEventListener('abort', () => reject(new QueryError('canceled', 'query was canceled in query execution')));
        }),
      rangeQuery: () => Promise.reject(new Error('unused')),
    };
    const r = await getJSON(server.base, '/api/v1/query?query=up&timeout=10ms');
    expect(r.status).toBe(503);
    expect(r.body).toEqual({ status: 'error', errorType: 'timeout', error: 'query timed out in query execution' });
  });

  it('aborts the engine when the client goes away', async () => {
    let aborted: (reason: unknown) => void = () => undefined;
    const sawAbort = new Promise<unknown>((resolve) => (aborted = resolve));
    let started: () => void = () => undefined;
    const engineStarted = new Promise<void>((resolve) => (started = resolve));
    engine = {
      instantQuery: (_q, _query, _ts, opts) =>
        new Promise((_resolve, reject) => {
          started();
          opts?.signal?.addEventListener('abort', () => {
            aborted(opts.signal!.reason);
            reject(new QueryError('canceled', 'query was canceled in query execution'));
          });
        }),
      rangeQuery: () => Promise.reject(new Error('unused')),
    };
    const client = new AbortController();
    const request = fetch(`${server.base}/api/v1/query?query=up`, { signal: client.signal }).catch(() => undefined);
    await engineStarted;
    client.abort();
    await request;
    expect(((await sawAbort) as DOMException).name).toBe('AbortError');
  });

  it('passes warnings and infos through, at most 10 each', async () => {
    const warnings = Array.from({ length: 12 }, (_, i) => `w${i}`);
    engine = {
      instantQuery: () => Promise.resolve({ value: { type: 'scalar', t: 1000, v: 2 }, warnings, infos: ['PromQL info: x'] }),
      rangeQuery: () => Promise.reject(new Error('unused')),
    };
    const r = await getJSON(server.base, '/api/v1/query?query=2');
    expect(r.body.data).toEqual({ resultType: 'scalar', result: [1, '2'] });
    expect(r.body.warnings).toEqual(warnings.slice(0, 10));
    expect(r.body.infos).toEqual(['PromQL info: x']);
  });

  it('answers a range query with a matrix', async () => {
    const r = await postForm(server.base, '/api/v1/query_range', [
      ['query', 'up{job="api"}'],
      ['start', '1000'],
      ['end', '1030'],
      ['step', '15s'],
    ]);
    expect(r.body).toEqual({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: { __name__: 'up', instance: 'a:1', job: 'api' },
            values: [
              [1000, '1'],
              [1015, '0'],
              [1030, '0'],
            ],
          },
        ],
      },
    });
  });

  it.each([
    ['start=x&end=10&step=1', 'invalid parameter "start": cannot parse "x" to a valid timestamp'],
    ['start=10&end=&step=1', 'invalid parameter "end": cannot parse "" to a valid timestamp'],
    ['start=10&end=5&step=1', 'invalid parameter "end": end timestamp must not be before start time'],
    ['start=0&end=10&step=', 'invalid parameter "step": cannot parse "" to a valid duration'],
    ['start=0&end=10&step=0', 'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer'],
    ['start=0&end=10&step=-1s', 'invalid parameter "step": cannot parse "-1s" to a valid duration'],
    ['start=0&end=11001&step=1', 'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)'],
  ])('rejects %s', async (params, error) => {
    const r = await getJSON(server.base, `/api/v1/query_range?query=up&${params}`);
    expect(r.status).toBe(400);
    expect(r.body).toEqual({ status: 'error', errorType: 'bad_data', error });
  });

  it('accepts exactly 11,000 steps', async () => {
    const r = await getJSON(server.base, '/api/v1/query_range?query=nothing&start=0&end=11000&step=1');
    expect(r.status).toBe(200);
  });
});
