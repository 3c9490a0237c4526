import type { DataQuery, DataSourceJsonData } from '@grafana/schema';

/** How results are shaped into frames (the keys of Grafana's Prometheus data source). */
export type FlintQueryFormat = 'time_series' | 'table' | 'heatmap';

export interface FlintQuery extends DataQuery {
  expr: string;
  legendFormat?: string;
  /** Evaluate at the end of the range only. */
  instant?: boolean;
  /** Evaluate over the whole range (both may be set). */
  range?: boolean;
  /** Minimum step, a Prometheus duration or a variable such as `$__interval`. */
  interval?: string;
  format?: FlintQueryFormat;
  /** Exemplars are not queried yet; kept so saved queries from Prometheus carry over. */
  exemplar?: boolean;
  /** Annotation queries: `{{label}}` templates for the title and text, and labels copied to tags. */
  titleFormat?: string;
  textFormat?: string;
  tagKeys?: string;
}

export type FlintAuthMethod = 'none' | 'basic' | 'bearer';

/** Data source settings stored in jsonData (names shared with Grafana's Prometheus data source). */
export interface FlintOptions extends DataSourceJsonData {
  /** Which of the credentials below the config editor shows; the backend reads basicAuth and bearerToken. */
  authMethod?: FlintAuthMethod;
  /** HTTP timeout of requests to flint, in seconds. */
  timeout?: number;
  /** flint's scrape interval: the default minimum step and the base of `$__rate_interval`. */
  timeInterval?: string;
  httpMethod?: 'POST' | 'GET';
}

/** Credentials Grafana stores encrypted and never sends back to the browser. */
export interface FlintSecureJsonData {
  basicAuthPassword?: string;
  bearerToken?: string;
}

export const DEFAULT_SCRAPE_INTERVAL = '15s';

export const DEFAULT_QUERY: Partial<FlintQuery> = {
  expr: '',
  legendFormat: '__auto',
  range: true,
  instant: false,
  format: 'time_series',
  exemplar: false,
};
