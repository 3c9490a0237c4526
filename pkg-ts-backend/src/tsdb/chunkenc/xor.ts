// Gorilla-style float chunk: timestamps by delta-of-delta, values by XOR with the previous
// value's bits. A closed chunk is `[uint16 BE sample count][bit stream]` (see FORMAT.md).
// Values travel as raw float64 bits, so NaN payloads (the stale marker) survive exactly.
import type { SampleIterator } from '../../storage/interface';
import { BitReader } from './bitstream';

const HEADER_BITS = 16;
const TWO_32 = 4294967296;

// Delta-of-delta buckets: control prefix, then a signed value in this many bits.
const DOD_BITS = [14, 17, 20] as const;

const scratchF64 = new Float64Array(1);
const scratchU32 = new Uint32Array(scratchF64.buffer);
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

function clz64(hi: number, lo: number): number {
  return hi !== 0 ? Math.clz32(hi) : 32 + Math.clz32(lo);
}

function ctz32(x: number): number {
  return x === 0 ? 32 : 31 - Math.clz32(x & -x);
}

function ctz64(hi: number, lo: number): number {
  return lo !== 0 ? ctz32(lo) : 32 + ctz32(hi);
}

/** Whether v fits the signed field of `bits` (at most DOD_BITS' 20) bits. */
function fitsSigned(v: number, bits: number): boolean {
  const half = 1 << (bits - 1);
  return v >= -(half - 1) && v <= half;
}

/** An encoder's state between samples: XorChunkEncoder holds one, the head keeps it in columns. */
export interface XorAppendState {
  /** Samples written so far. */
  n: number;
  tPrev: number;
  tDelta: number;
  vHi: number;
  vLo: number;
  /** Leading zeros of the current XOR window; -1 before the first window is opened. */
  leading: number;
  trailing: number;
  /** Position in the buffer (in bits) where the next sample's bits go. */
  pos: number;
}

/** The most bytes one sample can take: a 10-byte varint or a 68-bit dod, plus a 77-bit new window. */
export const MAX_SAMPLE_BYTES = 20;

export function newXorAppendState(startBit: number): XorAppendState {
  return { n: 0, tPrev: 0, tDelta: 0, vHi: 0, vLo: 0, leading: -1, trailing: 0, pos: startBit };
}

/** ORs the low `width` (0..32) bits of `value` into `buf` at bit `pos`; returns the new position. */
function putBits(buf: Uint8Array, pos: number, value: number, width: number): number {
  let left = width;
  while (left > 0) {
    const free = 8 - (pos & 7);
    const take = free < left ? free : left;
    buf[pos >>> 3] |= ((value >>> (left - take)) & ((1 << take) - 1)) << (free - take);
    pos += take;
    left -= take;
  }
  return pos;
}

/** A zig-zag varint in 8-bit groups, as the chunk format writes the first timestamp and delta. */
function putVarint(buf: Uint8Array, pos: number, v: number): number {
  let n = v >= 0 ? v * 2 : -v * 2 - 1;
  while (n >= 128) {
    pos = putBits(buf, pos, (n % 128) | 128, 8);
    n = Math.floor(n / 128);
  }
  return putBits(buf, pos, n, 8);
}

/**
 * Encodes one sample at `st.pos`. The bytes from there on must be zero, with at least
 * MAX_SAMPLE_BYTES of them inside `buf`.
 */
export function appendXorSample(st: XorAppendState, buf: Uint8Array, t: number, v: number): void {
  scratchF64[0] = v;
  let hi = scratchU32[HI];
  const lo = scratchU32[LO];
  // A stale marker quieted by arithmetic is stored with its canonical signalling bits.
  if (hi === 0x7ff80000 && lo === 2) hi = 0x7ff00000;
  let pos = st.pos;
  if (st.n === 0) {
    pos = putVarint(buf, pos, t);
    pos = putBits(buf, pos, hi, 32);
    pos = putBits(buf, pos, lo, 32);
  } else if (st.n === 1) {
    st.tDelta = t - st.tPrev;
    pos = putVarint(buf, pos, st.tDelta);
    pos = putValue(st, buf, pos, hi, lo);
  } else {
    const delta = t - st.tPrev;
    pos = putDod(buf, pos, delta - st.tDelta);
    st.tDelta = delta;
    pos = putValue(st, buf, pos, hi, lo);
  }
  st.pos = pos;
  st.tPrev = t;
  st.vHi = hi;
  st.vLo = lo;
  st.n++;
}

