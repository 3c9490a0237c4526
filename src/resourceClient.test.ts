import { EqlRegex, EqlSingle, Neq } from '@prometheus-io/lezer-promql';
import { FlintResourceClient, containsRegex, escapeRegex, selector, type ResourceFetcher } from './resourceClient';

interface Call {
  path: string;
  params: Record<string, string | string[]>;
}

function recordingFetcher(answer: unknown): { fetch: ResourceFetcher; calls: Call[] } {
  const calls: Call[] = [];
  return {
    calls,
    fetch: async (path, params) => {
      calls.push({ path, params });
      return answer;
    },
  };
}

const window = () => ({ start: 100, end: 200 });

describe('selector', () => {
  test('metric name and matchers', () => {
    expect(selector('up', [{ type: EqlSingle, name: 'job', value: 'a"b' }])).toBe('{__name__="up",job="a\\"b"}');
    expect(
      selector(undefined, [
        { type: Neq, name: 'x', value: '' },
        { type: EqlRegex, name: 'y', value: 'a.*' },
      ])
    ).toBe('{x!="",y=~"a.*"}');
  });

  test('regex helpers', () => {
    expect(escapeRegex('a.b*(c)')).toBe('a\\.b\\*\\(c\\)');
    expect(containsRegex('')).toBe('.+');
    expect(containsRegex('Http.')).toBe('(?i).*Http\\..*');
  });
});

describe('FlintResourceClient', () => {
  test('label names over the window, with a limit, narrowed to a metric', async () => {
    const { fetch, calls } = recordingFetcher({ status: 'success', data: ['__name__', 'job'] });
    const client = new FlintResourceClient(fetch, window, 50);
    await expect(client.labelNames('up')).resolves.toEqual(['__name__', 'job']);
    expect(calls).toEqual([
      { path: 'api/v1/labels', params: { start: '100', end: '200', limit: '50', 'match[]': '{__name__="up"}' } },
    ]);
  });

  test('metric names are searched on the server, case-insensitively', async () => {
    const { fetch, calls } = recordingFetcher({ status: 'success', data: ['http_requests_total'] });
    const client = new FlintResourceClient(fetch, window);
    await client.metricNames('http', 201);
    expect(calls[0].path).toBe('api/v1/label/__name__/values');
    expect(calls[0].params['match[]']).toBe('{__name__=~"(?i).*http.*"}');
    expect(calls[0].params.limit).toBe('201');
  });

  test('label values escape the label name into the path', async () => {
    const { fetch, calls } = recordingFetcher({ status: 'success', data: ['a'] });
    await new FlintResourceClient(fetch, window).labelValues('job', 'up', [
      { type: EqlSingle, name: 'env', value: 'p' },
    ]);
    expect(calls[0].path).toBe('api/v1/label/job/values');
    expect(calls[0].params['match[]']).toBe('{__name__="up",env="p"}');
  });

  test('values of the label being typed ignore its own half-typed matcher', async () => {
    const { fetch, calls } = recordingFetcher({ status: 'success', data: ['a'] });
    const client = new FlintResourceClient(fetch, window);
    await client.labelValues('job', 'up', [
      { type: EqlSingle, name: 'job', value: 'fl' },
      { type: EqlSingle, name: 'env', value: 'p' },
    ]);
    expect(calls[0].params['match[]']).toBe('{__name__="up",env="p"}');
    await client.labelValues('job', undefined, [{ type: EqlSingle, name: 'job', value: 'fl' }]);
    expect(calls[1].params['match[]']).toBeUndefined();
  });

  test('series for one label asks for that label only', async () => {
    const { fetch, calls } = recordingFetcher({ status: 'success', data: ['x', 'y'] });
    const series = await new FlintResourceClient(fetch, window).series('up', [], 'instance');
    expect(series.map((s) => s.get('instance'))).toEqual(['x', 'y']);
    expect(calls[0].path).toBe('api/v1/label/instance/values');
  });

  test('series as label maps', async () => {
    const { fetch } = recordingFetcher({ status: 'success', data: [{ __name__: 'up', job: 'a' }] });
    const series = await new FlintResourceClient(fetch, window).series('up');
    expect(Object.fromEntries(series[0])).toEqual({ __name__: 'up', job: 'a' });
  });

  test('API errors become exceptions with the server message', async () => {
    const { fetch } = recordingFetcher({ status: 'error', errorType: 'bad_data', error: 'parse error' });
    await expect(new FlintResourceClient(fetch, window).labelNames()).rejects.toThrow('label names: parse error');
    const notApi = recordingFetcher('<html>');
    await expect(new FlintResourceClient(notApi.fetch, window).metricNames()).rejects.toThrow('not a Prometheus API');
  });
});
