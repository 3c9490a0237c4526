// Metric and label browser: pick a metric, then label values, and get a selector. Every list
// is searched on flint as you type and limited, so it stays usable with many series.
import { Button, Input, Stack, Text, useTheme2 } from '@grafana/ui';
import { useEffect, useMemo, useState } from 'react';
import { containsRegex, escapeRegex, quoteLabelValue, type FlintResourceClient } from '../resourceClient';

/** How many names or values a list shows; one more is asked for to know whether there are more. */
export const BROWSER_LIST_LIMIT = 200;
const SEARCH_DELAY_MS = 250;

export interface MetricBrowserProps {
  client: FlintResourceClient;
  onUseQuery: (selector: string) => void;
}

interface Listing {
  items: string[];
  truncated: boolean;
  error?: string;
}

const EMPTY: Listing = { items: [], truncated: false };

/** Lists from `load` for a search text, reloaded a moment after the text stops changing. */
function useSearchedList(load: (() => Promise<string[]>) | undefined, deps: unknown[]): Listing {
  const [listing, setListing] = useState<Listing>(EMPTY);
  useEffect(() => {
    if (!load) {
      setListing(EMPTY);
      return;
    }
    let cancelled = false;
    const timer = setTimeout(() => {
      load().then(
        (items) => {
          if (!cancelled)
            setListing({ items: items.slice(0, BROWSER_LIST_LIMIT), truncated: items.length > BROWSER_LIST_LIMIT });
        },
        (e: unknown) => {
          if (!cancelled)
            setListing({ items: [], truncated: false, error: e instanceof Error ? e.message : String(e) });
        }
      );
    }, SEARCH_DELAY_MS);
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
    // `load` is rebuilt every render; the listing depends on what it closes over.
  }, deps);
  return listing;
}

/** The selector for a metric and chosen label values (an alternation when several are chosen). */
export function buildSelector(metric: string | undefined, chosen: Record<string, string[]>): string {
  const matchers = Object.entries(chosen)
    .filter(([, values]) => values.length > 0)
    .map(([label, values]) =>
      values.length === 1
        ? `${label}=${quoteLabelValue(values[0])}`
        : `${label}=~${quoteLabelValue(values.map(escapeRegex).join('|'))}`
    );
  if (!metric) return `{${matchers.join(',')}}`;
  return matchers.length === 0 ? metric : `${metric}{${matchers.join(',')}}`;
}

function ListBox(props: {
  label: string;
  items: Listing;
  isSelected: (item: string) => boolean;
  onToggle: (item: string) => void;
}) {
  const theme = useTheme2();
  return (
    <div>
      <ul
        aria-label={props.label}
        style={{
          listStyle: 'none',
          margin: 0,
          padding: 0,
          maxHeight: 240,
          overflowY: 'auto',
          border: `1px solid ${theme.colors.border.weak}`,
        }}
      >
        {props.items.items.map((item) => (
          <li key={item}>
            <button
              type="button"
              aria-pressed={props.isSelected(item)}
              onClick={() => props.onToggle(item)}
              style={{
                all: 'unset',
                cursor: 'pointer',
                display: 'block',
                width: '100%',
                padding: '2px 8px',
                fontFamily: theme.typography.fontFamilyMonospace,
                background: props.isSelected(item) ? theme.colors.action.selected : undefined,
              }}
            >
              {item}
            </button>
          </li>
        ))}
      </ul>
      {props.items.truncated && (
        <Text variant="bodySmall" color="secondary">
          Showing the first {BROWSER_LIST_LIMIT}; type to narrow the list.
        </Text>
      )}
      {props.items.error && (
        <Text variant="bodySmall" color="error">
          {props.items.error}
        </Text>
      )}
    </div>
  );
}

export function MetricBrowser({ client, onUseQuery }: MetricBrowserProps) {
  const [metricSearch, setMetricSearch] = useState('');
  const [metric, setMetric] = useState<string | undefined>();
  const [label, setLabel] = useState<string | undefined>();
  const [valueSearch, setValueSearch] = useState('');
  const [chosen, setChosen] = useState<Record<string, string[]>>({});

  const metrics = useSearchedList(
    () => client.metricNames(metricSearch, BROWSER_LIST_LIMIT + 1),
    [client, metricSearch]
  );
  const metricSelector = metric ? `{__name__=${quoteLabelValue(metric)}}` : undefined;
  const labels = useSearchedList(
    () => client.labelNamesMatching(metricSelector, BROWSER_LIST_LIMIT + 1),
    [client, metric]
  );
  const values = useSearchedList(
    label
      ? () => {
          const search = `${label}=~${quoteLabelValue(containsRegex(valueSearch))}`;
          const match = metric ? `{__name__=${quoteLabelValue(metric)},${search}}` : `{${search}}`;
          return client.labelValuesMatching(label, match, BROWSER_LIST_LIMIT + 1);
        }
      : undefined,
    [client, metric, label, valueSearch]
  );
  const labelNames = useMemo(() => ({ ...labels, items: labels.items.filter((l) => l !== '__name__') }), [labels]);
  const selector = buildSelector(metric, chosen);

  const toggleValue = (value: string) => {
    if (!label) return;
    const current = chosen[label] ?? [];
    const next = current.includes(value) ? current.filter((v) => v !== value) : [...current, value];
    setChosen({ ...chosen, [label]: next });
  };

  return (
    <Stack direction="column" gap={1}>
      <Stack direction="row" gap={2} alignItems="flex-start" wrap="wrap">
        <div style={{ flex: '1 1 260px', minWidth: 0 }}>
          <Input
            aria-label="Search metrics"
            placeholder="Search metrics"
            value={metricSearch}
            onChange={(e) => setMetricSearch(e.currentTarget.value)}
          />
          <ListBox
            label="Metrics"
            items={metrics}
            isSelected={(m) => m === metric}
            onToggle={(m) => {
              setMetric(m === metric ? undefined : m);
              setLabel(undefined);
              setChosen({});
            }}
          />
        </div>
        <div style={{ flex: '1 1 200px', minWidth: 0 }}>
          <Text variant="bodySmall">Labels{metric ? ` of ${metric}` : ''}</Text>
          <ListBox
            label="Labels"
            items={labelNames}
            isSelected={(l) => l === label}
            onToggle={(l) => setLabel(l === label ? undefined : l)}
          />
        </div>
        <div style={{ flex: '1 1 260px', minWidth: 0 }}>
          <Input
            aria-label="Search label values"
            placeholder={label ? `Search values of ${label}` : 'Choose a label'}
            disabled={!label}
            value={valueSearch}
            onChange={(e) => setValueSearch(e.currentTarget.value)}
          />
          <ListBox
            label="Label values"
            items={values}
            isSelected={(v) => (label ? (chosen[label] ?? []).includes(v) : false)}
            onToggle={toggleValue}
          />
        </div>
      </Stack>
      <Stack direction="row" gap={1} alignItems="center">
        <code aria-label="Selector">{selector}</code>
        <Button size="sm" disabled={selector === '{}'} onClick={() => onUseQuery(selector)}>
          Use query
        </Button>
      </Stack>
    </Stack>
  );
}
