// Entry points: a streaming cursor for the scrape loop, and a whole-body parse into columns.
import { isUtf8 } from 'node:buffer';
import type { Labels } from '../model/labels';
import { selectFormat } from './contentType';
import { OpenMetricsParser } from './openmetrics';
import { PromTextParser } from './promtext';
import { Entry, Exemplar, ExpositionFormat, ExpositionParser, MetricMetadata } from './types';

export { selectFormat } from './contentType';
export type { FormatChoice } from './contentType';
export { OpenMetricsParser } from './openmetrics';
export { PromTextParser } from './promtext';
export { formatOpenMetricsFloat } from './scan';
export * from './types';

export interface ParseOptions {
  /** `fallback_scrape_protocol`: the protocol to assume for a missing or unknown Content-Type. */
  fallbackScrapeProtocol?: string;
  /** Drop OpenMetrics `<family>_created` samples (Prometheus 3 keeps them unless it ingests created timestamps). */
  skipCreatedSeries?: boolean;
}

export interface ParserChoice {
  parser: ExpositionParser;
  /** Set when the fallback protocol had to be used. */
  warning?: string;
}

/** A cursor over `body`; throws ParseError when the Content-Type cannot be handled. */
export function createParser(body: Buffer | string, contentType: string, opts: ParseOptions = {}): ParserChoice {
  const { format, warning } = selectFormat(contentType, opts.fallbackScrapeProtocol);
  return { parser: parserFor(format, body, opts), warning };
}

export function parserFor(format: ExpositionFormat, body: Buffer | string, opts: ParseOptions = {}): ExpositionParser {
  const validUtf8 = typeof body === 'string' || isUtf8(body);
  const src = typeof body === 'string' ? body : body.toString('utf8');
  return format === 'openmetrics'
    ? new OpenMetricsParser(src, validUtf8, { skipCreatedSeries: opts.skipCreatedSeries })
    : new PromTextParser(src, validUtf8);
}

/** A whole exposition, one column per field; sample i is (series[i], labels[i], values[i], timestamps[i]). */
export interface ParsedScrape {
  readonly format: ExpositionFormat;
  readonly length: number;
  /** Each sample's series as written: a stable cache key across scrapes of one target. */
  readonly series: string[];
  readonly labels: Labels[];
  /** Float64Array keeps NaN payloads intact. */
  readonly values: Float64Array;
  /** ms; NaN where the sample had no timestamp. */
  readonly timestamps: Float64Array;
  /** Sample index -> exemplar. */
  readonly exemplars: Map<number, Exemplar>;
  /** Family name -> metadata, from HELP/TYPE/UNIT lines. */
  readonly metadata: Map<string, MetricMetadata>;
  readonly warning?: string;
}

export function parseExposition(body: Buffer | string, contentType: string, opts: ParseOptions = {}): ParsedScrape {
  const { parser, warning } = createParser(body, contentType, opts);
  const series: string[] = [];
  const labels: Labels[] = [];
  let values = new Float64Array(256);
  let timestamps = new Float64Array(256);
  const exemplars = new Map<number, Exemplar>();
  const metadata = new Map<string, MetricMetadata>();
  const metadataOf = (name: string): MetricMetadata => {
    let m = metadata.get(name);
    if (!m) metadata.set(name, (m = { type: 'unknown', help: '', unit: '' }));
    return m;
  };
  let n = 0;
  for (let e = parser.next(); e !== Entry.End; e = parser.next()) {
    switch (e) {
      case Entry.Series: {
        if (n === values.length) {
          values = grow(values);
          timestamps = grow(timestamps);
        }
        series.push(parser.series());
        labels.push(parser.labels());
        values[n] = parser.value();
        timestamps[n] = parser.timestamp();
        const ex = parser.exemplar();
        if (ex) exemplars.set(n, ex);
        n++;
        break;
      }
      case Entry.Type:
        metadataOf(parser.metadataName()).type = parser.metricType();
        break;
      case Entry.Help:
        metadataOf(parser.metadataName()).help = parser.help();
        break;
      case Entry.Unit:
        metadataOf(parser.metadataName()).unit = parser.unit();
        break;
    }
  }
  return {
    format: parser.format,
    length: n,
    series,
    labels,
    values: values.subarray(0, n),
    timestamps: timestamps.subarray(0, n),
    exemplars,
    metadata,
    warning,
  };
}

function grow(a: Float64Array): Float64Array<ArrayBuffer> {
  const b = new Float64Array(a.length * 2);
  b.set(a);
  return b;
}
