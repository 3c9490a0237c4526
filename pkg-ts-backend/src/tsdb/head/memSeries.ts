// One series in the head: its interned labels, closed chunks packed into one growing byte
// buffer (a typed-array store per series instead of an object per chunk), and the open chunk.
import type { Labels } from '../../model/labels';
import { XorChunkIterator } from '../chunkenc/xor';
import type { ChunkRef } from '../querier';

import { DEAD_SLOT, SeriesColumns } from './seriesColumns';

const META = 3; // mint, maxt, byte offset per closed chunk
// Shared until a series closes its first chunk: an empty typed array still costs an object.
const NO_BYTES = new Uint8Array(0);
const NO_META: number[] = [];

/**
 * Numbers that change with every sample (last sample, staged sample, the open chunk and its
 * encoder state) live in the head's SeriesColumns under `slot`; the accessors below read them.
 */
export class MemSeries {
  private store = NO_BYTES;
  // A plain array (timestamps are never NaN): smaller than a typed array for a few entries.
  private meta = NO_META;

  constructor(
    readonly ref: number,
    readonly labels: Labels,
    private readonly cols: SeriesColumns,
    private slot: number
  ) {}

  /** True once garbage-collected out of the head; appenders holding it must look it up again. */
  get removed(): boolean {
    return this.slot === DEAD_SLOT;
  }

  /** True once a series record for it is in the WAL. */
  get logged(): boolean {
    return this.cols.logged(this.slot);
  }

  set logged(logged: boolean) {
    this.cols.setLogged(this.slot, logged);
  }

  /** The appender that staged samples for this series (its last staged sample is stagedT/stagedV). */
  get stagedBy(): number {
    return this.cols.stagedBy(this.slot);
  }

  set stagedBy(id: number) {
    this.cols.setStagedBy(this.slot, id);
  }

  private get nClosed(): number {
    return this.meta.length / META;
  }

  private get storeLen(): number {
    return this.cols.storeLen(this.slot);
  }

  private set storeLen(n: number) {
    this.cols.setStoreLen(this.slot, n);
  }

  get lastT(): number {
    return this.cols.lastT(this.slot);
  }

  get lastV(): number {
    if (this.cols.lastVPending(this.slot)) {
      // Decoded on first use: a restart restores every chunk, and only appends need the value.
      const m = (this.nClosed - 1) * META;
      const it = new XorChunkIterator(this.store.subarray(this.meta[m + 2], this.storeLen));
      while (it.next()) this.cols.setLastV(this.slot, it.v());
    }
    return this.cols.lastV(this.slot);
  }

  get stagedT(): number {
    return this.cols.stagedT(this.slot);
  }

  set stagedT(t: number) {
    this.cols.setStagedT(this.slot, t);
  }

  get stagedV(): number {
    return this.cols.stagedV(this.slot);
  }

  set stagedV(v: number) {
    this.cols.setStagedV(this.slot, v);
  }

  /** Takes the series out of the head: its column slot and open chunk are given back. */
  release(): void {
    if (this.slot === DEAD_SLOT) return;
    this.cols.freeSlot(this.slot);
    this.slot = DEAD_SLOT;
  }

  private hasOpen(): boolean {
    return this.cols.openCount(this.slot) > 0;
  }

  firstT(): number {
    if (this.nClosed > 0) return this.meta[0];
    return this.hasOpen() ? this.cols.openMint(this.slot) : Infinity;
  }

  numChunks(): number {
    return this.nClosed + (this.hasOpen() ? 1 : 0);
  }

  /** Appends a sample known to be newer than lastT. */
  append(t: number, v: number, chunkSize: number, chunkRangeMs: number): void {
    const cols = this.cols;
    const slot = this.slot;
    const n = cols.openCount(slot);
    if (
      n === 0 ||
      n >= chunkSize ||
      // Chunks never span a multiple of the block length.
      (chunkRangeMs > 0 && t >= (Math.floor(cols.openMint(slot) / chunkRangeMs) + 1) * chunkRangeMs)
    ) {
      this.closeOpen();
      cols.startOpen(slot, t);
    }
    cols.appendOpen(slot, t, v);
  }

