// The API over flint's real PromQL engine, parser and the in-memory storage.
import { Engine } from '../promql/engine';
import { MemoryStorage } from '../storage/memory';
import { promqlParser } from './promqlParser';
import { appendSamples, baseDeps, getJSON, postForm, startApiServer, TestServer } from './testing/server';

describe('the API with the real PromQL engine', () => {
  let server: TestServer;

  beforeAll(async () => {
    const storage = new MemoryStorage();
    const minutes = (n: number, f: (i: number) => number): Array<[number, number]> => Array.from({ length: n }, (_, i) => [i * 60_000, f(i)]);
    await appendSamples(storage, [
      [{ __name__: 'http_requests_total', job: 'api', instance: 'a' }, minutes(11, (i) => i * 60)],
      [{ __name__: 'http_requests_total', job: 'api', instance: 'b' }, minutes(11, (i) => i * 120)],
      [{ __name__: 'http_requests_total', job: 'db', instance: 'c' }, minutes(11, () => 7)],
    ]);
    server = await startApiServer(baseDeps(storage, { engine: new Engine({ maxSamples: 1000 }), parser: promqlParser }));
  });
  afterAll(() => server.close());

  it('evaluates an aggregation over rates at an instant', async () => {
    const r = await getJSON(server.base, `/api/v1/query?time=600&query=${encodeURIComponent('sum by (job) (rate(http_requests_total[5m]))')}`);
    expect(r.body).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          { metric: { job: 'api' }, value: [600, '3'] },
          { metric: { job: 'db' }, value: [600, '0'] },
        ],
      },
    });
  });

  it('evaluates a range query, series sorted by label set', async () => {
    const r = await postForm(server.base, '/api/v1/query_range', [
      ['query', 'http_requests_total{job="api"} / 60'],
      ['start', '0'],
      ['end', '120'],
      ['step', '1m'],
    ]);
    expect(r.body.data).toEqual({
      resultType: 'matrix',
      result: [
        { metric: { instance: 'a', job: 'api' }, values: [[0, '0'], [60, '1'], [120, '2']] },
        { metric: { instance: 'b', job: 'api' }, values: [[0, '0'], [60, '2'], [120, '4']] },
      ],
    });
  });

  it('returns scalars and strings', async () => {
    expect((await getJSON(server.base, '/api/v1/query?time=1.5&query=1%2F3')).body.data).toEqual({ resultType: 'scalar', result: [1.5, '0.3333333333333333'] });
    expect((await getJSON(server.base, `/api/v1/query?time=2&query=${encodeURIComponent('"hi"')}`)).body.data).toEqual({ resultType: 'string', result: [2, 'hi'] });
  });

  it('answers parse errors with 400 naming the query parameter', async () => {
    const r = await getJSON(server.base, `/api/v1/query?query=${encodeURIComponent('sum(rate(x[5m])')}`);
    expect(r.status).toBe(400);
    expect(r.body.errorType).toBe('bad_data');
    expect(r.body.error).toMatch(/^invalid parameter "query": 1:\d+: parse error: /);
  });

  it('answers evaluation errors with 422', async () => {
    const r = await getJSON(server.base, `/api/v1/query?time=600&query=${encodeURIComponent('http_requests_total + on(job) http_requests_total')}`);
    expect(r.status).toBe(422);
    expect(r.body.errorType).toBe('execution');
    const tooMany = await getJSON(server.base, '/api/v1/query_range?query=http_requests_total&start=0&end=600&step=1');
    expect(tooMany.status).toBe(422);
    expect(tooMany.body.error).toMatch(/^query processing would load too many samples into memory in /);
  });
});
