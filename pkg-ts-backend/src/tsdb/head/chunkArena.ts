// Byte slabs for the head's open chunks: a buddy allocator over shared 64 KiB pages. One typed
// array per open chunk would cost V8 an ArrayBuffer, a view and a backing store per series,
// several times the few dozen bytes a young chunk holds. Slabs are powers of two from 32
// bytes; a freed slab merges with its free buddy, so when every series outgrows its slab at
// about the same time (they are scraped together) the freed small slabs combine into the
// larger ones the next series need, and a page that becomes free as a whole is dropped.
//
// A slab is named by its address, `page * PAGE_BYTES + offset` (below 2^32 - 1: 4 GiB at most). Slabs are handed out zeroed
// and must be returned with their first byte zero, which open chunks guarantee (their header
// is only filled in copies). A free block is marked in its own bytes: 0xff, its order, and
// the addresses of its neighbours in the free list of that order.

const MIN_BYTES = 32;
const PAGE_ORDER = 11;
const PAGE_BYTES = MIN_BYTES << PAGE_ORDER;
const FREE_MARK = 0xff;
const NONE = 0xffffffff;
/** Marker, order, padding, next and previous free block: bytes used inside a free block. */
const FREE_HEADER = 12;

const MAX_PAGES = Math.floor(NONE / PAGE_BYTES);
const EMPTY = new Uint8Array(0);

/** Bytes of a slab of this order (orders stay far below the 2^25 where the shift would overflow). */
export function slabBytes(order: number): number {
  return MIN_BYTES << order;
}

/** The smallest order whose slabs hold `bytes`. */
export function orderFor(bytes: number): number {
  let order = 0;
  while (slabBytes(order) < bytes) order++;
  return order;
}

export function slabPage(addr: number): number {
  return Math.floor(addr / PAGE_BYTES);
}

export function slabOffset(addr: number): number {
  return addr % PAGE_BYTES;
}

export class ChunkArena {
  /** Page index -> bytes; a dropped page leaves an empty array until its index is reused. */
  readonly pages: Uint8Array[] = [];
  private readonly freePages: number[] = [];
  /** Per order up to a page: address of the first free block, or NONE. */
  private readonly freeHeads: number[] = new Array<number>(PAGE_ORDER + 1).fill(NONE);

  /** A zeroed slab of `slabBytes(order)` bytes; returns its address. */
  alloc(order: number): number {
    if (order > PAGE_ORDER) return this.newPage(slabBytes(order)) * PAGE_BYTES;
    let j = order;
    while (j <= PAGE_ORDER && this.freeHeads[j] === NONE) j++;
    let addr: number;
    if (j > PAGE_ORDER) {
      addr = this.newPage(PAGE_BYTES) * PAGE_BYTES;
      j = PAGE_ORDER;
    } else {
      addr = this.freeHeads[j];
      this.unlink(addr, j);
    }
    // Split down to the wanted size, keeping the lower half each time.
    while (j > order) {
      j--;
      this.pushFree(addr + slabBytes(j), j);
    }
    return addr;
  }

  /** Returns a slab; only its first `used` bytes may be non-zero, and the first must be zero. */
  free(addr: number, order: number, used: number): void {
    const page = slabPage(addr);
    const bytes = this.pages[page];
    if (order > PAGE_ORDER) {
      this.dropPage(page);
      return;
    }
    let offset = slabOffset(addr);
    bytes.fill(0, offset, offset + used);
    while (order < PAGE_ORDER) {
      const buddy = offset ^ slabBytes(order);
      if (bytes[buddy] !== FREE_MARK || bytes[buddy + 1] !== order) break;
      this.unlink(page * PAGE_BYTES + buddy, order);
      bytes.fill(0, buddy, buddy + FREE_HEADER);
      offset = offset < buddy ? offset : buddy;
      order++;
    }
    if (order === PAGE_ORDER) {
      this.dropPage(page);
      return;
    }
    this.pushFree(page * PAGE_BYTES + offset, order);
  }

  /** Bytes held in pages (for tests and statistics). */
  bytesHeld(): number {
    let n = 0;
    for (const p of this.pages) n += p.length;
    return n;
  }

  private pushFree(addr: number, order: number): void {
    const bytes = this.pages[slabPage(addr)];
    const o = slabOffset(addr);
    const head = this.freeHeads[order];
    bytes[o] = FREE_MARK;
    bytes[o + 1] = order;
    writeU32(bytes, o + 4, head);
    writeU32(bytes, o + 8, NONE);
    if (head !== NONE) writeU32(this.pages[slabPage(head)], slabOffset(head) + 8, addr);
    this.freeHeads[order] = addr;
  }

  /** Takes a free block out of its list and clears its marker. */
  private unlink(addr: number, order: number): void {
    const bytes = this.pages[slabPage(addr)];
    const o = slabOffset(addr);
    const next = readU32(bytes, o + 4);
    const prev = readU32(bytes, o + 8);
    if (prev === NONE) this.freeHeads[order] = next;
    else writeU32(this.pages[slabPage(prev)], slabOffset(prev) + 4, next);
    if (next !== NONE) writeU32(this.pages[slabPage(next)], slabOffset(next) + 8, prev);
    bytes.fill(0, o, o + FREE_HEADER);
  }

  private newPage(size: number): number {
    const bytes = new Uint8Array(size);
    const reused = this.freePages.pop();
    if (reused !== undefined) {
      this.pages[reused] = bytes;
      return reused;
    }
    // Addresses are 32-bit (they live in Uint32 columns); never hand out one that wraps.
    if (this.pages.length >= MAX_PAGES) throw new Error('open-chunk arena full (4 GiB)');
    this.pages.push(bytes);
    return this.pages.length - 1;
  }

  private dropPage(page: number): void {
    this.pages[page] = EMPTY;
    this.freePages.push(page);
  }
}

function writeU32(bytes: Uint8Array, o: number, v: number): void {
  bytes[o] = v & 0xff;
  bytes[o + 1] = (v >>> 8) & 0xff;
  bytes[o + 2] = (v >>> 16) & 0xff;
  bytes[o + 3] = v >>> 24;
}

function readU32(bytes: Uint8Array, o: number): number {
  return (bytes[o] | (bytes[o + 1] << 8) | (bytes[o + 2] << 16)) + bytes[o + 3] * 16777216;
}
