import type { QueryEditorProps, SelectableValue } from '@grafana/data';
import { Button, InlineField, InlineFieldRow, Input, RadioButtonGroup, Stack } from '@grafana/ui';
import { useMemo, useState } from 'react';
import type { FlintDataSource } from '../datasource';
import type { FlintOptions, FlintQuery, FlintQueryFormat } from '../types';
import { MetricBrowser } from './MetricBrowser';
import { PromQLEditor } from './PromQLEditor';

export type FlintQueryEditorProps = QueryEditorProps<FlintDataSource, FlintQuery, FlintOptions>;

type QueryType = 'range' | 'instant' | 'both';

const FORMAT_OPTIONS: Array<SelectableValue<FlintQueryFormat>> = [
  { label: 'Time series', value: 'time_series' },
  { label: 'Table', value: 'table' },
  { label: 'Heatmap', value: 'heatmap' },
];

const TYPE_OPTIONS: Array<SelectableValue<QueryType>> = [
  { label: 'Range', value: 'range' },
  { label: 'Instant', value: 'instant' },
  { label: 'Both', value: 'both' },
];

export function queryTypeOf(query: FlintQuery): QueryType {
  if (query.instant && query.range) return 'both';
  return query.instant ? 'instant' : 'range';
}

export function withQueryType(query: FlintQuery, type: QueryType): FlintQuery {
  return { ...query, instant: type !== 'range', range: type !== 'instant' };
}

export function QueryEditor({ query, datasource, onChange, onRunQuery }: FlintQueryEditorProps) {
  const client = useMemo(() => datasource.resourceClient(), [datasource]);
  const [browserOpen, setBrowserOpen] = useState(false);
  const [legend, setLegend] = useState(query.legendFormat === '__auto' ? '' : (query.legendFormat ?? ''));
  const [minStep, setMinStep] = useState(query.interval ?? '');

  const change = (next: FlintQuery, run: boolean) => {
    onChange(next);
    if (run) onRunQuery();
  };

  return (
    <Stack direction="column" gap={1}>
      <Stack direction="row" gap={1} alignItems="flex-start">
        <Button
          variant="secondary"
          icon={browserOpen ? 'angle-down' : 'angle-right'}
          onClick={() => setBrowserOpen(!browserOpen)}
          aria-expanded={browserOpen}
        >
          Metrics browser
        </Button>
        <PromQLEditor
          value={query.expr ?? ''}
          client={client}
          onChange={(expr) => onChange({ ...query, expr })}
          onRunQuery={onRunQuery}
        />
      </Stack>
      {browserOpen && (
        <MetricBrowser
          client={client}
          onUseQuery={(selector) => {
            setBrowserOpen(false);
            change({ ...query, expr: selector }, true);
          }}
        />
      )}
      <InlineFieldRow>
        <InlineField label="Legend" tooltip="Series name: {{label}} templates, or empty for an automatic name">
          <Input
            width={24}
            placeholder="auto"
            value={legend}
            onChange={(e) => setLegend(e.currentTarget.value)}
            onBlur={() => change({ ...query, legendFormat: legend === '' ? '__auto' : legend }, true)}
          />
        </InlineField>
        <InlineField label="Min step" tooltip="Lower limit of the step, e.g. 30s or $__interval">
          <Input
            width={12}
            placeholder="auto"
            value={minStep}
            onChange={(e) => setMinStep(e.currentTarget.value)}
            onBlur={() => change({ ...query, interval: minStep === '' ? undefined : minStep }, true)}
          />
        </InlineField>
        <InlineField label="Format">
          <RadioButtonGroup
            options={FORMAT_OPTIONS}
            value={query.format ?? 'time_series'}
            onChange={(format) => change({ ...query, format }, true)}
          />
        </InlineField>
        <InlineField label="Type">
          <RadioButtonGroup
            options={TYPE_OPTIONS}
            value={queryTypeOf(query)}
            onChange={(type) => change(withQueryType(query, type), true)}
          />
        </InlineField>
      </InlineFieldRow>
    </Stack>
  );
}
