// Deletion intervals ("tombstones"): closed time ranges [mint, maxt] whose samples of a series
// read as absent until compaction or cleanTombstones() rewrites the data without them.

export interface Interval {
  readonly mint: number;
  readonly maxt: number;
}

export type Intervals = readonly Interval[];

/** Adds `iv` to a sorted, non-overlapping list, merging overlapping or adjacent ranges. */
export function addInterval(list: Intervals, iv: Interval): Intervals {
  const out: Interval[] = [];
  let cur = iv;
  let placed = false;
  for (const x of list) {
    if (x.maxt < cur.mint - 1) out.push(x);
    else if (x.mint > cur.maxt + 1) {
      if (!placed) out.push(cur);
      placed = true;
      out.push(x);
    } else cur = { mint: Math.min(x.mint, cur.mint), maxt: Math.max(x.maxt, cur.maxt) };
  }
  if (!placed) out.push(cur);
  return out;
}

export function isDeleted(list: Intervals | undefined, t: number): boolean {
  if (!list) return false;
  for (const iv of list) if (t >= iv.mint && t <= iv.maxt) return true;
  return false;
}

/** Per-series tombstones, keyed by series reference. */
export class TombstoneSet {
  private readonly bySeries = new Map<number, Intervals>();

  get(ref: number): Intervals | undefined {
    return this.bySeries.get(ref);
  }

  add(ref: number, iv: Interval): void {
    this.bySeries.set(ref, addInterval(this.bySeries.get(ref) ?? [], iv));
  }

  delete(ref: number): void {
    this.bySeries.delete(ref);
  }

  entries(): IterableIterator<[number, Intervals]> {
    return this.bySeries.entries();
  }
}
