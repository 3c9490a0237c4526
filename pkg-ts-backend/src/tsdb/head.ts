// The head: recent data in memory. Series are found by their exact label set (a string key, so
// two different label sets can never share a series), indexed by an inverted index, and hold
// their samples in XOR chunks. Usable on its own (no disk) or under a TSDB that logs commits.
import { Label, Labels } from '../model/labels';
import type { Matcher } from '../model/matcher';
import type { Appendable, Appender, Querier, Queryable } from '../storage/interface';
import { HeadAppender } from './head/appender';
import { MemSeries } from './head/memSeries';
import { RefTable } from './head/refTable';
import { SeriesColumns } from './head/seriesColumns';
import { hashLabels, SeriesMap } from './head/seriesMap';
import { postingsForMatchers } from './index/matchers';
import { MemPostings } from './index/postings';
import { ChunkRef, ChunkSeriesSource, SourceQuerier } from './querier';
import { Interval, Intervals, TombstoneSet } from './tombstones';

export const DEFAULT_CHUNK_SIZE = 120;

export interface HeadOptions {
  /** Samples per chunk before a new one is cut (default 120). */
  chunkSize?: number;
  /**
   * Block length in ms. When set, chunks never span a multiple of it and appends older than
   * half of it behind the newest sample are out of bounds, as in Prometheus. Unset: no limits.
   */
  chunkRangeMs?: number;
}

/** Receives every commit before it becomes visible (the WAL); the promise settles once durable. */
export interface HeadLog {
  logCommit(
    newSeries: readonly MemSeries[],
    series: readonly MemSeries[],
    ts: Float64Array,
    vs: Float64Array,
    n: number
  ): Promise<void> | undefined;
  logTombstones(entries: readonly { ref: number; interval: Interval }[]): Promise<void> | undefined;
}

export class Head implements Appendable, Queryable, ChunkSeriesSource {
  readonly index = new MemPostings();
  readonly chunkSize: number;
  readonly chunkRangeMs: number;
  private readonly byLabels = new SeriesMap<MemSeries>();
  private readonly byRef = new RefTable<MemSeries>();
  private readonly columns = new SeriesColumns();
  /** Interned label pairs by name and value: series share the pair objects, not just the strings. */
  private readonly pairs = new Map<string, Map<string, Label>>();
  private readonly tombstones = new TombstoneSet();
  private nextRef = 1;
  private nextAppenderId = 1;
  private minTime = Infinity;
  private maxTime = -Infinity;
  /** Samples before this are out of bounds (they belong to persisted blocks). */
  private minValidTime = -Infinity;
  log: HeadLog | undefined;

  constructor(opts: HeadOptions = {}) {
    this.chunkSize = Math.max(1, Math.min(opts.chunkSize ?? DEFAULT_CHUNK_SIZE, 0xffff));
    this.chunkRangeMs = opts.chunkRangeMs ?? 0;
  }

  appender(): Appender {
    return new HeadAppender(this, this.nextAppenderId++);
  }

  querier(mint: number, maxt: number): Querier {
    return new SourceQuerier(this, mint, maxt);
  }

  numSeries(): number {
    return this.byRef.size;
  }

  /** Smallest and largest sample timestamps in the head (Infinity/-Infinity when empty). */
  minT(): number {
    return this.minTime;
  }

  maxT(): number {
    return this.maxTime;
  }

  /** The oldest timestamp an append may carry now. */
  appendableMinTime(): number {
    if (this.chunkRangeMs > 0 && this.maxTime > -Infinity)
      return Math.max(this.minValidTime, this.maxTime - this.chunkRangeMs / 2);
    return this.minValidTime;
  }

  setMinValidTime(t: number): void {
    if (t > this.minValidTime) this.minValidTime = t;
  }

  /** The head's shared object for a label pair. */
  internPair(name: string, value: string): Label {
    let byValue = this.pairs.get(name);
    if (byValue === undefined) {
      byValue = new Map();
      this.pairs.set(name, byValue);
    }
    let pair = byValue.get(value);
    if (pair === undefined) {
      pair = Object.freeze({ name, value });
      byValue.set(value, pair);
    }
    return pair;
  }

  /** Forgets interned pairs no series holds any more (call after removing series from the index). */
  private releasePairs(labels: Labels): void {
    for (const l of labels) {
      if (this.index.hasPair(l.name, l.value)) continue;
      const byValue = this.pairs.get(l.name);
      if (byValue === undefined) continue;
      byValue.delete(l.value);
      if (byValue.size === 0) this.pairs.delete(l.name);
    }
  }

  private internLabels(labels: Labels): Labels {
    const out: Label[] = new Array(labels.length);
    for (let i = 0; i < labels.length; i++) out[i] = this.internPair(labels[i].name, labels[i].value);
    return Object.freeze(out);
  }

  getByRef(ref: number): MemSeries | undefined {
    return this.byRef.get(ref);
  }

  /** The series with these labels, created when missing. */
  getOrCreate(labels: Labels): MemSeries {
    const hash = hashLabels(labels);
    const found = this.byLabels.get(labels, hash);
    if (found) return found;
    return this.insert(this.nextRef++, hash, this.internLabels(labels));
  }

