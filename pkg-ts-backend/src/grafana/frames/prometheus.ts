// Prometheus query results (the `data` of /api/v1/query and /api/v1/query_range) as data
// frames shaped like those of Grafana's Prometheus data source: one frame per series with
// `Time` and `Value` fields, the series labels on the value field, the legend as
// displayNameFromDS, and meta.type from the dataplane contract so that alerting and
// server-side expressions accept them (timeseries-multi for ranges, numeric-multi for
// instant vectors and scalars).
import type { Field, Frame, FrameLabels, FrameMeta, Notice } from './frame';
import { nanosFromUnixSeconds } from './frame';
import { formatGoDuration } from './goDuration';
import { legendName } from './legend';
import { heatmapFrames, tableFrames } from './formats';

export type SamplePair = [number, string];

/** A native histogram sample value as the Prometheus API writes it. */
export interface PromHistogramValue {
  count: string;
  sum: string;
  /** [boundary rule, lower, upper, count] */
  buckets?: Array<[number, string, string, string]>;
}

export interface PromSeries {
  metric: FrameLabels;
  values?: SamplePair[];
  value?: SamplePair;
  histograms?: Array<[number, PromHistogramValue]>;
  histogram?: [number, PromHistogramValue];
}

export type PromQueryData =
  | { resultType: 'matrix'; result: PromSeries[] }
  | { resultType: 'vector'; result: PromSeries[] }
  | { resultType: 'scalar'; result: SamplePair }
  | { resultType: 'string'; result: SamplePair };

export type PromResultFormat = 'time_series' | 'table' | 'heatmap';

export interface PromFramingOptions {
  refId: string;
  /** The expression as sent (shown with the step in the query inspector). */
  expr: string;
  legendFormat?: string;
  stepMs: number;
  format?: PromResultFormat;
  /** Name of the value column of the table format (`Value`, or `Value #A` among several queries). */
  tableValueName?: string;
  warnings?: readonly string[];
  infos?: readonly string[];
}

export class PromResultError extends Error {}

function isSamplePair(v: unknown): v is SamplePair {
  return Array.isArray(v) && v.length === 2 && typeof v[0] === 'number' && typeof v[1] === 'string';
}

function isSeries(v: unknown): v is PromSeries {
  if (v === null || typeof v !== 'object') return false;
  const s = v as PromSeries;
  const labelsOk = s.metric !== null && typeof s.metric === 'object' && !Array.isArray(s.metric);
  const valuesOk = s.values === undefined || (Array.isArray(s.values) && s.values.every(isSamplePair));
  const valueOk = s.value === undefined || isSamplePair(s.value);
  return labelsOk && valuesOk && valueOk;
}

/** Checks that an API response's `data` is a query result, before anything trusts its shape. */
export function parsePromQueryData(data: unknown): PromQueryData {
  const d = data as { resultType?: unknown; result?: unknown } | null;
  switch (d?.resultType) {
    case 'matrix':
    case 'vector':
      if (Array.isArray(d.result) && d.result.every(isSeries)) return d as PromQueryData;
      break;
    case 'scalar':
    case 'string':
      if (isSamplePair(d.result)) return d as PromQueryData;
      break;
    default:
      throw new PromResultError(`unknown result type: ${JSON.stringify(d?.resultType)}`);
  }
  throw new PromResultError(`malformed ${String(d.resultType)} result`);
}

/** Parses a Prometheus sample value ("1.5", "NaN", "+Inf", "-Inf"). */
export function parseSampleValue(s: string): number {
  const n = Number(s);
  if (!Number.isNaN(n) || s === 'NaN') return n;
  if (/^[+]?inf(inity)?$/i.test(s)) return Infinity;
  if (/^-inf(inity)?$/i.test(s)) return -Infinity;
  return Number(s);
}

function multiMeta(type: string, resultType: string): FrameMeta {
  return { type, typeVersion: [0, 1], custom: { resultType } };
}

function seriesFrame(samples: readonly SamplePair[], labels: FrameLabels, meta: FrameMeta): Frame {
  return {
    name: '',
    refId: '',
    meta,
    fields: [
      { name: 'Time', type: 'time', nullable: false, values: samples.map(([t]) => nanosFromUnixSeconds(t)) },
      { name: 'Value', type: 'float64', nullable: false, values: samples.map(([, v]) => parseSampleValue(v)), labels },
    ],
  };
}

