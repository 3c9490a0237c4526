// The numbers of every head series in typed columns indexed by a slot, instead of fields on
// each series object: V8 boxes every double-valued field in a separate 16-byte heap number,
// and an open chunk as its own encoder object with a typed array costs several objects per
// series. The open chunk's bytes live in a ChunkArena slab; its encoder state in the columns.
import { appendXorSample, finishChunk, MAX_SAMPLE_BYTES, newXorAppendState } from '../chunkenc/xor';
import { ChunkArena, orderFor, slabBytes, slabOffset, slabPage } from './chunkArena';

// Float64 columns, per slot.
const LAST_T = 0;
const LAST_V = 1;
const STAGED_T = 2;
const STAGED_V = 3;
const OPEN_MINT = 4;
/** Exclusive end of the window the open chunk may cover (chunks never span block boundaries). */
const OPEN_END = 5;
const T_DELTA = 6;
const SLAB_ADDR = 7;
const F64_STRIDE = 8;

// Uint32 columns, per slot.
const V_HI = 0;
const V_LO = 1;
/** Samples in the open chunk; 0 when there is none. */
const COUNT = 2;
/** Bits written into the slab, header included. */
const BITS = 3;
const SLAB_ORDER = 4;
/** The XOR window: leading zeros + 1 (0 = none yet) in the low byte, trailing zeros above. */
const WINDOW = 5;
const U32_STRIDE = 6;

const HEADER_BITS = 16;

/**
 * Slot 0 is never handed out: a series removed from the head points there, so a late write
 * through a stale reference (an appender that staged a sample before the removal) hits nothing.
 */
export const DEAD_SLOT = 0;

export class SeriesColumns {
  f64 = new Float64Array(F64_STRIDE * 1024);
  u32 = new Uint32Array(U32_STRIDE * 1024);
  private capacity = 1024;
  private nextSlot = 1;
  private readonly freeSlots: number[] = [];
  readonly arena = new ChunkArena();
  private readonly scratch = newXorAppendState(0);
  /** A sample is encoded here first, so that a slab only grows when the sample's exact size needs it. */
  private readonly sampleBits = new Uint8Array(MAX_SAMPLE_BYTES + 1);

  constructor() {
    this.reset(DEAD_SLOT);
  }

  allocSlot(): number {
    let slot = this.freeSlots.pop();
    if (slot === undefined) {
      if (this.nextSlot === this.capacity) this.grow();
      slot = this.nextSlot++;
    }
    this.reset(slot);
    return slot;
  }

  /** Frees a slot and its open chunk. */
  freeSlot(slot: number): void {
    this.dropOpen(slot);
    this.freeSlots.push(slot);
  }

  private reset(slot: number): void {
    const f = slot * F64_STRIDE;
    this.f64.fill(0, f, f + F64_STRIDE);
    this.f64[f + LAST_T] = -Infinity;
    this.f64[f + OPEN_END] = Infinity;
    const u = slot * U32_STRIDE;
    this.u32.fill(0, u, u + U32_STRIDE);
  }

  private grow(): void {
    this.capacity += this.capacity >>> 1;
    const f64 = new Float64Array(this.capacity * F64_STRIDE);
    f64.set(this.f64);
    this.f64 = f64;
    const u32 = new Uint32Array(this.capacity * U32_STRIDE);
    u32.set(this.u32);
    this.u32 = u32;
  }

  lastT(slot: number): number {
    return this.f64[slot * F64_STRIDE + LAST_T];
  }

  setLastT(slot: number, t: number): void {
    this.f64[slot * F64_STRIDE + LAST_T] = t;
  }

  lastV(slot: number): number {
    return this.f64[slot * F64_STRIDE + LAST_V];
  }

  setLastV(slot: number, v: number): void {
    this.f64[slot * F64_STRIDE + LAST_V] = v;
  }

  stagedT(slot: number): number {
    return this.f64[slot * F64_STRIDE + STAGED_T];
  }

  setStagedT(slot: number, t: number): void {
    this.f64[slot * F64_STRIDE + STAGED_T] = t;
  }

  stagedV(slot: number): number {
    return this.f64[slot * F64_STRIDE + STAGED_V];
  }

  setStagedV(slot: number, v: number): void {
    this.f64[slot * F64_STRIDE + STAGED_V] = v;
  }

  openCount(slot: number): number {
    return this.u32[slot * U32_STRIDE + COUNT];
  }

  openMint(slot: number): number {
    return this.f64[slot * F64_STRIDE + OPEN_MINT];
  }

