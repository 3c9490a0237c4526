// Shapes shared by the exposition parsers and their users (the scrape loop, the metadata API).
import type { Labels } from '../model/labels';

/** Metric family types as Prometheus reports them in its metadata API (text `untyped` becomes `unknown`). */
export type MetricType =
  'counter' | 'gauge' | 'histogram' | 'gaugehistogram' | 'summary' | 'info' | 'stateset' | 'unknown';

export interface MetricMetadata {
  type: MetricType;
  help: string;
  unit: string;
}

export interface Exemplar {
  labels: Labels;
  value: number;
  /** Milliseconds; undefined when the exemplar carried no timestamp. */
  timestamp?: number;
}

/** What a call to `ExpositionParser.next()` found. */
export const Entry = {
  End: 0,
  Series: 1,
  Type: 2,
  Help: 3,
  Unit: 4,
  Comment: 5,
} as const;
export type EntryKind = (typeof Entry)[keyof typeof Entry];

export type ExpositionFormat = 'prometheus-text' | 'openmetrics';

/**
 * A cursor over one exposition body. Accessors describe the entry the last `next()` returned and
 * are valid until the following `next()`. Nothing is allocated for a sample until an accessor
 * asks for it, so a caller that caches label sets by `series()` pays only for new series.
 */
export interface ExpositionParser {
  readonly format: ExpositionFormat;
  /** Advances to the next entry; throws ParseError on malformed input. */
  next(): EntryKind;
  /** The sample's series exactly as written (name and label set): a cache key, not a label set. */
  series(): string;
  /**
   * Offers the series text the caller expects next. It must be a `series()` this parser's format
   * returned before (from any body). When the next sample's series is exactly that text, the
   * parser skips scanning its label set and `seriesIsHint()` is true. An empty hint offers none.
   */
  hintNextSeries(series: string): void;
  /** Whether the current sample's series is exactly the hint given before `next()`. */
  seriesIsHint(): boolean;
  /** The sample's label set, sorted, unescaped, `le`/`quantile` values normalised as Prometheus 3 does. */
  labels(): Labels;
  /** The metric name of the current sample. */
  metricName(): string;
  value(): number;
  /** Explicit timestamp in ms, or NaN when the sample had none. */
  timestamp(): number;
  /** The exemplar attached to the current sample, if any (OpenMetrics only). */
  exemplar(): Exemplar | undefined;
  /** For Type/Help/Unit entries: the metric family named. */
  metadataName(): string;
  metricType(): MetricType;
  help(): string;
  unit(): string;
}

export class ParseError extends Error {
  override readonly name = 'ParseError';
}
