// Per-target memory between scrapes: the final label set and storage ref of each series keyed by
// its text as exposed (so a repeated series costs no label parsing or relabeling), the series that
// metric relabeling drops, and which series the last successful scrape produced (for staleness).
// Targets expose their series in the same order every time, so the cache also remembers that order
// and predicts each next series: a correct prediction is confirmed by comparing text in place,
// without slicing a key out of the body or hashing it.
import type { Labels } from '../model/labels';
import type { SeriesRef } from '../storage/interface';
import type { MetricMetadata } from '../textparse';

export interface CacheEntry {
  /** The series text as exposed, which the entry is keyed by. */
  readonly key: string;
  ref: SeriesRef;
  readonly labels: Labels;
  /** Scrape iteration that last produced this series. */
  lastIter: number;
  /** Whether the series takes part in staleness (false for samples with explicit timestamps). */
  trackStaleness: boolean;
  /** Index in the production order of the scrape that last produced it. */
  pos: number;
}

/**
 * Copies a key out of the body it was sliced from: V8 substrings keep their parent alive, and a
 * cache entry outliving a multi-megabyte body would pin it in memory. The copy is made through
 * bytes so that it is a flat string: comparing the body against a sliced or concatenated string
 * (as the series prediction does for every sample) goes through V8's slow path.
 */
function detachString(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

export class ScrapeCache {
  private readonly series = new Map<string, CacheEntry>();
  private readonly dropped = new Map<string, number>();
  /** Entries added in the running scrape, forgotten again if it fails. */
  private readonly added: string[] = [];
  private metadataByFamily = new Map<string, MetricMetadata>();
  /** Entries in the order the running scrape produced them. */
  private order: CacheEntry[] = [];
  /** The same for the last successful scrape: every entry in it is still in `series`. */
  private lastOrder: CacheEntry[] = [];
  private lastFormat = '';
  private bodyFormat = '';
  /** Index in `lastOrder` of the predicted next series; -1 while not predicting. */
  private cursor = -1;
  /** Distinct series and dropped series the running scrape saw: when all were, nothing vanished. */
  private producedCount = 0;
  private droppedSeenCount = 0;
  iter = 0;

  startIteration(): void {
    this.iter++;
    this.added.length = 0;
    this.order.length = 0;
    this.bodyFormat = '';
    this.cursor = -1;
    this.producedCount = 0;
    this.droppedSeenCount = 0;
  }

  /** Starts predicting from the last successful scrape, whose keys only match a body of the same format. */
  beginBody(format: string): void {
    this.bodyFormat = format;
    this.cursor = format === this.lastFormat ? 0 : -1;
  }

  /** The series expected next in the body, if any. */
  predicted(): CacheEntry | undefined {
    return this.cursor < 0 ? undefined : this.lastOrder[this.cursor];
  }

  /** The body had the predicted series: predict the one after it. */
  confirmPrediction(): void {
    this.cursor++;
  }

  /** Looks a series up by its text, resuming predictions after it when the last scrape had it. */
  get(key: string): CacheEntry | undefined {
    const e = this.series.get(key);
    if (e !== undefined && this.cursor >= 0 && this.lastOrder[e.pos] === e) this.cursor = e.pos + 1;
    return e;
  }

  /** The running scrape appended a sample of this series. */
  produced(e: CacheEntry): void {
    if (e.lastIter !== this.iter) this.producedCount++;
    e.lastIter = this.iter;
    e.pos = this.order.length;
    this.order.push(e);
  }

  isDropped(key: string): boolean {
    const it = this.dropped.get(key);
    if (it === undefined) return false;
    if (it !== this.iter) this.droppedSeenCount++;
    this.dropped.set(key, this.iter);
    return true;
  }

  addDropped(key: string): void {
    this.dropped.set(detachString(key), this.iter);
    this.droppedSeenCount++;
  }

  add(key: string, ref: SeriesRef, labels: Labels, trackStaleness: boolean): CacheEntry {
    const k = detachString(key);
    const e: CacheEntry = { key: k, ref, labels, lastIter: -1, trackStaleness, pos: 0 };
    this.series.set(k, e);
    this.added.push(k);
    this.produced(e);
    return e;
  }

  /** Series the previous successful scrape produced but this one did not: they get stale markers. */
  *vanished(): IterableIterator<CacheEntry> {
    if (this.producedCount === this.series.size) return;
    for (const e of this.series.values()) if (e.lastIter === this.iter - 1 && e.trackStaleness) yield e;
  }

  /** On a failed scrape: the series the previous successful scrape produced (new ones of this scrape excluded). */
  *vanishedAfterFailure(): IterableIterator<CacheEntry> {
    const added = new Set(this.added);
    for (const [k, e] of this.series) if (e.lastIter >= this.iter - 1 && e.trackStaleness && !added.has(k)) yield e;
  }

  /** Series produced by the last successful scrape (all of them go stale when the target goes). */
  *live(): IterableIterator<CacheEntry> {
    for (const e of this.series.values()) if (e.lastIter === this.iter && e.trackStaleness) yield e;
  }

  /** After a successful scrape: forget what it did not produce. */
  commitIteration(): void {
    if (this.producedCount !== this.series.size)
      for (const [k, e] of this.series) if (e.lastIter !== this.iter) this.series.delete(k);
    if (this.droppedSeenCount !== this.dropped.size)
      for (const [k, it] of this.dropped) if (it !== this.iter) this.dropped.delete(k);
    const last = this.lastOrder;
    this.lastOrder = this.order;
    this.order = last;
    this.order.length = 0;
    this.lastFormat = this.bodyFormat;
  }

  /**
   * After a failed scrape: forget its new series (their refs came from a rolled-back append) and
   * treat everything as gone, so the next scrape counts every series as new.
   */
  failIteration(): void {
    for (const k of this.added) this.series.delete(k);
    this.added.length = 0;
    this.order.length = 0;
    for (const e of this.series.values()) e.lastIter = -1;
  }

  /** Metadata (TYPE/HELP/UNIT) of the last successful scrape. */
  replaceMetadata(m: Map<string, MetricMetadata>): void {
    this.metadataByFamily = m;
  }

  metadata(): ReadonlyMap<string, MetricMetadata> {
    return this.metadataByFamily;
  }
}
