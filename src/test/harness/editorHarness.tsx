// The query editor on a page of its own, for the browser test: the data source's resource
// calls go to /api/datasources/uid/flint/resources/<path> on the page's server, which passes
// them to a running flint as Grafana passes them to the plugin backend.
import { ThemeContext, createTheme } from '@grafana/data';
import { useState } from 'react';
import { createRoot } from 'react-dom/client';
import { QueryEditor } from '../../components/QueryEditor';
import type { FlintDataSource } from '../../datasource';
import { FlintResourceClient, lastHours } from '../../resourceClient';
import type { FlintQuery } from '../../types';

const RESOURCES = '/api/datasources/uid/flint/resources/';

async function fetchResource(path: string, params: Record<string, string | string[]>): Promise<unknown> {
  const search = new URLSearchParams();
  for (const [key, value] of Object.entries(params))
    for (const v of Array.isArray(value) ? value : [value]) search.append(key, v);
  const response = await fetch(`${RESOURCES}${path}?${search}`);
  return response.json();
}

const client = new FlintResourceClient(fetchResource, lastHours(3600));
const datasource = { resourceClient: () => client } as unknown as FlintDataSource;
const theme = createTheme({ colors: { mode: 'dark' } });

function Harness() {
  const [query, setQuery] = useState<FlintQuery>({ refId: 'A', expr: '', range: true, format: 'time_series' });
  const [runs, setRuns] = useState(0);
  return (
    <ThemeContext.Provider value={theme}>
      <div style={{ padding: 16, background: theme.colors.background.primary, minHeight: '100vh' }}>
        <QueryEditor
          query={query}
          datasource={datasource}
          onChange={setQuery}
          onRunQuery={() => setRuns((n) => n + 1)}
        />
        <pre data-testid="query-model" style={{ color: theme.colors.text.secondary }}>
          {JSON.stringify({ ...query, runs })}
        </pre>
      </div>
    </ThemeContext.Provider>
  );
}

createRoot(document.getElementById('root') as HTMLElement).render(<Harness />);
