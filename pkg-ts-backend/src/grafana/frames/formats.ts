// The `table` and `heatmap` result formats of Grafana's Prometheus data source, applied to
// the per-series frames of ./prometheus.ts: a table is one long frame (time, one column per
// label, value); a heatmap turns cumulative `le` buckets into per-bucket counts, one
// heatmap-rows frame per group of series that differ only in `le`.
import type { Field, Frame, FrameLabels } from './frame';

interface SeriesColumns {
  frame: Frame;
  times: bigint[];
  values: number[];
  labels: FrameLabels;
}

/** Frames with a time field and a numeric value field; the others have no table or heatmap form. */
function numericSeries(frames: readonly Frame[]): SeriesColumns[] | undefined {
  const out: SeriesColumns[] = [];
  for (const frame of frames) {
    const [time, value] = frame.fields;
    if (frame.fields.length !== 2 || time.type !== 'time' || value.type !== 'float64') return undefined;
    out.push({ frame, times: time.values as bigint[], values: value.values as number[], labels: value.labels ?? {} });
  }
  return out;
}

export function tableFrames(frames: readonly Frame[], valueName: string): Frame[] {
  const series = numericSeries(frames);
  if (series === undefined) return [...frames];
  const labelNames: string[] = [];
  for (const s of series) {
    for (const name of Object.keys(s.labels).sort()) if (!labelNames.includes(name)) labelNames.push(name);
  }
  const rows: Array<{ time: bigint; labels: string[]; value: number }> = [];
  for (const s of series) {
    const labelValues = labelNames.map((n) => (Object.hasOwn(s.labels, n) ? s.labels[n] : ''));
    s.times.forEach((time, i) => rows.push({ time, labels: labelValues, value: s.values[i] }));
  }
  // Array.prototype.sort is stable, so rows of one time keep their series order.
  rows.sort((a, b) => (a.time < b.time ? -1 : a.time > b.time ? 1 : 0));
  const first = series[0]?.frame;
  const fields: Field[] = [
    {
      name: 'Time',
      type: 'time',
      nullable: false,
      values: rows.map((r) => r.time),
      config: { ...(first?.fields[0].config ?? {}) },
    },
    ...labelNames.map((name, i): Field => ({
      name,
      type: 'string',
      nullable: false,
      values: rows.map((r) => r.labels[i]),
      config: { filterable: true },
    })),
    { name: valueName, type: 'float64', nullable: false, values: rows.map((r) => r.value) },
  ];
  return [
    {
      name: '',
      refId: '',
      meta: {
        type: 'timeseries-long',
        typeVersion: [0, 1],
        custom: first?.meta?.custom,
        preferredVisualisationType: 'rawPrometheus',
      },
      fields,
    },
  ];
}

function bucketBound(s: SeriesColumns): number {
  const text = Object.hasOwn(s.labels, 'le') ? s.labels.le : s.frame.name;
  if (/^\+?inf$/i.test(text)) return Infinity;
  const n = Number(text);
  return Number.isNaN(n) ? Infinity : n;
}

function groupKey(labels: FrameLabels): string {
  return JSON.stringify(
    Object.keys(labels)
      .filter((k) => k !== 'le')
      .sort()
      .map((k) => [k, labels[k]])
  );
}

function heatmapRows(group: SeriesColumns[]): Frame {
  group.sort((a, b) => bucketBound(a) - bucketBound(b) || 0);
  const times = [...new Set(group.flatMap((s) => s.times))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const cumulative = group.map((s) => {
    const byTime = new Map<bigint, number>();
    s.times.forEach((t, i) => byTime.set(t, s.values[i]));
    return times.map((t) => byTime.get(t) ?? null);
  });
  const counts = cumulative.map((bucket, b) =>
    bucket.map((v, i) => {
      if (v === null || b === 0) return v;
      const below = cumulative[b - 1][i] ?? 0;
      // Cumulative counts from rates are floats: tiny negative differences are rounding noise.
      const count = v - below;
      return count < 1e-9 ? 0 : count;
    })
  );
  const first = group[0].frame;
  return {
    name: '',
    refId: '',
    meta: { type: 'heatmap-rows', typeVersion: [0, 0], custom: first.meta?.custom },
    fields: [
      { name: 'Time', type: 'time', nullable: false, values: times, config: { ...(first.fields[0].config ?? {}) } },
      ...group.map((s, b): Field => {
        const le = Object.hasOwn(s.labels, 'le') ? s.labels.le : s.frame.name;
        return {
          name: le,
          type: 'float64',
          nullable: counts[b].includes(null),
          values: counts[b],
          labels: s.labels,
          config: { displayNameFromDS: le },
        };
      }),
    ],
  };
}

export function heatmapFrames(frames: readonly Frame[]): Frame[] {
  const series = numericSeries(frames);
  if (series === undefined) return [...frames];
  const groups = new Map<string, SeriesColumns[]>();
  for (const s of series) {
    const key = groupKey(s.labels);
    const group = groups.get(key);
    if (group) group.push(s);
    else groups.set(key, [s]);
  }
  return [...groups.values()].map(heatmapRows);
}
