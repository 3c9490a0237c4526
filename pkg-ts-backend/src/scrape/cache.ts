// Per-target memory between scrapes: the final label set and storage ref of each series keyed by
// its text as exposed (so a repeated series costs no label parsing or relabeling), the series that
// metric relabeling drops, and which series the last successful scrape produced (for staleness).
// Targets expose their series in the same order every time, so the cache also remembers that order
// and predicts each next series: a correct prediction is confirmed by comparing text in place,
// without slicing a key out of the body or hashing it.
//
// Series live in numbered slots whose numbers (ref, last iteration, ...) are columns of typed
// arrays: the per-sample work of a steady scrape reads and writes those columns in exposition
// order instead of touching one heap object per series.
import type { Labels } from '../model/labels';
import type { SeriesRef } from '../storage/interface';
import type { MetricMetadata } from '../textparse';
import { LabelInterner, ownString, sharedLabelInterner } from './labelInterner';

/** A series' final labels and storage ref, for stale markers. */
export interface CachedSeries {
  readonly ref: SeriesRef;
  readonly labels: Labels;
}

/** lastIter of a slot that holds no series. */
const FREE = -0x80000000;
const NO_LABELS: Labels = [];

function grownInt32(a: Int32Array<ArrayBuffer>, need: number): Int32Array<ArrayBuffer> {
  if (need <= a.length) return a;
  const b = new Int32Array(Math.max(need, a.length * 2));
  b.set(a);
  return b;
}

export class ScrapeCache {
  private readonly slotByKey = new Map<string, number>();
  private readonly dropped = new Map<string, number>();
  // Columns by slot.
  private keys: string[] = [];
  private labelSets: Labels[] = [];
  private refs = new Float64Array(64);
  /** Scrape iteration that last produced the slot's series; FREE for an unused slot. */
  private lastIters = new Int32Array(64).fill(FREE);
  /** Whether the series takes part in staleness (not for samples with explicit timestamps). */
  private tracks = new Uint8Array(64);
  /** Index of the slot in `lastOrder`; -1 when it is not there. */
  private positions = new Int32Array(64);
  private readonly freeSlots: number[] = [];
  private slotsUsed = 0;
  /** Slots added in the running scrape, forgotten again if it fails. */
  private readonly added: number[] = [];
  private metadataByFamily = new Map<string, MetricMetadata>();
  /** Slots in the order the running scrape produced them. */
  private order = new Int32Array(64);
  private orderLength = 0;
  /** The same for the last successful scrape: every slot in it holds a series. */
  private lastOrder = new Int32Array(64);
  private lastOrderLength = 0;
  private lastFormat = '';
  private bodyFormat = '';
  /** Index in `lastOrder` of the predicted next series; -1 while not predicting. */
  private cursor = -1;
  /** Distinct series and dropped series the running scrape saw: when all were, nothing vanished. */
  private producedCount = 0;
  private droppedSeenCount = 0;
  iter = 0;

  /** Label sets are kept through `interner`, so series of all targets share their label pairs. */
  constructor(private readonly interner: LabelInterner = sharedLabelInterner) {}