  /**
   * Recreates a series under a known reference (WAL replay). `pairsInterned` says every label
   * object came from internPair (the array is then kept as the series' own).
   */
  getOrCreateWithRef(ref: number, labels: Labels, pairsInterned = false): MemSeries {
    const hash = hashLabels(labels);
    const found = this.byLabels.get(labels, hash);
    if (found) return found;
    const own = pairsInterned ? Object.freeze(labels) : this.internLabels(labels);
    if (ref >= this.nextRef) this.nextRef = ref + 1;
    else if (this.byRef.has(ref)) return this.insert(this.nextRef++, hash, own);
    return this.insert(ref, hash, own);
  }

  private insert(ref: number, hash: number, labels: Labels): MemSeries {
    const s = new MemSeries(ref, labels, this.columns, this.columns.allocSlot());
    this.byLabels.add(s, hash);
    this.byRef.set(ref, s);
    this.index.add(ref, s.labels);
    return s;
  }

  /** Appends a committed sample; returns false when it is not newer than the series' last one. */
  appendSample(s: MemSeries, t: number, v: number): boolean {
    if (t <= s.lastT) return false;
    s.append(t, v, this.chunkSize, this.chunkRangeMs);
    if (t < this.minTime) this.minTime = t;
    if (t > this.maxTime) this.maxTime = t;
    return true;
  }

  /** Adds a chunk restored from a checkpoint. */
  addRestoredChunk(s: MemSeries, bytes: Uint8Array, mint: number, maxt: number): void {
    if (maxt <= s.lastT) return;
    s.addClosedChunk(bytes, mint, maxt);
    if (mint < this.minTime) this.minTime = mint;
    if (maxt > this.maxTime) this.maxTime = maxt;
  }

  // ChunkSeriesSource

  labelsOf(ref: number): Labels | undefined {
    return this.byRef.get(ref)?.labels;
  }

  chunksOf(ref: number, mint: number, maxt: number): ChunkRef[] {
    return this.byRef.get(ref)?.chunksIn(mint, maxt) ?? [];
  }

  overlaps(ref: number, mint: number, maxt: number): boolean {
    const s = this.byRef.get(ref);
    return s !== undefined && s.numChunks() > 0 && s.firstT() <= maxt && s.lastT >= mint;
  }

  deletedOf(ref: number): Intervals | undefined {
    return this.tombstones.get(ref);
  }

  /** Marks [mint, maxt] deleted for every matching series; the promise settles once logged durably. */
  deleteSeries(matchers: readonly Matcher[], mint: number, maxt: number): Promise<void> | undefined {
    const refs = postingsForMatchers(this.index, matchers);
    const entries: { ref: number; interval: Interval }[] = [];
    for (let i = 0; i < refs.length; i++) {
      if (!this.overlaps(refs[i], mint, maxt)) continue;
      entries.push({ ref: refs[i], interval: { mint, maxt } });
    }
    if (entries.length === 0) return undefined;
    const durable = this.log?.logTombstones(entries);
    for (const e of entries) this.tombstones.add(e.ref, e.interval);
    return durable;
  }

  /** Restores a tombstone (WAL replay). */
  addTombstone(ref: number, iv: Interval): void {
    if (this.byRef.has(ref)) this.tombstones.add(ref, iv);
  }

  tombstoneEntries(): IterableIterator<[number, Intervals]> {
    return this.tombstones.entries();
  }

  /** All series, in no particular order. */
  allSeries(): IterableIterator<MemSeries> {
    return this.byRef.values();
  }

  /**
   * Drops data older than `mint` (persisted in a block by then) and the series left empty.
   * Returns the number of series removed.
   */
  truncate(mint: number): number {
    this.setMinValidTime(mint);
    const dead = new Set<number>();
    let minTime = Infinity;
    for (const s of this.byRef.values()) {
      s.truncateBefore(mint);
      if (s.numChunks() === 0) {
        dead.add(s.ref);
        continue;
      }
      if (s.firstT() < minTime) minTime = s.firstT();
    }
    const removed: MemSeries[] = [];
    for (const ref of dead) {
      const s = this.byRef.get(ref)!;
      removed.push(s);
      s.release();
      this.byRef.delete(ref);
      this.byLabels.delete(s);
      this.tombstones.delete(ref);
    }
    this.index.remove(dead);
    for (const s of removed) this.releasePairs(s.labels);
    for (const [ref, ivs] of this.tombstones.entries()) {
      const kept = ivs.filter((iv) => iv.maxt >= mint);
      if (kept.length === 0) this.tombstones.delete(ref);
      else if (kept.length !== ivs.length) {
        this.tombstones.delete(ref);
        for (const iv of kept) this.tombstones.add(ref, iv);
      }
    }
    this.minTime = minTime;
    if (minTime === Infinity) this.maxTime = -Infinity;
    return dead.size;
  }

  /** Total chunks held (closed and open). */
  numChunks(): number {
    let n = 0;
    for (const s of this.byRef.values()) n += s.numChunks();
    return n;
  }
}