function putDod(buf: Uint8Array, pos: number, dod: number): number {
  if (dod === 0) return pos + 1;
  for (let i = 0; i < DOD_BITS.length; i++) {
    const bits = DOD_BITS[i];
    if (fitsSigned(dod, bits)) {
      // Prefix: i+1 ones followed by a zero.
      pos = putBits(buf, pos, ((1 << (i + 2)) - 2) >>> 0, i + 2);
      return putBits(buf, pos, dod & ((1 << bits) - 1), bits);
    }
  }
  pos = putBits(buf, pos, 0b1111, 4);
  const hi = Math.floor(dod / TWO_32);
  pos = putBits(buf, pos, hi >>> 0, 32);
  return putBits(buf, pos, (dod - hi * TWO_32) >>> 0, 32);
}

function putValue(st: XorAppendState, buf: Uint8Array, pos: number, hi: number, lo: number): number {
  const xHi = (hi ^ st.vHi) >>> 0;
  const xLo = (lo ^ st.vLo) >>> 0;
  // Zero bits are already there: a 0 control bit is just a step forward.
  if (xHi === 0 && xLo === 0) return pos + 1;
  let leading = clz64(xHi, xLo);
  const trailing = ctz64(xHi, xLo);
  if (leading > 31) leading = 31;
  if (st.leading !== -1 && leading >= st.leading && trailing >= st.trailing) {
    pos = putBits(buf, pos, 0b10, 2);
    return putSegment(buf, pos, xHi, xLo, st.trailing, 64 - st.leading - st.trailing);
  }
  st.leading = leading;
  st.trailing = trailing;
  const sig = 64 - leading - trailing;
  pos = putBits(buf, pos, 0b11, 2);
  pos = putBits(buf, pos, leading, 5);
  // A zero-width value never reaches here (xor is non-zero), so 0 stands for 64 bits.
  pos = putBits(buf, pos, sig & 63, 6);
  return putSegment(buf, pos, xHi, xLo, trailing, sig);
}

/** Writes bits [from, from+width) of the 64-bit value (hi, lo), bit 0 being the least significant. */
function putSegment(buf: Uint8Array, pos: number, hi: number, lo: number, from: number, width: number): number {
  const top = from + width - 1;
  if (top >= 32) {
    const start = from > 32 ? from : 32;
    pos = putBits(buf, pos, hi >>> (start - 32), top - start + 1);
  }
  if (from < 32) {
    const end = top < 31 ? top : 31;
    pos = putBits(buf, pos, lo >>> from, end - from + 1);
  }
  return pos;
}

export class XorChunkEncoder {
  private buf: Uint8Array;
  private readonly st = newXorAppendState(HEADER_BITS);

  constructor(initialBytes = 32) {
    this.buf = new Uint8Array(Math.max(initialBytes, HEADER_BITS / 8 + MAX_SAMPLE_BYTES));
  }

  numSamples(): number {
    return this.st.n;
  }

  /**
   * The live buffer (header not yet filled in); decode it with an explicit sample count. Bytes
   * covering already written samples never change (growth copies into a new buffer), so a
   * reader may keep decoding it while appends go on.
   */
  liveBuffer(): Uint8Array {
    return this.buf;
  }

  append(t: number, v: number): void {
    const used = (this.st.pos + 7) >>> 3;
    if (used + MAX_SAMPLE_BYTES > this.buf.length) {
      // Grow by half, not double: a closed chunk is copied out, but the open one stays resident.
      const next = new Uint8Array(this.buf.length + Math.max(MAX_SAMPLE_BYTES, this.buf.length >>> 1));
      next.set(this.buf.subarray(0, used));
      this.buf = next;
    }
    appendXorSample(this.st, this.buf, t, v);
  }

