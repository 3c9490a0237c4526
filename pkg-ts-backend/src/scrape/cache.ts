// Per-target memory between scrapes: the final label set and storage ref of each series keyed by
// its text as exposed (so a repeated series costs no label parsing or relabeling), the series that
// metric relabeling drops, and which series the last successful scrape produced (for staleness).
import type { Labels } from '../model/labels';
import type { SeriesRef } from '../storage/interface';
import type { MetricMetadata } from '../textparse';

export interface CacheEntry {
  ref: SeriesRef;
  readonly labels: Labels;
  /** Scrape iteration that last produced this series. */
  lastIter: number;
  /** Whether the series takes part in staleness (false for samples with explicit timestamps). */
  trackStaleness: boolean;
}

/**
 * Copies a key out of the body it was sliced from: V8 substrings keep their parent alive, and a
 * cache entry outliving a multi-megabyte body would pin it in memory.
 */
function detachString(s: string): string {
  return (' ' + s).slice(1);
}

export class ScrapeCache {
  private readonly series = new Map<string, CacheEntry>();
  private readonly dropped = new Map<string, number>();
  /** Entries added in the running scrape, forgotten again if it fails. */
  private readonly added: string[] = [];
  private metadataByFamily = new Map<string, MetricMetadata>();
  iter = 0;

  startIteration(): void {
    this.iter++;
    this.added.length = 0;
  }

  get(key: string): CacheEntry | undefined {
    return this.series.get(key);
  }

  isDropped(key: string): boolean {
    const it = this.dropped.get(key);
    if (it === undefined) return false;
    this.dropped.set(key, this.iter);
    return true;
  }

  addDropped(key: string): void {
    this.dropped.set(detachString(key), this.iter);
  }

  add(key: string, ref: SeriesRef, labels: Labels, trackStaleness: boolean): CacheEntry {
    const k = detachString(key);
    const e: CacheEntry = { ref, labels, lastIter: this.iter, trackStaleness };
    this.series.set(k, e);
    this.added.push(k);
    return e;
  }

  /** Series the previous successful scrape produced but this one did not: they get stale markers. */
  *vanished(): IterableIterator<CacheEntry> {
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
    for (const [k, e] of this.series) if (e.lastIter !== this.iter) this.series.delete(k);
    for (const [k, it] of this.dropped) if (it !== this.iter) this.dropped.delete(k);
  }

  /**
   * After a failed scrape: forget its new series (their refs came from a rolled-back append) and
   * treat everything as gone, so the next scrape counts every series as new.
   */
  failIteration(): void {
    for (const k of this.added) this.series.delete(k);
    this.added.length = 0;
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