  startIteration(): void {
    this.iter++;
    this.added.length = 0;
    this.orderLength = 0;
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

  /** The slot of the series expected next in the body, or -1. */
  predicted(): number {
    const c = this.cursor;
    return c < 0 || c >= this.lastOrderLength ? -1 : this.lastOrder[c];
  }

  /** The body had the predicted series: predict the one after it. */
  confirmPrediction(): void {
    this.cursor++;
  }

  /** Looks a series up by its text (-1 when unknown), resuming predictions after it when the last scrape had it. */
  lookup(key: string): number {
    const slot = this.slotByKey.get(key);
    if (slot === undefined) return -1;
    const pos = this.positions[slot];
    if (this.cursor >= 0 && pos >= 0 && this.lastOrder[pos] === slot) this.cursor = pos + 1;
    return slot;
  }

  keyOf(slot: number): string {
    return this.keys[slot];
  }

  labelsOf(slot: number): Labels {
    return this.labelSets[slot];
  }

  refOf(slot: number): SeriesRef {
    return this.refs[slot];
  }

  /** Whether the running scrape already produced this slot's series. */
  producedNow(slot: number): boolean {
    return this.lastIters[slot] === this.iter;
  }

  /** The running scrape appended a sample of this slot's series, which storage knows as `ref`. */
  produced(slot: number, ref: SeriesRef, trackStaleness: boolean): void {
    if (this.lastIters[slot] !== this.iter) this.producedCount++;
    this.lastIters[slot] = this.iter;
    this.refs[slot] = ref;
    this.tracks[slot] = trackStaleness ? 1 : 0;
    const n = this.orderLength;
    if (n === this.order.length) this.order = grownInt32(this.order, n + 1);
    this.order[n] = slot;
    this.orderLength = n + 1;
  }

  isDropped(key: string): boolean {
    const it = this.dropped.get(key);
    if (it === undefined) return false;
    if (it !== this.iter) this.droppedSeenCount++;
    this.dropped.set(key, this.iter);
    return true;
  }

  addDropped(key: string): void {
    this.dropped.set(ownString(key), this.iter);
    this.droppedSeenCount++;
  }

  /** Caches a new series that the running scrape just appended. */
  add(key: string, ref: SeriesRef, labels: Labels, trackStaleness: boolean): void {
    const k = ownString(key);
    const slot = this.freeSlots.pop() ?? this.newSlot();
    this.keys[slot] = k;
    this.labelSets[slot] = this.interner.intern(labels);
    this.lastIters[slot] = -1;
    this.positions[slot] = -1;
    this.slotByKey.set(k, slot);
    this.added.push(slot);
    this.produced(slot, ref, trackStaleness);
  }

  private newSlot(): number {
    const slot = this.slotsUsed++;
    if (slot === this.refs.length) {
      const size = slot * 2;
      const refs = new Float64Array(size);
      refs.set(this.refs);
      this.refs = refs;
      const lastIters = new Int32Array(size).fill(FREE);
      lastIters.set(this.lastIters);
      this.lastIters = lastIters;
      const tracks = new Uint8Array(size);
      tracks.set(this.tracks);
      this.tracks = tracks;
      this.positions = grownInt32(this.positions, size);
    }
    return slot;
  }

  private freeSlot(slot: number): void {
    this.slotByKey.delete(this.keys[slot]);
    this.keys[slot] = '';
    this.interner.release(this.labelSets[slot]);
    this.labelSets[slot] = NO_LABELS;
    this.lastIters[slot] = FREE;
    this.positions[slot] = -1;
    this.freeSlots.push(slot);
  }

  private series(slot: number): CachedSeries {
    return { ref: this.refs[slot], labels: this.labelSets[slot] };
  }

  /** Series the previous successful scrape produced but this one did not: they get stale markers. */
  *vanished(): IterableIterator<CachedSeries> {
    if (this.producedCount === this.slotByKey.size) return;
    const want = this.iter - 1;
    for (let s = 0; s < this.slotsUsed; s++) if (this.lastIters[s] === want && this.tracks[s]) yield this.series(s);
  }

  /** On a failed scrape: the series the previous successful scrape produced (new ones of this scrape excluded). */
  *vanishedAfterFailure(): IterableIterator<CachedSeries> {
    const added = new Set(this.added);
    const since = this.iter - 1;
    for (let s = 0; s < this.slotsUsed; s++)
      if (this.lastIters[s] >= since && this.tracks[s] && !added.has(s)) yield this.series(s);
  }

  /** Series produced by the last successful scrape (all of them go stale when the target goes). */
  *live(): IterableIterator<CachedSeries> {
    for (let s = 0; s < this.slotsUsed; s++)
      if (this.lastIters[s] === this.iter && this.tracks[s]) yield this.series(s);
  }

  /** After a successful scrape: forget what it did not produce, and predict its order next time. */
  commitIteration(): void {
    if (this.producedCount !== this.slotByKey.size)
      for (let s = 0; s < this.slotsUsed; s++) {
        const it = this.lastIters[s];
        if (it !== FREE && it !== this.iter) this.freeSlot(s);
      }
    if (this.droppedSeenCount !== this.dropped.size)
      for (const [k, it] of this.dropped) if (it !== this.iter) this.dropped.delete(k);
    const last = this.lastOrder;
    this.lastOrder = this.order;
    this.lastOrderLength = this.orderLength;
    this.order = last;
    this.orderLength = 0;
    // Every slot left was produced, so it appears in the new order (a repeated one at its last place).
    for (let i = 0; i < this.lastOrderLength; i++) this.positions[this.lastOrder[i]] = i;
    this.lastFormat = this.bodyFormat;
  }

  /**
   * After a failed scrape: forget its new series (their refs came from a rolled-back append) and
   * treat everything as gone, so the next scrape counts every series as new.
   */
  failIteration(): void {
    for (const s of this.added) this.freeSlot(s);
    this.added.length = 0;
    this.orderLength = 0;
    for (let s = 0; s < this.slotsUsed; s++) if (this.lastIters[s] !== FREE) this.lastIters[s] = -1;
  }

  /** Forgets every series (the target is gone for good), giving their label pairs back. */
  dispose(): void {
    for (let s = 0; s < this.slotsUsed; s++) if (this.lastIters[s] !== FREE) this.freeSlot(s);
    this.added.length = 0;
    this.orderLength = 0;
    this.lastOrderLength = 0;
  }

  /** Metadata (TYPE/HELP/UNIT) of the last successful scrape. */
  replaceMetadata(m: Map<string, MetricMetadata>): void {
    this.metadataByFamily = m;
  }

  metadata(): ReadonlyMap<string, MetricMetadata> {
    return this.metadataByFamily;
  }
}
