import type { AnnotationQuery, QueryEditorProps } from '@grafana/data';
import { InlineField, InlineFieldRow, Input, Stack } from '@grafana/ui';
import { useMemo, useState } from 'react';
import type { FlintDataSource } from '../datasource';
import type { FlintOptions, FlintQuery } from '../types';
import { PromQLEditor } from './PromQLEditor';

export type FlintAnnotationEditorProps = QueryEditorProps<FlintDataSource, FlintQuery, FlintOptions> & {
  annotation?: AnnotationQuery<FlintQuery>;
  onAnnotationChange?: (annotation: AnnotationQuery<FlintQuery>) => void;
};

type TemplateKey = 'titleFormat' | 'textFormat' | 'tagKeys';

const FIELDS: Array<{ key: TemplateKey; label: string; placeholder: string; tooltip: string }> = [
  {
    key: 'titleFormat',
    label: 'Title',
    placeholder: '{{alertname}}',
    tooltip: 'Title of each event: {{label}} templates',
  },
  { key: 'textFormat', label: 'Text', placeholder: '{{instance}}', tooltip: 'Text of each event: {{label}} templates' },
  {
    key: 'tagKeys',
    label: 'Tags',
    placeholder: 'job,severity',
    tooltip: 'Labels whose values become the tags, comma-separated',
  },
];

/** An annotation is a PromQL expression: every step where a series is non-zero marks the graph. */
export function AnnotationQueryEditor({ query, datasource, onChange, onRunQuery }: FlintAnnotationEditorProps) {
  const client = useMemo(() => datasource.resourceClient(), [datasource]);
  const [drafts, setDrafts] = useState<Record<TemplateKey, string>>({
    titleFormat: query.titleFormat ?? '',
    textFormat: query.textFormat ?? '',
    tagKeys: query.tagKeys ?? '',
  });
  return (
    <Stack direction="column" gap={1}>
      <PromQLEditor
        value={query.expr ?? ''}
        client={client}
        onChange={(expr) => onChange({ ...query, expr })}
        onRunQuery={onRunQuery}
        placeholder={'An expression whose non-zero steps become events, e.g. ALERTS{alertstate="firing"}'}
      />
      <InlineFieldRow>
        {FIELDS.map((field) => (
          <InlineField key={field.key} label={field.label} tooltip={field.tooltip}>
            <Input
              width={24}
              aria-label={field.label}
              placeholder={field.placeholder}
              value={drafts[field.key]}
              onChange={(e) => setDrafts({ ...drafts, [field.key]: e.currentTarget.value })}
              onBlur={() => onChange({ ...query, [field.key]: drafts[field.key] || undefined })}
            />
          </InlineField>
        ))}
      </InlineFieldRow>
    </Stack>
  );
}
