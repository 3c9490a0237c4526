// Postings: sorted lists of series references (Uint32Array), and the set operations the
// matcher evaluation needs. Lists are always strictly increasing.

export const EMPTY_POSTINGS = new Uint32Array(0);

export function intersectPostings(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(Math.min(a.length, b.length));
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x === y) {
      out[n++] = x;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return out.subarray(0, n);
}

/** Elements of `a` not in `b`. */
export function subtractPostings(a: Uint32Array, b: Uint32Array): Uint32Array {
  if (b.length === 0) return a;
  const out = new Uint32Array(a.length);
  let j = 0;
  let n = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    while (j < b.length && b[j] < x) j++;
    if (j < b.length && b[j] === x) continue;
    out[n++] = x;
  }
  return out.subarray(0, n);
}

export function unionPostings(lists: readonly Uint32Array[]): Uint32Array {
  if (lists.length === 0) return EMPTY_POSTINGS;
  if (lists.length === 1) return lists[0];
  let total = 0;
  for (const l of lists) total += l.length;
  const all = new Uint32Array(total);
  let off = 0;
  for (const l of lists) {
    all.set(l, off);
    off += l.length;
  }
  all.sort();
  let n = 0;
  for (let i = 0; i < all.length; i++) if (n === 0 || all[n - 1] !== all[i]) all[n++] = all[i];
  return all.subarray(0, n);
}

/** A growable sorted list; callers append increasing references only. */
export class PostingsList {
  private data: Uint32Array;
  private len = 0;

  constructor(capacity = 4) {
    this.data = new Uint32Array(capacity);
  }

  get length(): number {
    return this.len;
  }

  /**
   * Adds a reference. Increasing references are appended; a smaller one (WAL replay, before
   * any reader exists) is inserted in place to keep the list sorted.
   */
  push(ref: number): void {
    if (this.len === this.data.length) {
      const next = new Uint32Array(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    if (this.len === 0 || this.data[this.len - 1] < ref) {
      this.data[this.len++] = ref;
      return;
    }
    let lo = 0;
    let hi = this.len;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.data[mid] < ref) lo = mid + 1;
      else hi = mid;
    }
    if (this.data[lo] === ref) return;
    this.data.copyWithin(lo + 1, lo, this.len);
    this.data[lo] = ref;
    this.len++;
  }

  /** A read-only view; later pushes do not alter the viewed elements. */
  view(): Uint32Array {
    return this.data.subarray(0, this.len);
  }

  /** Keeps only references for which `keep` is true. */
  filter(keep: (ref: number) => boolean): void {
    const next = new Uint32Array(Math.max(4, this.len));
    let n = 0;
    for (let i = 0; i < this.len; i++) if (keep(this.data[i])) next[n++] = this.data[i];
    this.data = next;
    this.len = n;
  }
}

/** What matcher evaluation needs from an index, in memory (head) or on disk (block). */
export interface PostingsIndex {
  /** Sorted references of series with `name="value"`. */
  postings(name: string, value: string): Uint32Array;
  /** Sorted references of every series. */
  allPostings(): Uint32Array;
  /** Distinct values of a label name, in no particular order. */
  valuesOf(name: string): Iterable<string>;
  /** Distinct label names, in no particular order. */
  names(): Iterable<string>;
}

/**
 * The head's inverted index: label name -> label value -> postings. A value held by a single
 * series (common for unique labels such as instance or pod) stores the bare reference instead
 * of a list, which saves a typed array per series.
 */
export class MemPostings implements PostingsIndex {
  private readonly byName = new Map<string, Map<string, PostingsList | number>>();
  private readonly all = new PostingsList(1024);

  /** Adds a series (see PostingsList.push for the ordering rule). */
  add(ref: number, labels: readonly { name: string; value: string }[]): void {
    this.all.push(ref);
    for (const l of labels) {
      let values = this.byName.get(l.name);
      if (!values) {
        values = new Map();
        this.byName.set(l.name, values);
      }
      const found = values.get(l.value);
      if (found === undefined) values.set(l.value, ref);
      else if (typeof found === 'number') {
        const list = new PostingsList(2);
        list.push(found);
        list.push(ref);
        values.set(l.value, list);
      } else found.push(ref);
    }
  }

  /** Removes the given series. */
  remove(dead: ReadonlySet<number>): void {
    if (dead.size === 0) return;
    const keep = (r: number): boolean => !dead.has(r);
    this.all.filter(keep);
    for (const [name, values] of this.byName) {
      for (const [value, entry] of values) {
        if (typeof entry === 'number') {
          if (dead.has(entry)) values.delete(value);
          continue;
        }
        entry.filter(keep);
        if (entry.length === 0) values.delete(value);
        else if (entry.length === 1) values.set(value, entry.view()[0]);
      }
      if (values.size === 0) this.byName.delete(name);
    }
  }

  postings(name: string, value: string): Uint32Array {
    const entry = this.byName.get(name)?.get(value);
    if (entry === undefined) return EMPTY_POSTINGS;
    return typeof entry === 'number' ? Uint32Array.of(entry) : entry.view();
  }

  /** Whether any series has `name="value"`. */
  hasPair(name: string, value: string): boolean {
    return this.byName.get(name)?.has(value) ?? false;
  }

  allPostings(): Uint32Array {
    return this.all.view();
  }

  valuesOf(name: string): Iterable<string> {
    return this.byName.get(name)?.keys() ?? [];
  }

  names(): Iterable<string> {
    return this.byName.keys();
  }

  /** Number of distinct values of each label name. */
  *valueCounts(): Generator<[string, number]> {
    for (const [name, values] of this.byName) yield [name, values.size];
  }

  /** Every label pair with the number of series that have it. */
  *pairCounts(): Generator<[string, string, number]> {
    for (const [name, values] of this.byName) {
      for (const [value, entry] of values) yield [name, value, typeof entry === 'number' ? 1 : entry.length];
    }
  }
}
