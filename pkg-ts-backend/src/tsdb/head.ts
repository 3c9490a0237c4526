// The head: recent data in memory. Series are found by their exact label set (a string key, so
// two different label sets can never share a series), indexed by an inverted index, and hold
// their samples in XOR chunks. Usable on its own (no disk) or under a TSDB that logs commits.
import { Label, Labels } from '../model/labels';
import type { Matcher } from '../model/matcher';
import type { Appendable, Appender, Querier, Queryable } from '../storage/interface';
import { XorChunkIterator } from './chunkenc/xor';
import { HeadAppender } from './head/appender';
import { MemSeries } from './head/memSeries';
import { EncodedSamplesChunk, mergeOutOfOrder, OutOfOrderSamples } from './head/outOfOrder';
import { RefTable } from './head/refTable';
import { SeriesColumns } from './head/seriesColumns';
import { hashLabels, SeriesMap } from './head/seriesMap';
import { postingsForMatchers } from './index/matchers';
import { MemPostings } from './index/postings';
import { ChunkRef, ChunkSeriesSource, SourceQuerier } from './querier';
import { Interval, Intervals, TombstoneSet } from './tombstones';

export const DEFAULT_CHUNK_SIZE = 120;

const scratchValue = new Float64Array(1);

export interface HeadOptions {
  /** Samples per chunk before a new one is cut (default 120). */
  chunkSize?: number;
  /**
   * Block length in ms. When set, chunks never span a multiple of it and appends older than
   * half of it behind the newest sample are out of bounds, as in Prometheus. Unset: no limits.
   */
  chunkRangeMs?: number;
  /**
   * How far behind the head's newest sample a sample older than its series' newest may be and
   * still be accepted (out-of-order ingestion), in ms; 0 (default) rejects them.
   */
  outOfOrderTimeWindowMs?: number;
}

