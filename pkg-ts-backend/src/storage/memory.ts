// A deliberately naive in-memory store: every series keeps its samples in growable
// Float64Arrays. It is the reference the TSDB is compared against and the storage of
// tests that do not need persistence, so it favours obvious correctness over speed.
import { compareLabels, Labels, labelsKey } from '../model/labels';
import type { Matcher } from '../model/matcher';
import {
  Appendable,
  Appender,
  ERR_DUPLICATE_SAMPLE_FOR_TIMESTAMP,
  ERR_OUT_OF_ORDER_SAMPLE,
  Querier,
  Queryable,
  SampleIterator,
  SelectHints,
  Series,
  SeriesRef,
  StorageError,
} from './interface';

class MemorySeries {
  ts = new Float64Array(16);
  vs = new Float64Array(16);
  length = 0;

  constructor(
    readonly ref: SeriesRef,
    readonly labels: Labels
  ) {}

  lastTime(): number {
    return this.length === 0 ? -Infinity : this.ts[this.length - 1];
  }

  push(t: number, v: number): void {
    if (this.length === this.ts.length) {
      const ts = new Float64Array(this.length * 2);
      const vs = new Float64Array(this.length * 2);
      ts.set(this.ts);
      vs.set(this.vs);
      this.ts = ts;
      this.vs = vs;
    }
    this.ts[this.length] = t;
    this.vs[this.length] = v;
    this.length++;
  }
}

class ArraySampleIterator implements SampleIterator {
  private i: number;

  constructor(
    private readonly ts: Float64Array,
    private readonly vs: Float64Array,
    private readonly from: number,
    private readonly to: number
  ) {
    this.i = from - 1;
  }

  next(): boolean {
    if (this.i < this.to) this.i++;
    return this.i < this.to;
  }

  seek(t: number): boolean {
    if (this.i < this.from) this.i = this.from;
    while (this.i < this.to && this.ts[this.i] < t) this.i++;
    return this.i < this.to;
  }

  t(): number {
    return this.ts[this.i];
  }

  v(): number {
    return this.vs[this.i];
  }
}

/** First index in ts[0..n) whose value is >= t. */
function lowerBound(ts: Float64Array, n: number, t: number): number {
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (ts[mid] < t) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

interface StagedSample {
  series: MemorySeries;
  t: number;
  v: number;
}

export class MemoryStorage implements Appendable, Queryable {
  private readonly byKey = new Map<string, MemorySeries>();
  private readonly byRef: MemorySeries[] = [];

  appender(): Appender {
    const staged: StagedSample[] = [];
    // Samples staged in this transaction count for order checks, as in Prometheus's head appender.
    const pendingLast = new Map<MemorySeries, number>();
    const resolve = (ref: SeriesRef, labels: Labels): MemorySeries => {
      const byRef = ref > 0 ? this.byRef[ref - 1] : undefined;
      if (byRef) return byRef;
      const key = labelsKey(labels);
      let s = this.byKey.get(key);
      if (!s) {
        s = new MemorySeries(this.byRef.length + 1, labels);
        this.byRef.push(s);
        this.byKey.set(key, s);
      }
      return s;
    };
    return {
      append: (ref, labels, t, v) => {
        const s = resolve(ref, labels);
        const last = pendingLast.get(s) ?? s.lastTime();
        if (t < last) throw new StorageError(ERR_OUT_OF_ORDER_SAMPLE);
        if (t === last) {
          const prev = staged.findLast((x) => x.series === s)?.v ?? s.vs[s.length - 1];
          if (Object.is(prev, v) || (prev !== prev && v !== v)) return s.ref;
          throw new StorageError(ERR_DUPLICATE_SAMPLE_FOR_TIMESTAMP);
        }
        pendingLast.set(s, t);
        staged.push({ series: s, t, v });
        return s.ref;
      },
      commit: () => {
        for (const x of staged) x.series.push(x.t, x.v);
        staged.length = 0;
        pendingLast.clear();
        return Promise.resolve();
      },
      rollback: () => {
        staged.length = 0;
        pendingLast.clear();
      },
    };
  }

  querier(mint: number, maxt: number): Querier {
    const all = (matchers: readonly Matcher[] | undefined): MemorySeries[] =>
      this.byRef.filter((s) => s.length > 0 && (matchers ?? []).every((m) => m.matches(labelOf(s.labels, m.name))));
    return {
      select: (sorted: boolean, hints: SelectHints | undefined, matchers: readonly Matcher[]): Series[] => {
        const lo = Math.max(mint, hints?.start ?? -Infinity);
        const hi = Math.min(maxt, hints?.end ?? Infinity);
        const out: Series[] = [];
        for (const s of all(matchers)) {
          const from = lowerBound(s.ts, s.length, lo);
          const to = lowerBound(s.ts, s.length, hi + 1);
          if (from >= to) continue;
          const { ts, vs } = s;
          out.push({ labels: s.labels, iterator: () => new ArraySampleIterator(ts, vs, from, to) });
        }
        if (sorted) out.sort((a, b) => compareLabels(a.labels, b.labels));
        return out;
      },
      labelValues: (name, matchers, limit) => {
        const set = new Set<string>();
        for (const s of all(matchers)) {
          const v = labelOf(s.labels, name);
          if (v !== '') set.add(v);
        }
        const vals = [...set].sort();
        return limit ? vals.slice(0, limit) : vals;
      },
      labelNames: (matchers, limit) => {
        const set = new Set<string>();
        for (const s of all(matchers)) for (const l of s.labels) set.add(l.name);
        const names = [...set].sort();
        return limit ? names.slice(0, limit) : names;
      },
      close: () => undefined,
    };
  }
}

function labelOf(ls: Labels, name: string): string {
  for (const l of ls) if (l.name === name) return l.value;
  return '';
}
