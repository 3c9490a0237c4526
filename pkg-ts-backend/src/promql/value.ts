// Query results: what the engine returns and the API, rules and Grafana frames encode.
// Timestamps are integer ms. Results never contain stale markers.
import type { Labels } from '../model/labels';

export interface Sample {
  metric: Labels;
  t: number;
  v: number;
}

export interface MatrixSeries {
  metric: Labels;
  /** Parallel arrays of timestamps (ms, increasing) and values. */
  ts: number[];
  vs: number[];
}

export type Value =
  | { type: 'scalar'; t: number; v: number }
  | { type: 'string'; t: number; v: string }
  | { type: 'vector'; samples: Sample[] }
  | { type: 'matrix'; series: MatrixSeries[] };

export interface QueryResult {
  value: Value;
  /** Prometheus 3 annotations, as their message strings. */
  warnings: string[];
  infos: string[];
}

/** Error categories the HTTP API maps to status codes (bad_data 400, execution 422, timeout 503, canceled 499). */
export type QueryErrorType = 'bad_data' | 'execution' | 'timeout' | 'canceled' | 'internal';

export class QueryError extends Error {
  constructor(
    readonly errorType: QueryErrorType,
    message: string
  ) {
    super(message);
  }
}