  openEnd(slot: number): number {
    return this.f64[slot * F64_STRIDE + OPEN_END];
  }

  /** Starts an empty open chunk (the previous one must have been closed or dropped). */
  startOpen(slot: number, mint: number, end: number): void {
    const f = slot * F64_STRIDE;
    const u = slot * U32_STRIDE;
    this.f64[f + OPEN_MINT] = mint;
    this.f64[f + OPEN_END] = end;
    this.f64[f + SLAB_ADDR] = this.arena.alloc(0);
    this.u32[u + SLAB_ORDER] = 0;
    this.u32[u + BITS] = HEADER_BITS;
    this.u32[u + WINDOW] = 0;
    this.u32[u + COUNT] = 0;
  }

  /** Appends a sample to the open chunk and makes it the series' last one. */
  appendOpen(slot: number, t: number, v: number): void {
    const f = slot * F64_STRIDE;
    const u = slot * U32_STRIDE;
    const u32 = this.u32;
    const f64 = this.f64;
    const bits = u32[u + BITS];
    const st = this.scratch;
    st.n = u32[u + COUNT];
    st.tPrev = f64[f + LAST_T];
    st.tDelta = f64[f + T_DELTA];
    st.vHi = u32[u + V_HI];
    st.vLo = u32[u + V_LO];
    const w = u32[u + WINDOW];
    st.leading = (w & 0xff) - 1;
    st.trailing = w >>> 8;
    // Encoded at the same bit alignment as in the slab, so its bytes OR straight in.
    const lead = bits & 7;
    st.pos = lead;
    const sample = this.sampleBits;
    appendXorSample(st, sample, t, v);
    const total = bits - lead + st.pos;
    const need = (total + 7) >>> 3;
    if (need > slabBytes(u32[u + SLAB_ORDER])) this.moveSlab(slot, (bits + 7) >>> 3, need);
    const addr = f64[f + SLAB_ADDR];
    const page = this.arena.pages[slabPage(addr)];
    const at = slabOffset(addr) + (bits >>> 3);
    const n = (st.pos + 7) >>> 3;
    for (let i = 0; i < n; i++) {
      page[at + i] |= sample[i];
      sample[i] = 0;
    }
    u32[u + COUNT] = st.n;
    u32[u + BITS] = total;
    u32[u + V_HI] = st.vHi;
    u32[u + V_LO] = st.vLo;
    u32[u + WINDOW] = (st.leading + 1) | (st.trailing << 8);
    f64[f + T_DELTA] = st.tDelta;
    f64[f + LAST_T] = t;
    f64[f + LAST_V] = v;
  }

  /** Moves the open chunk to a slab of at least `need` bytes. */
  private moveSlab(slot: number, used: number, need: number): void {
    const f = slot * F64_STRIDE;
    const u = slot * U32_STRIDE;
    const arena = this.arena;
    const oldAddr = this.f64[f + SLAB_ADDR];
    const oldOrder = this.u32[u + SLAB_ORDER];
    const order = orderFor(need);
    const addr = arena.alloc(order);
    const from = slabOffset(oldAddr);
    arena.pages[slabPage(addr)].set(arena.pages[slabPage(oldAddr)].subarray(from, from + used), slabOffset(addr));
    arena.free(oldAddr, oldOrder, used);
    this.f64[f + SLAB_ADDR] = addr;
    this.u32[u + SLAB_ORDER] = order;
  }

  /**
   * A copy of the open chunk's bytes: the slab itself may move or be reused by another series
   * while a reader still decodes. The header is filled in when `withCount` is set.
   */
  copyOpen(slot: number, withCount: boolean): Uint8Array {
    const f = slot * F64_STRIDE;
    const u = slot * U32_STRIDE;
    const addr = this.f64[f + SLAB_ADDR];
    const from = slabOffset(addr);
    const out = this.arena.pages[slabPage(addr)].slice(from, from + ((this.u32[u + BITS] + 7) >>> 3));
    return withCount ? finishChunk(out, this.u32[u + COUNT]) : out;
  }

  /** Forgets the open chunk, if any. */
  dropOpen(slot: number): void {
    const u = slot * U32_STRIDE;
    if (this.u32[u + COUNT] === 0 && this.u32[u + BITS] === 0) return;
    this.arena.free(this.f64[slot * F64_STRIDE + SLAB_ADDR], this.u32[u + SLAB_ORDER], (this.u32[u + BITS] + 7) >>> 3);
    this.u32[u + COUNT] = 0;
    this.u32[u + BITS] = 0;
  }
}
