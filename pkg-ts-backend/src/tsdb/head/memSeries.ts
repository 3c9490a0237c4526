// One series in the head: its interned labels, closed chunks packed into one growing byte
// buffer (a typed-array store per series instead of an object per chunk), and the open chunk.
import type { Labels } from '../../model/labels';
import { XorChunkEncoder, XorChunkIterator } from '../chunkenc/xor';
import type { ChunkRef } from '../querier';

const META = 3; // mint, maxt, byte offset per closed chunk
// Shared until a series closes its first chunk: an empty typed array still costs an object.
const NO_BYTES = new Uint8Array(0);

export class MemSeries {
  private store = NO_BYTES;
  private storeLen = 0;
  // A plain array (timestamps are never NaN): smaller than a typed array for a few entries.
  private meta: number[] = [];
  private nClosed = 0;
  private open: XorChunkEncoder | null = null;
  private openMint = 0;
  /** Exclusive end of the time window the open chunk may hold (chunks never span block boundaries). */
  private openEnd = Infinity;

  lastT = -Infinity;
  lastV = 0;
  /** True once a series record for it is in the WAL. */
  logged = false;
  /** True once garbage-collected out of the head; appenders holding it must look it up again. */
  removed = false;
  /** The appender that staged samples for this series, and the last staged sample. */
  stagedBy = 0;
  stagedT = 0;
  stagedV = 0;

  constructor(
    readonly ref: number,
    readonly labels: Labels
  ) {}

  firstT(): number {
    if (this.nClosed > 0) return this.meta[0];
    return this.open ? this.openMint : Infinity;
  }

  numChunks(): number {
    return this.nClosed + (this.open ? 1 : 0);
  }

  /** Appends a sample known to be newer than lastT. */
  append(t: number, v: number, chunkSize: number, chunkRangeMs: number): void {
    if (this.open === null || this.open.numSamples() >= chunkSize || t >= this.openEnd) {
      this.closeOpen();
      this.open = new XorChunkEncoder(64);
      this.openMint = t;
      this.openEnd = chunkRangeMs > 0 ? (Math.floor(t / chunkRangeMs) + 1) * chunkRangeMs : Infinity;
    }
    this.open.append(t, v);
    this.lastT = t;
    this.lastV = v;
  }

  private closeOpen(): void {
    if (this.open === null) return;
    this.addClosedChunk(this.open.bytes(), this.openMint, this.lastT);
    this.open = null;
  }

  /** Adds an already encoded chunk after the existing ones (replay of a checkpoint). */
  addClosedChunk(bytes: Uint8Array, mint: number, maxt: number): void {
    if (this.storeLen + bytes.length > this.store.length) {
      // Grow by half: a series holds a handful of chunks between head truncations.
      const need = this.storeLen + bytes.length;
      const next = new Uint8Array(need + (need >>> 1));
      next.set(this.store.subarray(0, this.storeLen));
      this.store = next;
    }
    this.store.set(bytes, this.storeLen);
    this.meta.push(mint, maxt, this.storeLen);
    this.storeLen += bytes.length;
    this.nClosed++;
    if (maxt > this.lastT) {
      // Duplicate detection after a restart needs the last value, which only the chunk knows.
      const it = new XorChunkIterator(bytes);
      while (it.next()) this.lastV = it.v();
      this.lastT = maxt;
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
    if (this.open && this.openMint <= maxt && this.lastT >= mint) {
      const buf = this.open.liveBuffer();
      const count = this.open.numSamples();
      out.push({ mint: this.openMint, maxt: this.lastT, iterator: () => new XorChunkIterator(buf, count) });
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
    if (this.open && this.openMint <= maxt && this.lastT >= mint) {
      out.push({ bytes: this.open.bytes(), mint: this.openMint, maxt: this.lastT });
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
      this.nClosed -= drop;
    }
    if (this.open && this.lastT < mint) {
      this.open = null;
      dropped++;
    }
    return dropped;
  }
}
