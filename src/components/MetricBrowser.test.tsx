import { fireEvent, render, screen, waitFor, within } from '@testing-library/react';
import { FlintResourceClient, type ResourceFetcher } from '../resourceClient';
import { BROWSER_LIST_LIMIT, MetricBrowser, buildSelector } from './MetricBrowser';

/** A flint with a few series, answering label lookups the way the API does (match[] and limit). */
function fakeFlint(series: Array<Record<string, string>>) {
  const calls: Array<{ path: string; params: Record<string, string | string[]> }> = [];
  const matches = (s: Record<string, string>, selector: string | undefined) => {
    if (!selector) return true;
    for (const m of selector.slice(1, -1).matchAll(/(\w+)(=~|=)"((?:[^"\\]|\\.)*)"/g)) {
      const value = JSON.parse(`"${m[3]}"`) as string;
      const actual = s[m[1]] ?? '';
      if (
        m[2] === '='
          ? actual !== value
          : !new RegExp(`^(?:${value.replace('(?i)', '')})$`, value.startsWith('(?i)') ? 'i' : '').test(actual)
      )
        return false;
    }
    return true;
  };
  const fetch: ResourceFetcher = async (path, params) => {
    calls.push({ path, params });
    const picked = series.filter((s) => matches(s, params['match[]'] as string | undefined));
    const limit = Number(params.limit);
    const valuesPath = /^api\/v1\/label\/([^/]+)\/values$/.exec(path);
    const names = valuesPath
      ? picked.map((s) => s[decodeURIComponent(valuesPath[1])]).filter((v) => v !== undefined)
      : picked.flatMap((s) => Object.keys(s));
    return { status: 'success', data: [...new Set(names)].sort().slice(0, limit) };
  };
  return { calls, client: new FlintResourceClient(fetch, () => ({ start: 0, end: 1 })) };
}

test('buildSelector', () => {
  expect(buildSelector('up', {})).toBe('up');
  expect(buildSelector('up', { job: ['a'], env: [] })).toBe('up{job="a"}');
  expect(buildSelector(undefined, { job: ['a.b', 'c'] })).toBe('{job=~"a\\\\.b|c"}');
});

test('search a metric, pick label values, use the selector', async () => {
  const { client, calls } = fakeFlint([
    { __name__: 'http_requests_total', job: 'api', code: '200' },
    { __name__: 'http_requests_total', job: 'web', code: '500' },
    { __name__: 'up', job: 'api' },
  ]);
  const onUseQuery = jest.fn();
  render(<MetricBrowser client={client} onUseQuery={onUseQuery} />);
  const metrics = await screen.findByRole('list', { name: 'Metrics' });
  await within(metrics).findByText('up');

  fireEvent.change(screen.getByLabelText('Search metrics'), { target: { value: 'HTTP' } });
  await waitFor(() => expect(within(metrics).queryByText('up')).toBeNull());
  expect(within(metrics).getByText('http_requests_total')).toBeTruthy();
  expect(calls.some((c) => c.params['match[]'] === '{__name__=~"(?i).*HTTP.*"}')).toBe(true);

  fireEvent.click(within(metrics).getByText('http_requests_total'));
  const labels = screen.getByRole('list', { name: 'Labels' });
  fireEvent.click(await within(labels).findByText('job'));
  const values = screen.getByRole('list', { name: 'Label values' });
  fireEvent.click(await within(values).findByText('api'));
  fireEvent.click(within(values).getByText('web'));
  expect(screen.getByLabelText('Selector').textContent).toBe('http_requests_total{job=~"api|web"}');
  fireEvent.click(screen.getByRole('button', { name: 'Use query' }));
  expect(onUseQuery).toHaveBeenCalledWith('http_requests_total{job=~"api|web"}');
});

test('long lists are cut at the limit and say so', async () => {
  const many = Array.from({ length: BROWSER_LIST_LIMIT + 5 }, (_, i) => ({
    __name__: `m_${String(i).padStart(4, '0')}`,
  }));
  const { client, calls } = fakeFlint(many);
  render(<MetricBrowser client={client} onUseQuery={() => undefined} />);
  await screen.findByText(/Showing the first 200/);
  expect(within(screen.getByRole('list', { name: 'Metrics' })).getAllByRole('listitem')).toHaveLength(
    BROWSER_LIST_LIMIT
  );
  expect(calls[0].params.limit).toBe(String(BROWSER_LIST_LIMIT + 1));
});
