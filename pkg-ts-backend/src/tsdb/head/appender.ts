// Stages samples for the head and applies them on commit, after they are logged. Validation
// happens at append time against the committed data and this appender's own staged samples;
// a conflicting commit from another appender in between is resolved at apply time (the later
// sample is dropped, as Prometheus does).
import type { Labels } from '../../model/labels';
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

const cmpF64 = new Float64Array(2);
const cmpU32 = new Uint32Array(cmpF64.buffer);

function sameBits(a: number, b: number): boolean {
  cmpF64[0] = a;
  cmpF64[1] = b;
  return cmpU32[0] === cmpU32[2] && cmpU32[1] === cmpU32[3];
}

export class HeadAppender implements Appender {
  private series: MemSeries[] = [];
  private ts = new Float64Array(64);
  private vs = new Float64Array(64);
  private n = 0;

  constructor(
    private readonly head: Head,
    private readonly id: number
  ) {}

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    const head = this.head;
    let s = ref ? head.getByRef(ref) : undefined;
    if (s === undefined || s.removed) s = head.getOrCreate(labels);
    if (t < head.appendableMinTime()) throw new StorageError(ERR_OUT_OF_BOUNDS);
    const staged = s.stagedBy === this.id;
    const lastT = staged ? s.stagedT : s.lastT;
    if (t <= lastT) {
      if (t < lastT) throw new StorageError(ERR_OUT_OF_ORDER_SAMPLE);
      if (sameBits(v, staged ? s.stagedV : s.lastV)) return s.ref;
      throw new StorageError(ERR_DUPLICATE_SAMPLE_FOR_TIMESTAMP);
    }
    if (this.n === this.ts.length) this.grow();
    this.series.push(s);
    this.ts[this.n] = t;
    this.vs[this.n] = v;
    this.n++;
    s.stagedBy = this.id;
    s.stagedT = t;
    s.stagedV = v;
    return s.ref;
  }

  private grow(): void {
    const ts = new Float64Array(this.ts.length * 2);
    const vs = new Float64Array(this.vs.length * 2);
    ts.set(this.ts);
    vs.set(this.vs);
    this.ts = ts;
    this.vs = vs;
  }

  async commit(): Promise<void> {
    const head = this.head;
    const n = this.n;
    const series = this.series;
    const { ts, vs } = this;
    this.reset();
    if (n === 0) return;
    for (let i = 0; i < n; i++) {
      // A series garbage-collected since append() comes back as a new series.
      if (series[i].removed) series[i] = head.getOrCreate(series[i].labels);
    }
    const unlogged: MemSeries[] = [];
    for (let i = 0; i < n; i++) {
      const s = series[i];
      if (!s.logged) {
        s.logged = true;
        unlogged.push(s);
      }
    }
    let durable: Promise<void> | undefined;
    try {
      durable = head.log?.logCommit(unlogged, series, ts, vs, n);
    } catch (err) {
      for (const s of unlogged) s.logged = false;
      throw err;
    }
    for (let i = 0; i < n; i++) head.appendSample(series[i], ts[i], vs[i]);
    if (durable) await durable;
  }

  rollback(): void {
    this.reset();
  }

  private reset(): void {
    for (const s of this.series) if (s.stagedBy === this.id) s.stagedBy = 0;
    this.series = [];
    this.ts = new Float64Array(64);
    this.vs = new Float64Array(64);
    this.n = 0;
  }
}