function histogramFrame(samples: ReadonlyArray<[number, PromHistogramValue]>, labels: FrameLabels): Frame {
  const time: bigint[] = [];
  const yMin: number[] = [];
  const yMax: number[] = [];
  const count: number[] = [];
  const yLayout: number[] = [];
  for (const [t, histogram] of samples) {
    for (const [rule, lower, upper, n] of histogram.buckets ?? []) {
      time.push(nanosFromUnixSeconds(t));
      yLayout.push(rule);
      yMin.push(parseSampleValue(lower));
      yMax.push(parseSampleValue(upper));
      count.push(parseSampleValue(n));
    }
  }
  return {
    name: '',
    refId: '',
    meta: { type: 'heatmap-cells', custom: { resultType: 'matrix' } },
    fields: [
      { name: 'xMax', type: 'time', nullable: false, values: time },
      { name: 'yMin', type: 'float64', nullable: false, values: yMin, labels },
      { name: 'yMax', type: 'float64', nullable: false, values: yMax },
      { name: 'count', type: 'float64', nullable: false, values: count },
      { name: 'yLayout', type: 'int8', nullable: false, values: yLayout },
    ],
  };
}

/** One frame per series, before any legend or format is applied. */
function rawFrames(data: PromQueryData): Frame[] {
  switch (data.resultType) {
    case 'matrix':
    case 'vector': {
      const type = data.resultType === 'matrix' ? 'timeseries-multi' : 'numeric-multi';
      return data.result.map((series) => {
        const labels = { ...series.metric };
        const histograms = series.histograms ?? (series.histogram ? [series.histogram] : undefined);
        if (histograms) return histogramFrame(histograms, labels);
        const samples = series.values ?? (series.value ? [series.value] : []);
        return seriesFrame(samples, labels, multiMeta(type, data.resultType));
      });
    }
    case 'scalar':
      return [seriesFrame([data.result], {}, multiMeta('numeric-multi', 'scalar'))];
    case 'string': {
      const [t, text] = data.result;
      return [
        {
          name: '',
          refId: '',
          meta: { type: 'timeseries-multi', custom: { resultType: 'string' } },
          fields: [
            { name: 'Time', type: 'time', nullable: false, values: [nanosFromUnixSeconds(t)] },
            { name: 'Value', type: 'string', nullable: false, values: [text], labels: {} },
          ],
        },
      ];
    }
    default:
      throw new Error(`unknown result type: ${(data as { resultType: string }).resultType}`);
  }
}

function applyLegend(frame: Frame, opts: PromFramingOptions): void {
  if (frame.fields.length < 2) return;
  frame.fields[0].config = { interval: opts.stepMs };
  const valueField = frame.fields[1] as Field;
  const name = legendName(opts.legendFormat, valueField.labels ?? {}, opts.expr);
  if (name !== '') valueField.config = { displayNameFromDS: name };
  frame.name = name;
}

/** Frames for one query's result, in the requested format. */
export function framesFromPrometheus(data: PromQueryData, opts: PromFramingOptions): Frame[] {
  let frames = rawFrames(data);
  for (const frame of frames) applyLegend(frame, opts);
  if (opts.format === 'table') {
    frames = tableFrames(frames, opts.tableValueName ?? 'Value');
  } else if (opts.format === 'heatmap') {
    frames = heatmapFrames(frames);
  }
  const notices: Notice[] = [
    ...(opts.warnings ?? []).map((text): Notice => ({ severity: 'warning', text })),
    ...(opts.infos ?? []).map((text): Notice => ({ severity: 'info', text })),
  ];
  if (frames.length === 0) frames = [{ name: notices.length > 0 ? 'Warnings' : '', refId: '', meta: {}, fields: [] }];
  for (const frame of frames) {
    frame.refId = opts.refId;
    frame.meta ??= {};
    if (notices.length > 0) frame.meta.notices = notices;
  }
  frames[0].meta!.executedQueryString = `Expr: ${opts.expr}\nStep: ${formatGoDuration(opts.stepMs)}`;
  return frames;
}
