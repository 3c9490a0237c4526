import { fireEvent, render, screen } from '@testing-library/react';
import type { FlintDataSource } from '../datasource';
import { FlintResourceClient } from '../resourceClient';
import { AnnotationQueryEditor } from './AnnotationQueryEditor';

test('title, text and tag templates are saved on the annotation query', () => {
  const client = new FlintResourceClient(
    async () => ({ status: 'success', data: [] }),
    () => ({ start: 0, end: 1 })
  );
  const datasource = { resourceClient: () => client } as unknown as FlintDataSource;
  const onChange = jest.fn();
  const query = { refId: 'Anno', expr: 'ALERTS' };
  render(
    <AnnotationQueryEditor query={query} datasource={datasource} onChange={onChange} onRunQuery={() => undefined} />
  );
  expect(screen.getByTestId('promql-editor').querySelector('.cm-content')?.textContent).toBe('ALERTS');
  const title = screen.getByLabelText('Title');
  fireEvent.change(title, { target: { value: '{{alertname}}' } });
  fireEvent.blur(title);
  expect(onChange).toHaveBeenLastCalledWith({ ...query, titleFormat: '{{alertname}}' });
  const tags = screen.getByLabelText('Tags');
  fireEvent.change(tags, { target: { value: 'severity' } });
  fireEvent.blur(tags);
  expect(onChange).toHaveBeenLastCalledWith({ ...query, tagKeys: 'severity' });
});