export { ERR_TOO_OLD_SAMPLE } from './head/outOfOrder';

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
  private outOfOrderWindowMs: number;
  /** Out-of-order samples by series reference; most series never have any. */
  private readonly outOfOrder = new Map<number, OutOfOrderSamples>();
  /** Out-of-order samples applied so far (commits and replay). */
  outOfOrderAppended = 0;
  log: HeadLog | undefined;

  constructor(opts: HeadOptions = {}) {
    this.chunkSize = Math.max(1, Math.min(opts.chunkSize ?? DEFAULT_CHUNK_SIZE, 0xffff));
    this.chunkRangeMs = opts.chunkRangeMs ?? 0;
    this.outOfOrderWindowMs = Math.max(0, opts.outOfOrderTimeWindowMs ?? 0);
  }

  get outOfOrderTimeWindowMs(): number {
    return this.outOfOrderWindowMs;
  }

  /** Changes the out-of-order window (a configuration reload); samples already held stay. */
  setOutOfOrderTimeWindow(ms: number): void {
    this.outOfOrderWindowMs = Math.max(0, ms);
  }

  /**
   * The oldest timestamp an out-of-order sample may carry now: within the window behind the
   * head's newest sample, and never in a range already persisted in a block.
   */
  outOfOrderMinTime(): number {
    return Math.max(this.minValidTime, this.maxTime - this.outOfOrderWindowMs);
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

  /**
   * Applies a committed sample. One not newer than the series' last goes among its out-of-order
   * samples while the window is open and its range not persisted; returns false when the sample
   * was dropped (out of order, or a timestamp the series already holds).
   */
  appendSample(s: MemSeries, t: number, v: number): boolean {
    if (t <= s.lastT) return this.outOfOrderWindowMs > 0 && this.insertOutOfOrder(s, t, v);
    s.append(t, v, this.chunkSize, this.chunkRangeMs);
    if (t < this.minTime) this.minTime = t;
    if (t > this.maxTime) this.maxTime = t;
    return true;
  }

  private insertOutOfOrder(s: MemSeries, t: number, v: number): boolean {
    if (t < this.minValidTime || this.valueAt(s, t, scratchValue)) return false;
    let ooo = this.outOfOrder.get(s.ref);
    if (ooo === undefined) {
      ooo = new OutOfOrderSamples();
      this.outOfOrder.set(s.ref, ooo);
    }
    ooo.insert(t, v);
    if (t < this.minTime) this.minTime = t;
    this.outOfOrderAppended++;
    return true;
  }

  /**
   * Whether the series holds a committed sample at t (in order or not); its value goes to
   * `out[0]` (a typed array keeps a NaN payload exact).
   */
  valueAt(s: MemSeries, t: number, out: Float64Array): boolean {
    if (t > s.lastT) return false;
    if (t === s.lastT) {
      out[0] = s.lastV;
      return true;
    }
    if (this.outOfOrder.get(s.ref)?.valueAt(t, out)) return true;
    for (const c of s.chunksIn(t, t)) {
      const it = c.iterator();
      while (it.next()) {
        if (it.t() < t) continue;
        if (it.t() > t) break;
        out[0] = it.v();
        return true;
      }
    }
    return false;
  }

  /** The series' oldest sample time, out-of-order samples included (Infinity when empty). */
  seriesFirstT(s: MemSeries): number {
    const first = s.firstT();
    if (this.outOfOrder.size === 0) return first;
    const ooo = this.outOfOrder.get(s.ref);
    return ooo === undefined ? first : Math.min(first, ooo.minT());
  }

  /** Out-of-order samples held for the series. */
  outOfOrderCount(s: MemSeries): number {
    return this.outOfOrder.get(s.ref)?.size ?? 0;
  }

  /**
   * The series' data in [mint, maxt] as standalone encoded chunks (for blocks and checkpoints),
   * out-of-order samples merged in by time.
   */
  encodedChunksOf(s: MemSeries, mint: number, maxt: number): EncodedSamplesChunk[] {
    const chunks = s.encodedChunksIn(mint, maxt);
    const ooo = this.outOfOrder.size > 0 ? this.outOfOrder.get(s.ref) : undefined;
    if (ooo === undefined || !ooo.overlaps(mint, maxt)) return chunks;
    return mergeOutOfOrder(chunks, ooo.samplesIn(mint, maxt), mint, maxt, this.chunkSize, this.chunkRangeMs);
  }

  /** Drops the series' data before `mint`, out-of-order samples included. */
  truncateSeries(s: MemSeries, mint: number): void {
    s.truncateBefore(mint);
    if (this.outOfOrder.size === 0) return;
    const ooo = this.outOfOrder.get(s.ref);
    if (ooo === undefined) return;
    ooo.truncateBefore(mint);
    if (ooo.size === 0) this.outOfOrder.delete(s.ref);
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
    const s = this.byRef.get(ref);
    if (s === undefined) return [];
    const ooo = this.outOfOrder.size > 0 ? this.outOfOrder.get(ref) : undefined;
    if (ooo === undefined || !ooo.overlaps(mint, maxt)) return s.chunksIn(mint, maxt);
    // A snapshot merged once per query: out-of-order samples are rare and few.
    return mergeOutOfOrder(
      s.encodedChunksIn(mint, maxt),
      ooo.samplesIn(mint, maxt),
      mint,
      maxt,
      this.chunkSize,
      this.chunkRangeMs
    ).map((c) => ({ mint: c.mint, maxt: c.maxt, iterator: () => new XorChunkIterator(c.bytes) }));
  }

  overlaps(ref: number, mint: number, maxt: number): boolean {
    const s = this.byRef.get(ref);
    return s !== undefined && s.numChunks() > 0 && this.seriesFirstT(s) <= maxt && s.lastT >= mint;
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
      this.truncateSeries(s, mint);
      // Out-of-order samples are older than the series' last sample, so they never outlive its chunks.
      if (s.numChunks() === 0) {
        dead.add(s.ref);
        continue;
      }
      const first = this.seriesFirstT(s);
      if (first < minTime) minTime = first;
    }
    const removed: MemSeries[] = [];
    for (const ref of dead) {
      const s = this.byRef.get(ref)!;
      removed.push(s);
      s.release();
      this.byRef.delete(ref);
      this.byLabels.delete(s);
      this.tombstones.delete(ref);
      this.outOfOrder.delete(ref);
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
