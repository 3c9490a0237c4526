// Out-of-order samples of one head series: samples older than the series' newest, accepted
// within the out-of-order time window. They are few (a late scrape, a delayed remote write), so
// they live in a small sorted pair of typed arrays next to the in-order chunks instead of in
// chunks of their own; readers and block writers merge the two by time.
import { XorChunkEncoder, XorChunkIterator } from '../chunkenc/xor';

/** Prometheus's error for a sample older than the out-of-order window allows. */
export { ERR_TOO_OLD_SAMPLE } from '../../storage/interface';

export interface EncodedSamplesChunk {
  bytes: Uint8Array;
  mint: number;
  maxt: number;
}

export class OutOfOrderSamples {
  private ts = new Float64Array(4);
  // Typed, not number[]: the stale marker's NaN payload must survive.
  private vs = new Float64Array(4);
  private n = 0;

  get size(): number {
    return this.n;
  }

  minT(): number {
    return this.n > 0 ? this.ts[0] : Infinity;
  }

  maxT(): number {
    return this.n > 0 ? this.ts[this.n - 1] : -Infinity;
  }

  /** Index of the first sample at or after t. */
  private lowerBound(t: number): number {
    let lo = 0;
    let hi = this.n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ts[mid] < t) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Writes the value at t into `out[0]` and returns true when a sample at t is held. */
  valueAt(t: number, out: Float64Array): boolean {
    const i = this.lowerBound(t);
    if (i >= this.n || this.ts[i] !== t) return false;
    out[0] = this.vs[i];
    return true;
  }

  /** Inserts a sample; false when one at t is already held (the first one stays). */
  insert(t: number, v: number): boolean {
    const i = this.lowerBound(t);
    if (i < this.n && this.ts[i] === t) return false;
    if (this.n === this.ts.length) {
      const ts = new Float64Array(this.n * 2);
      const vs = new Float64Array(this.n * 2);
      ts.set(this.ts);
      vs.set(this.vs);
      this.ts = ts;
      this.vs = vs;
    }
    // Never shifted in place when readers may hold the arrays: they get copies (samplesIn).
    this.ts.copyWithin(i + 1, i, this.n);
    this.vs.copyWithin(i + 1, i, this.n);
    this.ts[i] = t;
    this.vs[i] = v;
    this.n++;
    return true;
  }

  /** True when a sample lies in [mint, maxt]. */
  overlaps(mint: number, maxt: number): boolean {
    const i = this.lowerBound(mint);
    return i < this.n && this.ts[i] <= maxt;
  }

  /** Copies of the samples in [mint, maxt], oldest first. */
  samplesIn(mint: number, maxt: number): { ts: Float64Array; vs: Float64Array } {
    const from = this.lowerBound(mint);
    let to = from;
    while (to < this.n && this.ts[to] <= maxt) to++;
    return { ts: this.ts.slice(from, to), vs: this.vs.slice(from, to) };
  }

  /** Drops samples before `mint`. */
  truncateBefore(mint: number): void {
    const drop = this.lowerBound(mint);
    if (drop === 0) return;
    this.ts = this.ts.slice(drop, Math.max(this.n, drop + 4));
    this.vs = this.vs.slice(drop, Math.max(this.n, drop + 4));
    this.n -= drop;
  }
}

/**
 * The samples of in-order `chunks` and of `ooo` that lie in [mint, maxt], merged by time and
 * re-encoded into chunks of at most `chunkSize` samples that, like the head's, never span a
 * multiple of `chunkRangeMs` (when > 0). At a timestamp held by both, the in-order sample wins
 * (the head never lets the two disagree; this only guards the merge).
 */
export function mergeOutOfOrder(
  chunks: readonly EncodedSamplesChunk[],
  ooo: { ts: Float64Array; vs: Float64Array },
  mint: number,
  maxt: number,
  chunkSize: number,
  chunkRangeMs: number
): EncodedSamplesChunk[] {
  const out: EncodedSamplesChunk[] = [];
  let enc: XorChunkEncoder | null = null;
  let encMint = 0;
  let encMaxt = 0;
  let rangeEnd = Infinity;
  const add = (t: number, v: number): void => {
    if (t >= rangeEnd) flush();
    if (enc === null) {
      if (chunkRangeMs > 0) rangeEnd = (Math.floor(t / chunkRangeMs) + 1) * chunkRangeMs;
      enc = new XorChunkEncoder(256);
      encMint = t;
    }
    enc.append(t, v);
    encMaxt = t;
    if (enc.numSamples() >= chunkSize) flush();
  };
  const flush = (): void => {
    if (enc !== null && enc.numSamples() > 0) out.push({ bytes: enc.bytes(), mint: encMint, maxt: encMaxt });
    enc = null;
  };
  const { ts, vs } = ooo;
  let j = 0;
  for (const c of chunks) {
    if (c.maxt < mint || c.mint > maxt) continue;
    const it = new XorChunkIterator(c.bytes);
    while (it.next()) {
      const t = it.t();
      if (t < mint || t > maxt) continue;
      while (j < ts.length && ts[j] < t) {
        if (ts[j] >= mint && ts[j] <= maxt) add(ts[j], vs[j]);
        j++;
      }
      if (j < ts.length && ts[j] === t) j++;
      add(t, it.v());
    }
  }
  for (; j < ts.length; j++) if (ts[j] >= mint && ts[j] <= maxt) add(ts[j], vs[j]);
  flush();
  return out;
}
