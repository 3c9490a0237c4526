// Queriers over chunked series: one generic querier for any source with an inverted index and
// per-series chunk lists (the head, a block), and a merging querier that joins several sources
// whose time ranges do not overlap (blocks, then the head). Samples are decoded lazily, one
// chunk at a time, when the caller iterates.
import { compareLabels, Labels } from '../model/labels';
import type { Matcher } from '../model/matcher';
import type { Querier, SampleIterator, SelectHints, Series } from '../storage/interface';
import type { XorChunkIterator } from './chunkenc/xor';
import { postingsForMatchers } from './index/matchers';
import type { PostingsIndex } from './index/postings';
import { Intervals, isDeleted } from './tombstones';

/** One encoded chunk of a series with its time range; decoding starts when iterator() is called. */
export interface ChunkRef {
  readonly mint: number;
  readonly maxt: number;
  iterator(): XorChunkIterator;
}

/** What a querier needs from a head or a block. */
export interface ChunkSeriesSource {
  readonly index: PostingsIndex;
  labelsOf(ref: number): Labels | undefined;
  /** Chunks overlapping [mint, maxt], oldest first. */
  chunksOf(ref: number, mint: number, maxt: number): ChunkRef[];
  /** Cheap check whether the series may have samples in [mint, maxt]. */
  overlaps(ref: number, mint: number, maxt: number): boolean;
  deletedOf(ref: number): Intervals | undefined;
}

const EMPTY_ITERATOR: SampleIterator = {
  next: () => false,
  seek: () => false,
  t: () => NaN,
  v: () => NaN,
};

/** Iterates a series' chunks within [mint, maxt], skipping deleted samples. */
export class ChunkSeriesIterator implements SampleIterator {
  private idx = -1;
  private cur: XorChunkIterator | null = null;
  private positioned = false;

  constructor(
    private readonly chunks: readonly ChunkRef[],
    private readonly mint: number,
    private readonly maxt: number,
    private readonly deleted: Intervals | undefined
  ) {}

  private advanceChunk(): boolean {
    for (;;) {
      this.idx++;
      if (this.idx >= this.chunks.length) {
        this.cur = null;
        return false;
      }
      const c = this.chunks[this.idx];
      if (c.maxt < this.mint) continue;
      if (c.mint > this.maxt) {
        this.idx = this.chunks.length;
        this.cur = null;
        return false;
      }
      this.cur = c.iterator();
      return true;
    }
  }

  next(): boolean {
    this.positioned = this.step();
    return this.positioned;
  }

  private step(): boolean {
    for (;;) {
      if (this.cur === null && !this.advanceChunk()) return false;
      const it = this.cur!;
      if (!it.next()) {
        this.cur = null;
        continue;
      }
      const t = it.t();
      if (t < this.mint) continue;
      if (t > this.maxt) {
        this.idx = this.chunks.length;
        this.cur = null;
        return false;
      }
      if (this.deleted && isDeleted(this.deleted, t)) continue;
      return true;
    }
  }

  seek(t: number): boolean {
    if (this.positioned && this.cur !== null && this.cur.t() >= t) return true;
    // Skip whole chunks that end before t without decoding them.
    while (this.idx + 1 < this.chunks.length && this.chunks[this.idx + 1].maxt < t) {
      this.idx++;
      this.cur = null;
    }
    if (this.cur !== null && this.chunks[this.idx].maxt < t) this.cur = null;
    while (this.next()) if (this.cur!.t() >= t) return true;
    return false;
  }

  t(): number {
    return this.cur!.t();
  }

  v(): number {
    return this.cur!.v();
  }
}

class ChunkSeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly chunks: readonly ChunkRef[],
    private readonly mint: number,
    private readonly maxt: number,
    private readonly deleted: Intervals | undefined
  ) {}

  iterator(): SampleIterator {
    return new ChunkSeriesIterator(this.chunks, this.mint, this.maxt, this.deleted);
  }
}

function sortedStrings(set: Set<string>, limit?: number): string[] {
  const out = [...set].sort();
  return limit && limit > 0 && out.length > limit ? out.slice(0, limit) : out;
}

/** A querier over one head or block. */
export class SourceQuerier implements Querier {
  constructor(
    private readonly source: ChunkSeriesSource,
    private readonly mint: number,
    private readonly maxt: number,
    private readonly onClose?: () => void
  ) {}

