// The numbers of every head series in typed columns indexed by a slot, instead of fields on
// each series object: V8 boxes every double-valued field in a separate 16-byte heap number,
// and an open chunk as its own encoder object with a typed array costs several objects per
// series. The open chunk's bytes live in a ChunkArena slab; its encoder state in the columns.
import { appendXorSample, finishChunk, MAX_SAMPLE_BYTES, newXorAppendState } from '../chunkenc/xor';
import { ChunkArena, orderFor, slabBytes, slabOffset, slabPage } from './chunkArena';

// One 64-byte row per slot (a cache line: replay and ingestion touch a random series per
// sample), read through a Float64 and a Uint32 view of the same buffer.
const ROW_BYTES = 64;
const F64_STRIDE = ROW_BYTES / 8;
const U32_STRIDE = ROW_BYTES / 4;
// Float64 view, per row.
const LAST_T = 0;
const LAST_V = 1;
const OPEN_MINT = 2;
const T_DELTA = 3;
// Uint32 view, per row (after the four doubles).
const V_HI = 8;
const V_LO = 9;
/** Samples in the open chunk; 0 when there is none. */
const COUNT = 10;
/** Bits written into the slab, header included; 0 when there is no slab. */
const BITS = 11;
const SLAB_ADDR = 12;
/** The slab's order above bit 16; the XOR window below: leading zeros + 1 (0 = none yet), trailing zeros << 6. */
const ORDER_WINDOW = 13;
const FLAGS = 14;
/** LAST_V is not known yet (a chunk restored from a checkpoint ends the series). */
const LAST_V_PENDING = 1;
/** A series record for the series is in the WAL. */
const LOGGED = 2;
/** Bytes of closed chunks in the series' store. */
const STORE_LEN = 15;

const HEADER_BITS = 16;

/**
 * Slot 0 is never handed out: a series removed from the head points there, so a late write
 * through a stale reference (an appender that staged a sample before the removal) hits nothing.
 */
export const DEAD_SLOT = 0;

