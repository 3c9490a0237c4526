// Merges several Queryables into one: series with the same labels are combined into a single
// series whose samples are the union of the sources, ordered by time (the first source wins
// where two hold a sample at the same timestamp), as Prometheus's fan-out storage does.
import { compareLabels, Labels, labelsKey } from '../model/labels';
import type { Matcher } from '../model/matcher';
import type { Querier, Queryable, SampleIterator, SelectHints, Series } from './interface';

class MergedIterator implements SampleIterator {
  private readonly its: SampleIterator[];
  private readonly live: boolean[];
  private started = false;
  private curT = 0;
  private curV = 0;

  constructor(its: SampleIterator[]) {
    this.its = its;
    this.live = its.map(() => false);
  }

  private pick(): boolean {
    let best = -1;
    for (let i = 0; i < this.its.length; i++) if (this.live[i] && (best < 0 || this.its[i].t() < this.its[best].t())) best = i;
    if (best < 0) return false;
    this.curT = this.its[best].t();
    this.curV = this.its[best].v();
    // Drop the same timestamp from every other source.
    for (let i = 0; i < this.its.length; i++) if (this.live[i] && this.its[i].t() === this.curT && i !== best) this.live[i] = this.its[i].next();
    this.live[best] = this.its[best].next();
    return true;
  }

  next(): boolean {
    if (!this.started) {
      this.started = true;
      for (let i = 0; i < this.its.length; i++) this.live[i] = this.its[i].next();
    }
    return this.pick();
  }

  seek(t: number): boolean {
    if (this.started && this.curT >= t) return true;
    this.started = true;
    for (let i = 0; i < this.its.length; i++) this.live[i] = this.its[i].seek(t);
    return this.pick();
  }

  t(): number {
    return this.curT;
  }
  v(): number {
    return this.curV;
  }
}

class MergedQuerier implements Querier {
  constructor(private readonly queriers: Querier[]) {}

  select(sorted: boolean, hints: SelectHints | undefined, matchers: readonly Matcher[]): Series[] {
    const groups = new Map<string, { labels: Labels; parts: Series[] }>();
    for (const q of this.queriers) {
      for (const s of q.select(false, hints, matchers)) {
        const key = labelsKey(s.labels);
        const g = groups.get(key);
        if (g) g.parts.push(s);
        else groups.set(key, { labels: s.labels, parts: [s] });
      }
    }
    const out: Series[] = [...groups.values()].map((g) =>
      g.parts.length === 1 ? g.parts[0] : { labels: g.labels, iterator: () => new MergedIterator(g.parts.map((p) => p.iterator())) }
    );
    if (sorted) out.sort((a, b) => compareLabels(a.labels, b.labels));
    return out;
  }

  labelValues(name: string, matchers?: readonly Matcher[], limit?: number): string[] {
    return mergeSorted(this.queriers.map((q) => q.labelValues(name, matchers)), limit);
  }

  labelNames(matchers?: readonly Matcher[], limit?: number): string[] {
    return mergeSorted(this.queriers.map((q) => q.labelNames(matchers)), limit);
  }

  close(): void {
    for (const q of this.queriers) q.close();
  }
}

function mergeSorted(lists: string[][], limit?: number): string[] {
  const all = [...new Set(lists.flat())].sort();
  return limit && limit > 0 ? all.slice(0, limit) : all;
}

export function mergeQueryables(sources: Queryable[]): Queryable {
  if (sources.length === 1) return sources[0];
  return { querier: (mint, maxt) => new MergedQuerier(sources.map((s) => s.querier(mint, maxt))) };
}