  private closeOpen(): void {
    if (!this.hasOpen()) return;
    const cols = this.cols;
    const bytes = cols.copyOpen(this.slot, true);
    const mint = cols.openMint(this.slot);
    cols.dropOpen(this.slot);
    this.addClosedChunk(bytes, mint, cols.lastT(this.slot));
  }

  /** Adds an already encoded chunk after the existing ones (replay of a checkpoint). */
  addClosedChunk(bytes: Uint8Array, mint: number, maxt: number): void {
    // An open chunk holds older samples: it goes first.
    this.closeOpen();
    if (this.storeLen + bytes.length > this.store.length) {
      // Grow by half: a series holds a handful of chunks between head truncations.
      const need = this.storeLen + bytes.length;
      const next = new Uint8Array(need + (need >>> 1));
      next.set(this.store.subarray(0, this.storeLen));
      this.store = next;
    }
    this.store.set(bytes, this.storeLen);
    if (this.meta === NO_META) this.meta = [];
    this.meta.push(mint, maxt, this.storeLen);
    this.storeLen += bytes.length;
    if (maxt > this.lastT) {
      // Duplicate detection after a restart needs the last value, which only the chunk knows.
      this.cols.setLastT(this.slot, maxt);
      this.cols.markLastVPending(this.slot);
    }
  }

  /** Chunks overlapping [mint, maxt], oldest first, as they are now (later appends stay invisible). */
  chunksIn(mint: number, maxt: number): ChunkRef[] {
    const out: ChunkRef[] = [];
    const store = this.store;
    for (let i = 0; i < this.nClosed; i++) {
      const m = i * META;
      const cmin = this.meta[m];
      const cmax = this.meta[m + 1];
      if (cmax < mint || cmin > maxt) continue;
      const start = this.meta[m + 2];
      const end = i + 1 < this.nClosed ? this.meta[m + 2 + META] : this.storeLen;
      const bytes = store.subarray(start, end);
      out.push({ mint: cmin, maxt: cmax, iterator: () => new XorChunkIterator(bytes) });
    }
    const count = this.cols.openCount(this.slot);
    const openMint = this.cols.openMint(this.slot);
    const lastT = this.lastT;
    if (count > 0 && openMint <= maxt && lastT >= mint) {
      const buf = this.cols.copyOpen(this.slot, false);
      out.push({ mint: openMint, maxt: lastT, iterator: () => new XorChunkIterator(buf, count) });
    }
    return out;
  }

  /** Encoded chunks overlapping [mint, maxt] as standalone byte arrays (for blocks and checkpoints). */
  encodedChunksIn(mint: number, maxt: number): { bytes: Uint8Array; mint: number; maxt: number }[] {
    const out: { bytes: Uint8Array; mint: number; maxt: number }[] = [];
    for (let i = 0; i < this.nClosed; i++) {
      const m = i * META;
      if (this.meta[m + 1] < mint || this.meta[m] > maxt) continue;
      const end = i + 1 < this.nClosed ? this.meta[m + 2 + META] : this.storeLen;
      out.push({ bytes: this.store.subarray(this.meta[m + 2], end), mint: this.meta[m], maxt: this.meta[m + 1] });
    }
    const openMint = this.cols.openMint(this.slot);
    if (this.hasOpen() && openMint <= maxt && this.lastT >= mint) {
      out.push({ bytes: this.cols.copyOpen(this.slot, true), mint: openMint, maxt: this.lastT });
    }
    return out;
  }

  /** Drops chunks that end before `mint`; returns the number dropped. */
  truncateBefore(mint: number): number {
    let drop = 0;
    while (drop < this.nClosed && this.meta[drop * META + 1] < mint) drop++;
    let dropped = drop;
    if (drop > 0) {
      const keepFrom = drop < this.nClosed ? this.meta[drop * META + 2] : this.storeLen;
      // A fresh buffer, never a shift in place: queriers may still read the old one.
      this.store = this.store.slice(keepFrom, this.storeLen);
      this.storeLen -= keepFrom;
      const meta = this.meta.slice(drop * META);
      for (let i = 2; i < meta.length; i += META) meta[i] -= keepFrom;
      this.meta = meta;
    }
    if (this.hasOpen() && this.lastT < mint) {
      this.cols.dropOpen(this.slot);
      dropped++;
    }
    return dropped;
  }
}
