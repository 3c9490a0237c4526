import { fireEvent, render, screen, waitFor } from '@testing-library/react';
import type { FlintDataSource } from '../datasource';
import { FlintResourceClient } from '../resourceClient';
import type { FlintQuery } from '../types';
import { QueryEditor, queryTypeOf, withQueryType } from './QueryEditor';

function datasource(): FlintDataSource {
  const client = new FlintResourceClient(
    async () => ({ status: 'success', data: [] }),
    () => ({ start: 0, end: 1 })
  );
  return { resourceClient: () => client } as unknown as FlintDataSource;
}

function renderEditor(query: FlintQuery) {
  const onChange = jest.fn();
  const onRunQuery = jest.fn();
  render(<QueryEditor query={query} datasource={datasource()} onChange={onChange} onRunQuery={onRunQuery} />);
  return { onChange, onRunQuery };
}

test('query type radio maps to instant and range', () => {
  const q: FlintQuery = { refId: 'A', expr: 'up' };
  expect(queryTypeOf(q)).toBe('range');
  expect(withQueryType(q, 'instant')).toMatchObject({ instant: true, range: false });
  expect(queryTypeOf(withQueryType(q, 'both'))).toBe('both');
});

test('the PromQL editor shows the expression with highlighting', async () => {
  renderEditor({ refId: 'A', expr: 'sum by (job) (rate(http_requests_total{code="500"}[5m]))' });
  const editor = screen.getByTestId('promql-editor');
  expect(editor.querySelector('.cm-content')?.textContent).toBe(
    'sum by (job) (rate(http_requests_total{code="500"}[5m]))'
  );
  // Highlighting marks tokens with generated classes, so a highlighted line has spans inside.
  await waitFor(() => expect(editor.querySelectorAll('.cm-line span').length).toBeGreaterThan(3));
});

test('parse and type errors are shown under the editor', async () => {
  renderEditor({ refId: 'A', expr: 'up{job="a"' });
  const alert = await screen.findByRole('alert', {}, { timeout: 4000 });
  expect(alert.textContent).toBe('syntax error: unexpected end of input');
});

test('type errors from the PromQL linter are shown too', async () => {
  renderEditor({ refId: 'A', expr: 'rate(up)' });
  const alert = await screen.findByRole('alert', {}, { timeout: 4000 });
  expect(alert.textContent).toContain('expected type matrix');
});

test('a valid expression shows no error', async () => {
  renderEditor({ refId: 'A', expr: 'rate(up[5m])' });
  await new Promise((resolve) => setTimeout(resolve, 1200));
  expect(screen.queryByRole('alert')).toBeNull();
});

test('options: format, type, legend and min step change the query and run it', () => {
  const query: FlintQuery = { refId: 'A', expr: 'up', range: true, format: 'time_series', legendFormat: '__auto' };
  const { onChange, onRunQuery } = renderEditor(query);
  fireEvent.click(screen.getByLabelText('Table'));
  expect(onChange).toHaveBeenLastCalledWith({ ...query, format: 'table' });
  fireEvent.click(screen.getByLabelText('Both'));
  expect(onChange).toHaveBeenLastCalledWith({ ...query, instant: true, range: true });
  const legend = screen.getAllByPlaceholderText('auto')[0];
  fireEvent.change(legend, { target: { value: '{{job}}' } });
  fireEvent.blur(legend);
  expect(onChange).toHaveBeenLastCalledWith({ ...query, legendFormat: '{{job}}' });
  const minStep = screen.getAllByPlaceholderText('auto')[1];
  fireEvent.change(minStep, { target: { value: '1m' } });
  fireEvent.blur(minStep);
  expect(onChange).toHaveBeenLastCalledWith({ ...query, interval: '1m' });
  expect(onRunQuery).toHaveBeenCalledTimes(4);
});

test('the metrics browser opens below the editor', async () => {
  renderEditor({ refId: 'A', expr: '' });
  expect(screen.queryByLabelText('Search metrics')).toBeNull();
  fireEvent.click(screen.getByRole('button', { name: /Metrics browser/ }));
  expect(screen.getByLabelText('Search metrics')).toBeTruthy();
});
