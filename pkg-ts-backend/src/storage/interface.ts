// The seams between storage and everything that writes or reads it (scrape, rules, remote
// write on one side; the PromQL engine, the API and remote read on the other). The TSDB
// implements them; so can remote storage, a fan-out, or a test's in-memory store.
import type { Labels } from '../model/labels';
import type { Matcher } from '../model/matcher';

/** An opaque per-series reference an Appender may hand back to speed up later appends. */
export type SeriesRef = number;

/** Errors appenders throw, with Prometheus's texts (storage.ErrOutOfOrderSample, ...). */
export class StorageError extends Error {}
export const ERR_OUT_OF_ORDER_SAMPLE = 'out of order sample';
export const ERR_DUPLICATE_SAMPLE_FOR_TIMESTAMP = 'duplicate sample for timestamp';
export const ERR_OUT_OF_BOUNDS = 'out of bounds';
/** Older than the out-of-order window allows (storage.tsdb.out_of_order_time_window). */
export const ERR_TOO_OLD_SAMPLE = 'too old sample';

export interface Appender {
  /**
   * Stages one float sample (t in integer ms). `ref` is a hint returned by an earlier call for the
   * same series (0 when unknown). Throws StorageError for out-of-order or duplicate samples.
   * Nothing is visible to queries before commit().
   */
  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef;
  /** Makes the staged samples durable (per the WAL fsync policy) and visible. */
  commit(): Promise<void>;
  /** Drops the staged samples. */
  rollback(): void;
}

export interface Appendable {
  appender(): Appender;
}

/**
 * Walks one series' samples in increasing time order. Usage:
 * `while (it.next()) use(it.t(), it.v())`, or `if (it.seek(t)) ...` to skip ahead.
 * Values keep their NaN payloads (the stale marker comes back bit-exact).
 */
export interface SampleIterator {
  /** Advances to the next sample; false when exhausted. */
  next(): boolean;
  /** Advances to the first sample with timestamp >= t (never moves backwards); false when none. */
  seek(t: number): boolean;
  /** Timestamp of the current sample (ms). */
  t(): number;
  /** Value of the current sample. */
  v(): number;
}

export interface Series {
  readonly labels: Labels;
  /** A fresh iterator over the series' samples within the querier's time range. */
  iterator(): SampleIterator;
}

export interface SelectHints {
  /** Time range the caller will actually read (ms, inclusive); may be narrower than the querier's. */
  start?: number;
  end?: number;
  /** The range selector's length or step, as Prometheus passes them (informational). */
  step?: number;
  range?: number;
  func?: string;
  /** Only the label sets are wanted (the series API): iterators may be empty. */
  labelsOnly?: boolean;
}

export interface Querier {
  /** Series matching all matchers, sorted by label set when `sorted` is true. */
  select(sorted: boolean, hints: SelectHints | undefined, matchers: readonly Matcher[]): Series[];
  /** Sorted distinct values of a label among series matching the matchers (all series when none). */
  labelValues(name: string, matchers?: readonly Matcher[], limit?: number): string[];
  /** Sorted distinct label names among series matching the matchers (all series when none). */
  labelNames(matchers?: readonly Matcher[], limit?: number): string[];
  close(): void;
}

export interface Queryable {
  /** A querier over samples with mint <= t <= maxt (ms). */
  querier(mint: number, maxt: number): Querier;
}
