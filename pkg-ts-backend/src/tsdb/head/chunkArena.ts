// Byte slabs for the head's open chunks, carved out of shared pages by size class. One typed
// array per open chunk would cost V8 an ArrayBuffer, a view and a backing store per series,
// several times the few dozen bytes a young chunk holds. A slab is named by its address,
// `page * PAGE_BYTES + offset`, and handed out zeroed (the XOR encoder ORs bits in).

const PAGE_BYTES = 1 << 16;
/** Slabs up to this size share pages; larger ones get a page of their own. */
const SHARED_MAX = PAGE_BYTES >>> 2;

/** Slab sizes, growing by about half: 32, 48, 64, 96, ... up to past the largest possible chunk. */
export const SLAB_SIZES: readonly number[] = (() => {
  const sizes: number[] = [];
  // 65535 samples of at most 20 bytes each, plus the header.
  for (let size = 32; ; size = ((size + (size >>> 1) + 15) >>> 4) << 4) {
    sizes.push(size);
    if (size > 65535 * 20 + 2) return sizes;
  }
})();

export class ChunkArena {
  /** Page index -> bytes; a page freed whole (a large slab) leaves an empty array behind. */
  readonly pages: Uint8Array[] = [];
  private readonly freeSlabs: number[][] = SLAB_SIZES.map(() => []);
  private readonly freePages: number[] = [];
  /** Per size class: the page being carved and the next free offset in it. */
  private readonly carvePage: number[] = SLAB_SIZES.map(() => -1);
  private readonly carveOffset: number[] = SLAB_SIZES.map(() => PAGE_BYTES);

  /** The smallest size class holding `bytes`. */
  classFor(bytes: number): number {
    let c = 0;
    while (SLAB_SIZES[c] < bytes) c++;
    return c;
  }

  /** A zeroed slab of class `c`; returns its address. */
  alloc(c: number): number {
    const free = this.freeSlabs[c];
    if (free.length > 0) return free.pop()!;
    const size = SLAB_SIZES[c];
    if (size > SHARED_MAX) return this.newPage(size) * PAGE_BYTES;
    if (this.carveOffset[c] + size > PAGE_BYTES) {
      this.carvePage[c] = this.newPage(PAGE_BYTES);
      this.carveOffset[c] = 0;
    }
    const addr = this.carvePage[c] * PAGE_BYTES + this.carveOffset[c];
    this.carveOffset[c] += size;
    return addr;
  }

  /** Returns a slab of class `c`; its first `used` bytes are the only ones that may be non-zero. */
  free(addr: number, c: number, used: number): void {
    const page = Math.floor(addr / PAGE_BYTES);
    if (SLAB_SIZES[c] > SHARED_MAX) {
      // A large slab's page goes back whole; its index is reused by the next new page.
      this.pages[page] = EMPTY;
      this.freePages.push(page);
      return;
    }
    const offset = addr % PAGE_BYTES;
    this.pages[page].fill(0, offset, offset + used);
    this.freeSlabs[c].push(addr);
  }

  /** Bytes held in pages (for tests and statistics). */
  bytesHeld(): number {
    let n = 0;
    for (const p of this.pages) n += p.length;
    return n;
  }

  private newPage(size: number): number {
    const bytes = new Uint8Array(size);
    const reused = this.freePages.pop();
    if (reused !== undefined) {
      this.pages[reused] = bytes;
      return reused;
    }
    this.pages.push(bytes);
    return this.pages.length - 1;
  }
}

const EMPTY = new Uint8Array(0);

export function slabPage(addr: number): number {
  return Math.floor(addr / PAGE_BYTES);
}

export function slabOffset(addr: number): number {
  return addr % PAGE_BYTES;
}