export class SeriesColumns {
  private f64 = new Float64Array(F64_STRIDE * 1024);
  private u32 = new Uint32Array(this.f64.buffer);
  /** The appender's staged sample per slot: time and value. */
  private staged = new Float64Array(2 * 1024);
  /** The appender that staged it, per slot. */
  private stagedByIds = new Uint32Array(1024);
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
    this.staged[2 * slot] = 0;
    this.staged[2 * slot + 1] = 0;
    this.stagedByIds[slot] = 0;
  }

  private grow(): void {
    this.capacity += this.capacity >>> 1;
    const f64 = new Float64Array(this.capacity * F64_STRIDE);
    f64.set(this.f64);
    this.f64 = f64;
    this.u32 = new Uint32Array(f64.buffer);
    const staged = new Float64Array(this.capacity * 2);
    staged.set(this.staged);
    this.staged = staged;
    const stagedByIds = new Uint32Array(this.capacity);
    stagedByIds.set(this.stagedByIds);
    this.stagedByIds = stagedByIds;
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
    this.u32[slot * U32_STRIDE + FLAGS] &= ~LAST_V_PENDING;
  }

  lastVPending(slot: number): boolean {
    return (this.u32[slot * U32_STRIDE + FLAGS] & LAST_V_PENDING) !== 0;
  }

  markLastVPending(slot: number): void {
    this.u32[slot * U32_STRIDE + FLAGS] |= LAST_V_PENDING;
  }

  logged(slot: number): boolean {
    return (this.u32[slot * U32_STRIDE + FLAGS] & LOGGED) !== 0;
  }

  setLogged(slot: number, logged: boolean): void {
    if (logged) this.u32[slot * U32_STRIDE + FLAGS] |= LOGGED;
    else this.u32[slot * U32_STRIDE + FLAGS] &= ~LOGGED;
  }

  storeLen(slot: number): number {
    return this.u32[slot * U32_STRIDE + STORE_LEN];
  }

  setStoreLen(slot: number, n: number): void {
    this.u32[slot * U32_STRIDE + STORE_LEN] = n;
  }

  stagedBy(slot: number): number {
    return this.stagedByIds[slot];
  }

  setStagedBy(slot: number, id: number): void {
    this.stagedByIds[slot] = id;
  }

  stagedT(slot: number): number {
    return this.staged[2 * slot];
  }

  setStagedT(slot: number, t: number): void {
    this.staged[2 * slot] = t;
  }

  stagedV(slot: number): number {
    return this.staged[2 * slot + 1];
  }

  setStagedV(slot: number, v: number): void {
    this.staged[2 * slot + 1] = v;
  }

  openCount(slot: number): number {
    return this.u32[slot * U32_STRIDE + COUNT];
  }

  openMint(slot: number): number {
    return this.f64[slot * F64_STRIDE + OPEN_MINT];
  }

  /** Starts an empty open chunk (the previous one must have been closed or dropped). */
  startOpen(slot: number, mint: number): void {
    const u = slot * U32_STRIDE;
    this.f64[slot * F64_STRIDE + OPEN_MINT] = mint;
    this.u32[u + SLAB_ADDR] = this.arena.alloc(0);
    this.u32[u + ORDER_WINDOW] = 0;
    this.u32[u + BITS] = HEADER_BITS;
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
    const ow = u32[u + ORDER_WINDOW];
    st.leading = (ow & 63) - 1;
    st.trailing = (ow >>> 6) & 127;
    // Encoded at the same bit alignment as in the slab, so its bytes OR straight in.
    const lead = bits & 7;
    st.pos = lead;
    const sample = this.sampleBits;
    appendXorSample(st, sample, t, v);
    const total = bits - lead + st.pos;
    const need = (total + 7) >>> 3;
    if (need > slabBytes(ow >>> 16)) this.moveSlab(slot, (bits + 7) >>> 3, need);
    const addr = u32[u + SLAB_ADDR];
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
    u32[u + ORDER_WINDOW] = (u32[u + ORDER_WINDOW] & 0xffff0000) | (st.leading + 1) | (st.trailing << 6);
    f64[f + T_DELTA] = st.tDelta;
    f64[f + LAST_T] = t;
    f64[f + LAST_V] = v;
    u32[u + FLAGS] &= ~LAST_V_PENDING;
  }

  /** Moves the open chunk to a slab of at least `need` bytes. */
  private moveSlab(slot: number, used: number, need: number): void {
    const u = slot * U32_STRIDE;
    const arena = this.arena;
    const oldAddr = this.u32[u + SLAB_ADDR];
    const oldOrder = this.u32[u + ORDER_WINDOW] >>> 16;
    const order = orderFor(need);
    const addr = arena.alloc(order);
    const from = slabOffset(oldAddr);
    arena.pages[slabPage(addr)].set(arena.pages[slabPage(oldAddr)].subarray(from, from + used), slabOffset(addr));
    arena.free(oldAddr, oldOrder, used);
    this.u32[u + SLAB_ADDR] = addr;
    this.u32[u + ORDER_WINDOW] = (order << 16) | (this.u32[u + ORDER_WINDOW] & 0xffff);
  }

  /**
   * A copy of the open chunk's bytes: the slab itself may move or be reused by another series
   * while a reader still decodes. The header is filled in when `withCount` is set.
   */
  copyOpen(slot: number, withCount: boolean): Uint8Array {
    const u = slot * U32_STRIDE;
    const addr = this.u32[u + SLAB_ADDR];
    const from = slabOffset(addr);
    const out = this.arena.pages[slabPage(addr)].slice(from, from + ((this.u32[u + BITS] + 7) >>> 3));
    return withCount ? finishChunk(out, this.u32[u + COUNT]) : out;
  }

  /** Forgets the open chunk, if any. */
  dropOpen(slot: number): void {
    const u = slot * U32_STRIDE;
    if (this.u32[u + BITS] === 0) return;
    this.arena.free(this.u32[u + SLAB_ADDR], this.u32[u + ORDER_WINDOW] >>> 16, (this.u32[u + BITS] + 7) >>> 3);
    this.u32[u + COUNT] = 0;
    this.u32[u + BITS] = 0;
  }
}
