// Stages samples for the head and applies them on commit, after they are logged. Validation
// happens at append time against the committed data and this appender's own staged samples;
// a conflicting commit from another appender in between is resolved at apply time (the later
// sample is dropped, as Prometheus does). Samples older than their series' newest are staged
// like the others when the head's out-of-order window admits them; the head sorts them out on
// apply.
import type { Labels } from '../../model/labels';
import { isStaleNaN } from '../../model/value';
import {
  Appender,
  ERR_DUPLICATE_SAMPLE_FOR_TIMESTAMP,
  ERR_OUT_OF_BOUNDS,
  ERR_OUT_OF_ORDER_SAMPLE,
  SeriesRef,
  StorageError,
} from '../../storage/interface';
import type { Head } from '../head';
import type { MemSeries } from './memSeries';
import { ERR_TOO_OLD_SAMPLE } from './outOfOrder';

const cmpF64 = new Float64Array(2);
const cmpU32 = new Uint32Array(cmpF64.buffer);
const committedValue = new Float64Array(1);

/**
 * Bit-equal, or both stale markers: a marker that went through arithmetic-free copies may
 * still come back quieted, which the chunks store as the exact marker anyway.
 */
function sameValue(a: number, b: number): boolean {
  return sameBits(a, b) || (isStaleNaN(a) && isStaleNaN(b));
}

function sameBits(a: number, b: number): boolean {
  cmpF64[0] = a;
  cmpF64[1] = b;
  return cmpU32[0] === cmpU32[2] && cmpU32[1] === cmpU32[3];
}

/** The staged samples of one appender: column buffers reused by later appenders once committed. */
interface Staging {
  series: (MemSeries | undefined)[];
  ts: Float64Array;
  vs: Float64Array;
}

// A few idle buffers are enough: they are taken by appenders that are staging at the same time.
const IDLE_STAGING_MAX = 4;
const idleStaging: Staging[] = [];

function takeStaging(): Staging {
  return idleStaging.pop() ?? { series: [], ts: new Float64Array(64), vs: new Float64Array(64) };
}

/** Returns buffers for reuse; the series slots are cleared so they keep no series alive. */
function releaseStaging(st: Staging, n: number): void {
  st.series.fill(undefined, 0, n);
  if (idleStaging.length < IDLE_STAGING_MAX) idleStaging.push(st);
}

export class HeadAppender implements Appender {
  private staging: Staging | undefined;
  private n = 0;
  /**
   * Staged samples by series reference and time (their staging index), built at the first
   * out-of-order sample: only those need checking against everything staged.
   */
  private stagedAt: Map<number, Map<number, number>> | undefined;

  constructor(
    private readonly head: Head,
    private readonly id: number
  ) {}

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    const head = this.head;
    let s = ref ? head.getByRef(ref) : undefined;
    if (s === undefined || s.removed) s = head.getOrCreate(labels);
    const minT = head.appendableMinTime();
    const staged = s.stagedBy === this.id;
    const lastT = staged ? s.stagedT : s.lastT;
    if (t <= lastT || t < minT) {
      if (t !== lastT || t < minT) return this.appendOutOfOrder(s, t, v, minT);
      if (sameBits(v, staged ? s.stagedV : s.lastV)) return s.ref;
      throw new StorageError(ERR_DUPLICATE_SAMPLE_FOR_TIMESTAMP);
    }
    this.stage(s, t, v);
    s.stagedBy = this.id;
    s.stagedT = t;
    s.stagedV = v;
    return s.ref;
  }

  private stage(s: MemSeries, t: number, v: number): void {
    const st = (this.staging ??= takeStaging());
    const n = this.n;
    if (n === st.ts.length) grow(st);
    st.series[n] = s;
    st.ts[n] = t;
    st.vs[n] = v;
    this.n = n + 1;
    if (this.stagedAt !== undefined) indexStaged(this.stagedAt, s.ref, t, n);
  }

  /** A sample not newer than its series' newest (or older than in-order appends allow). */
  private appendOutOfOrder(s: MemSeries, t: number, v: number, minT: number): SeriesRef {
    const head = this.head;
    const window = head.outOfOrderTimeWindowMs;
    if (window <= 0) throw new StorageError(t < minT ? ERR_OUT_OF_BOUNDS : ERR_OUT_OF_ORDER_SAMPLE);
    if (t < head.maxT() - window) throw new StorageError(ERR_TOO_OLD_SAMPLE);
    // Within the window but in a range a block already holds.
    if (t < head.outOfOrderMinTime()) throw new StorageError(ERR_OUT_OF_BOUNDS);
    const at = this.stagedIndex().get(s.ref)?.get(t);
    if (at !== undefined) {
      if (sameValue(v, this.staging!.vs[at])) return s.ref;
      throw new StorageError(ERR_DUPLICATE_SAMPLE_FOR_TIMESTAMP);
    }
    if (head.valueAt(s, t, committedValue)) {
      if (sameValue(v, committedValue[0])) return s.ref;
      throw new StorageError(ERR_DUPLICATE_SAMPLE_FOR_TIMESTAMP);
    }
    this.stage(s, t, v);
    return s.ref;
  }

  private stagedIndex(): Map<number, Map<number, number>> {
    if (this.stagedAt !== undefined) return this.stagedAt;
    const index = new Map<number, Map<number, number>>();
    const st = this.staging;
    for (let i = 0; st !== undefined && i < this.n; i++) indexStaged(index, st.series[i]!.ref, st.ts[i], i);
    this.stagedAt = index;
    return index;
  }

  async commit(): Promise<void> {
    const st = this.staging;
    const n = this.n;
    this.staging = undefined;
    this.n = 0;
    this.stagedAt = undefined;
    if (st === undefined) return;
    const head = this.head;
    const series = st.series as MemSeries[];
    const unlogged: MemSeries[] = [];
    for (let i = 0; i < n; i++) {
      let s = series[i];
      if (s.stagedBy === this.id) s.stagedBy = 0;
      // A series garbage-collected since append() comes back as a new series.
      if (s.removed) series[i] = s = head.getOrCreate(s.labels);
      if (!s.logged) {
        s.logged = true;
        unlogged.push(s);
      }
    }
    const { ts, vs } = st;
    let durable: Promise<void> | undefined;
    try {
      // The log encodes the columns before it returns, so they can be reused as soon as applied.
      durable = head.log?.logCommit(unlogged, series, ts, vs, n);
    } catch (err) {
      for (const s of unlogged) s.logged = false;
      releaseStaging(st, n);
      throw err;
    }
    for (let i = 0; i < n; i++) head.appendSample(series[i], ts[i], vs[i]);
    releaseStaging(st, n);
    if (durable) await durable;
  }

  rollback(): void {
    const st = this.staging;
    const n = this.n;
    this.staging = undefined;
    this.n = 0;
    this.stagedAt = undefined;
    if (st === undefined) return;
    for (let i = 0; i < n; i++) {
      const s = st.series[i] as MemSeries;
      if (s.stagedBy === this.id) s.stagedBy = 0;
    }
    releaseStaging(st, n);
  }
}

function indexStaged(index: Map<number, Map<number, number>>, ref: number, t: number, at: number): void {
  let byTime = index.get(ref);
  if (byTime === undefined) {
    byTime = new Map();
    index.set(ref, byTime);
  }
  byTime.set(t, at);
}

function grow(st: Staging): void {
  const ts = new Float64Array(st.ts.length * 2);
  const vs = new Float64Array(st.vs.length * 2);
  ts.set(st.ts);
  vs.set(st.vs);
  st.ts = ts;
  st.vs = vs;
}
