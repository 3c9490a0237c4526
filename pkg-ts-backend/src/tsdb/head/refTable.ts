// Series by reference. References are handed out in increasing order, so a paged array is
// denser and faster than a Map (8 bytes per reference instead of a hash entry of 30-50); a
// page whose references are all gone is dropped, so churn does not keep old pages alive.

const PAGE_BITS = 12;
const PAGE_SIZE = 1 << PAGE_BITS;
const MASK = PAGE_SIZE - 1;

interface Page<T> {
  readonly items: (T | undefined)[];
  live: number;
}

export class RefTable<T> {
  private readonly pages: (Page<T> | undefined)[] = [];
  private count = 0;

  get size(): number {
    return this.count;
  }

  get(ref: number): T | undefined {
    const page = this.pages[ref >>> PAGE_BITS];
    return page === undefined ? undefined : page.items[ref & MASK];
  }

  has(ref: number): boolean {
    return this.get(ref) !== undefined;
  }

  /** References are below 2^32, like the WAL's. */
  set(ref: number, item: T): void {
    const p = ref >>> PAGE_BITS;
    while (this.pages.length <= p) this.pages.push(undefined);
    let page = this.pages[p];
    if (page === undefined) {
      page = { items: new Array<T | undefined>(PAGE_SIZE).fill(undefined), live: 0 };
      this.pages[p] = page;
    }
    if (page.items[ref & MASK] === undefined) {
      page.live++;
      this.count++;
    }
    page.items[ref & MASK] = item;
  }

  delete(ref: number): void {
    const p = ref >>> PAGE_BITS;
    const page = this.pages[p];
    if (page === undefined || page.items[ref & MASK] === undefined) return;
    page.items[ref & MASK] = undefined;
    this.count--;
    if (--page.live === 0) this.pages[p] = undefined;
  }

  /** Items in increasing reference order. */
  *values(): IterableIterator<T> {
    for (const page of this.pages) {
      if (page === undefined) continue;
      for (const item of page.items) if (item !== undefined) yield item;
    }
  }
}