  select(sorted: boolean, hints: SelectHints | undefined, matchers: readonly Matcher[]): Series[] {
    const src = this.source;
    const refs = postingsForMatchers(src.index, matchers);
    const out: Series[] = [];
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i];
      const labels = src.labelsOf(ref);
      if (!labels) continue;
      if (hints?.labelsOnly) {
        if (src.overlaps(ref, this.mint, this.maxt))
          out.push(new ChunkSeries(labels, [], this.mint, this.maxt, undefined));
        continue;
      }
      const chunks = src.chunksOf(ref, this.mint, this.maxt);
      if (chunks.length === 0) continue;
      out.push(new ChunkSeries(labels, chunks, this.mint, this.maxt, src.deletedOf(ref)));
    }
    if (sorted) out.sort((a, b) => compareLabels(a.labels, b.labels));
    return out;
  }

  private anyOverlaps(refs: Uint32Array): boolean {
    for (let i = 0; i < refs.length; i++) if (this.source.overlaps(refs[i], this.mint, this.maxt)) return true;
    return false;
  }

  labelValues(name: string, matchers?: readonly Matcher[], limit?: number): string[] {
    const values = new Set<string>();
    if (!matchers || matchers.length === 0) {
      for (const v of this.source.index.valuesOf(name)) {
        if (this.anyOverlaps(this.source.index.postings(name, v))) values.add(v);
      }
    } else {
      for (const s of this.select(false, { labelsOnly: true }, matchers)) {
        for (const l of s.labels) if (l.name === name) values.add(l.value);
      }
    }
    return sortedStrings(values, limit);
  }

  labelNames(matchers?: readonly Matcher[], limit?: number): string[] {
    const names = new Set<string>();
    const index = this.source.index;
    if (!matchers || matchers.length === 0) {
      for (const n of index.names()) {
        for (const v of index.valuesOf(n)) {
          if (this.anyOverlaps(index.postings(n, v))) {
            names.add(n);
            break;
          }
        }
      }
    } else {
      for (const s of this.select(false, { labelsOnly: true }, matchers)) for (const l of s.labels) names.add(l.name);
    }
    return sortedStrings(names, limit);
  }

  close(): void {
    this.onClose?.();
  }
}

/** Chains the iterators of one series from sources ordered by time; never goes backwards. */
class ChainIterator implements SampleIterator {
  private i = 0;
  private cur: SampleIterator;
  private lastT = -Infinity;

  constructor(private readonly parts: readonly SampleIterator[]) {
    this.cur = parts.length > 0 ? parts[0] : EMPTY_ITERATOR;
  }

  private exhausted = false;

  next(): boolean {
    if (this.exhausted) return false;
    for (;;) {
      if (this.cur.next()) {
        if (this.cur.t() <= this.lastT) continue;
        this.lastT = this.cur.t();
        return true;
      }
      if (++this.i >= this.parts.length) {
        this.exhausted = true;
        return false;
      }
      this.cur = this.parts[this.i];
    }
  }

  seek(t: number): boolean {
    if (this.exhausted) return false;
    if (this.lastT >= t && this.lastT !== -Infinity) return true;
    for (;;) {
      if (this.cur.seek(t)) {
        if (this.cur.t() > this.lastT) {
          this.lastT = this.cur.t();
          return true;
        }
        return this.next();
      }
      if (++this.i >= this.parts.length) {
        this.exhausted = true;
        return false;
      }
      this.cur = this.parts[this.i];
    }
  }

  t(): number {
    return this.cur.t();
  }

  v(): number {
    return this.cur.v();
  }
}

class ChainSeries implements Series {
  constructor(
    readonly labels: Labels,
    private readonly parts: readonly Series[]
  ) {}

  iterator(): SampleIterator {
    return new ChainIterator(this.parts.map((p) => p.iterator()));
  }
}

/** Merges queriers over sources ordered by time (oldest first) into one view. */
export class MergeQuerier implements Querier {
  constructor(
    private readonly queriers: readonly Querier[],
    private readonly onClose?: () => void
  ) {}

  select(sorted: boolean, hints: SelectHints | undefined, matchers: readonly Matcher[]): Series[] {
    if (this.queriers.length === 1) return this.queriers[0].select(sorted, hints, matchers);
    const lists = this.queriers.map((q) => q.select(true, hints, matchers));
    // k-way merge by label set; a series found in several sources becomes one chain.
    const pos = lists.map(() => 0);
    const out: Series[] = [];
    for (;;) {
      let min: Labels | undefined;
      for (let i = 0; i < lists.length; i++) {
        if (pos[i] >= lists[i].length) continue;
        const l = lists[i][pos[i]].labels;
        if (min === undefined || compareLabels(l, min) < 0) min = l;
      }
      if (min === undefined) break;
      const parts: Series[] = [];
      for (let i = 0; i < lists.length; i++) {
        if (pos[i] < lists[i].length && compareLabels(lists[i][pos[i]].labels, min) === 0)
          parts.push(lists[i][pos[i]++]);
      }
      out.push(parts.length === 1 ? parts[0] : new ChainSeries(min, parts));
    }
    return out;
  }

  labelValues(name: string, matchers?: readonly Matcher[], limit?: number): string[] {
    const set = new Set<string>();
    for (const q of this.queriers) for (const v of q.labelValues(name, matchers)) set.add(v);
    return sortedStrings(set, limit);
  }

  labelNames(matchers?: readonly Matcher[], limit?: number): string[] {
    const set = new Set<string>();
    for (const q of this.queriers) for (const v of q.labelNames(matchers)) set.add(v);
    return sortedStrings(set, limit);
  }

  close(): void {
    for (const q of this.queriers) q.close();
    this.onClose?.();
  }
}
