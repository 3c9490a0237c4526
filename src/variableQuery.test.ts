import { FlintResourceClient, type ResourceFetcher } from './resourceClient';
import { VARIABLE_LIMIT, formatInstantSeries, parseVariableQuery, runVariableQuery } from './variableQuery';

describe('parseVariableQuery', () => {
  test.each([
    ['label_names()', { kind: 'label_names' }],
    ['label_names(up{job="a"})', { kind: 'label_names', match: 'up{job="a"}' }],
    ['label_values(job)', { kind: 'label_values', label: 'job' }],
    [' label_values( up , instance ) ', { kind: 'label_values', label: 'instance', match: 'up' }],
    ['label_values(up{job=~"a,b"}, instance)', { kind: 'label_values', label: 'instance', match: 'up{job=~"a,b"}' }],
    ['metrics(http_.*)', { kind: 'metrics', regex: 'http_.*' }],
    ['metrics()', { kind: 'metrics', regex: '' }],
    ['query_result(sum by (job) (up))', { kind: 'query_result', expr: 'sum by (job) (up)' }],
  ])('%s', (text, expected) => {
    expect(parseVariableQuery(text)).toEqual(expected);
  });

  test('other text is no variable query', () => {
    expect(parseVariableQuery('up')).toBeUndefined();
    expect(parseVariableQuery('label_values()')).toBeUndefined();
  });
});

test('formatInstantSeries writes name, labels, value and time', () => {
  expect(formatInstantSeries({ labels: { __name__: 'up', job: 'a' }, value: 1, timeMs: 1000 })).toBe(
    'up{job="a"} 1 1000'
  );
  expect(formatInstantSeries({ labels: {}, value: 2.5, timeMs: 5 })).toBe('{} 2.5 5');
});

describe('runVariableQuery', () => {
  function client(data: unknown) {
    const calls: Array<{ path: string; params: Record<string, string | string[]> }> = [];
    const fetch: ResourceFetcher = async (path, params) => {
      calls.push({ path, params });
      return { status: 'success', data };
    };
    return { calls, client: new FlintResourceClient(fetch, () => ({ start: 1, end: 2 })) };
  }
  const noInstant = async () => [];

  test('label_values(metric, label) narrows to the metric', async () => {
    const { calls, client: c } = client(['a', 'b']);
    await expect(runVariableQuery({ kind: 'label_values', label: 'job', match: 'up' }, c, noInstant)).resolves.toEqual([
      'a',
      'b',
    ]);
    expect(calls[0].path).toBe('api/v1/label/job/values');
    expect(calls[0].params['match[]']).toBe('{__name__="up"}');
    expect(calls[0].params.limit).toBe(String(VARIABLE_LIMIT));
  });

  test('label_names with a selector', async () => {
    const { calls, client: c } = client(['job']);
    await runVariableQuery({ kind: 'label_names', match: 'up{job="x"}' }, c, noInstant);
    expect(calls[0]).toMatchObject({ path: 'api/v1/labels', params: { 'match[]': 'up{job="x"}' } });
  });

  test('metrics(regex) filters on flint, unanchored', async () => {
    const { calls, client: c } = client(['go_goroutines']);
    await runVariableQuery({ kind: 'metrics', regex: 'go_' }, c, noInstant);
    expect(calls[0].path).toBe('api/v1/label/__name__/values');
    expect(calls[0].params['match[]']).toBe('{__name__=~".*(?:go_).*"}');
  });

  test('query_result lists the instant query series', async () => {
    const { client: c } = client([]);
    const instant = jest.fn(async () => [{ labels: { __name__: 'up', job: 'x' }, value: 1, timeMs: 7 }]);
    await expect(runVariableQuery({ kind: 'query_result', expr: 'up' }, c, instant)).resolves.toEqual([
      'up{job="x"} 1 7',
    ]);
    expect(instant).toHaveBeenCalledWith('up');
  });
});