  /** The closed chunk's bytes (a right-sized copy with the sample count filled in). */
  bytes(): Uint8Array {
    return finishChunk(this.buf.slice(0, (this.st.pos + 7) >>> 3), this.st.n);
  }
}

/** Fills in the sample count of a chunk's header; returns the chunk. */
export function finishChunk(chunk: Uint8Array, count: number): Uint8Array {
  chunk[0] = count >>> 8;
  chunk[1] = count & 0xff;
  return chunk;
}

/** Number of samples in a closed chunk. */
export function chunkSampleCount(chunk: Uint8Array): number {
  return (chunk[0] << 8) | chunk[1];
}

/**
 * Walks a chunk lazily. For a closed chunk pass its bytes (count read from the header); for an
 * open chunk pass the encoder's live buffer and the sample count observed when the reader was made.
 */
export class XorChunkIterator implements SampleIterator {
  private readonly r: BitReader;
  private readonly total: number;
  private read = 0;
  private tCur = 0;
  private tDelta = 0;
  private leading = 0;
  private trailing = 0;
  // The value's bits as two 32-bit halves: v() assembles them in the shared scratch array, so
  // an iterator (one per chunk read) allocates no typed arrays of its own.
  private hi = 0;
  private lo = 0;

  constructor(buf: Uint8Array, count?: number) {
    this.total = count ?? chunkSampleCount(buf);
    this.r = new BitReader(buf, HEADER_BITS);
  }

  next(): boolean {
    if (this.read >= this.total) return false;
    const r = this.r;
    if (this.read === 0) {
      this.tCur = r.readVarint();
      this.hi = r.readBits(32);
      this.lo = r.readBits(32);
    } else if (this.read === 1) {
      this.tDelta = r.readVarint();
      this.tCur += this.tDelta;
      this.readValue();
    } else {
      this.tDelta += this.readDod();
      this.tCur += this.tDelta;
      this.readValue();
    }
    this.read++;
    return true;
  }

  private readDod(): number {
    const r = this.r;
    let prefix = 0;
    while (prefix < 4 && r.readBit() === 1) prefix++;
    if (prefix === 0) return 0;
    if (prefix === 4) {
      const hi = r.readBits(32) | 0;
      return hi * TWO_32 + r.readBits(32);
    }
    const width = DOD_BITS[prefix - 1];
    const raw = r.readBits(width);
    // Shifts, not `**`: V8 calls Math.pow for a variable exponent, which dominated decoding.
    return raw > 1 << (width - 1) ? raw - (1 << width) : raw;
  }

  private readValue(): void {
    const r = this.r;
    if (r.readBit() === 0) return;
    if (r.readBit() === 1) {
      this.leading = r.readBits(5);
      let sig = r.readBits(6);
      if (sig === 0) sig = 64;
      this.trailing = 64 - this.leading - sig;
    }
    const from = this.trailing;
    const top = 63 - this.leading;
    let xHi = 0;
    let xLo = 0;
    if (top >= 32) {
      const start = from > 32 ? from : 32;
      xHi = r.readBits(top - start + 1) << (start - 32);
    }
    if (from < 32) {
      const end = top < 31 ? top : 31;
      xLo = r.readBits(end - from + 1) << from;
    }
    this.hi = (this.hi ^ xHi) >>> 0;
    this.lo = (this.lo ^ xLo) >>> 0;
  }

  seek(t: number): boolean {
    if (this.read > 0 && this.tCur >= t) return true;
    while (this.next()) if (this.tCur >= t) return true;
    return false;
  }

  t(): number {
    return this.tCur;
  }

  v(): number {
    scratchU32[HI] = this.hi;
    scratchU32[LO] = this.lo;
    return scratchF64[0];
  }
}
