// Annotations from a PromQL expression: every step where a series has a non-zero value marks
// the dashboard, and consecutive steps of one series join into one region.
import { FieldType, type AnnotationEvent, type DataFrame } from '@grafana/data';
import type { FlintQuery } from './types';

/** `{{label}}` templates filled in from a series' labels. */
export function renderTemplate(template: string, labels: Record<string, string>): string {
  return template.replace(/\{\{\s*([a-zA-Z_][a-zA-Z0-9_]*)\s*\}\}/g, (_, name: string) => labels[name] ?? '');
}

function seriesText(labels: Record<string, string>): string {
  const { __name__: name = '', ...rest } = labels;
  const inner = Object.entries(rest)
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
    .join(', ');
  return `${name}{${inner}}`;
}

export function annotationEventsFromFrames(frames: DataFrame[], query: FlintQuery): AnnotationEvent[] {
  const tagKeys = (query.tagKeys ?? '')
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  const events: AnnotationEvent[] = [];
  for (const frame of frames) {
    const timeField = frame.fields.find((f) => f.type === FieldType.time);
    const valueField = frame.fields.find((f) => f.type === FieldType.number);
    if (!timeField || !valueField) continue;
    const labels: Record<string, string> = { ...(valueField.labels ?? {}) };
    const stepMs = timeField.config.interval ?? 0;
    const base = {
      title: query.titleFormat ? renderTemplate(query.titleFormat, labels) : seriesText(labels),
      text: query.textFormat ? renderTemplate(query.textFormat, labels) : '',
      tags: tagKeys.filter((k) => labels[k] !== undefined).map((k) => labels[k]),
    };
    let open: AnnotationEvent | undefined;
    for (let i = 0; i < frame.length; i++) {
      const time = Number(timeField.values[i]);
      const value = Number(valueField.values[i]);
      const active = value !== 0 && !Number.isNaN(value);
      if (!active) {
        open = undefined;
        continue;
      }
      // A gap of more than one step ends the region even when the values on both sides are set.
      if (open && stepMs > 0 && time - (open.timeEnd ?? 0) <= stepMs) {
        open.timeEnd = time;
        continue;
      }
      open = { ...base, time, timeEnd: time };
      events.push(open);
    }
  }
  for (const e of events) if (e.timeEnd !== undefined && e.time !== undefined) e.isRegion = e.timeEnd > e.time;
  return events;
}
