// Gorilla-style float chunk: timestamps by delta-of-delta, values by XOR with the previous
// value's bits. A closed chunk is `[uint16 BE sample count][bit stream]` (see FORMAT.md).
// Values travel as raw float64 bits, so NaN payloads (the stale marker) survive exactly.
import type { SampleIterator } from '../../storage/interface';
import { BitReader, BitWriter } from './bitstream';

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

export class XorChunkEncoder {
  private readonly w: BitWriter;
  private n = 0;
  private tPrev = 0;
  private tDelta = 0;
  private vHi = 0;
  private vLo = 0;
  private leading = -1;
  private trailing = 0;

  constructor(initialBytes = 32) {
    this.w = new BitWriter(initialBytes);
    this.w.writeBits(0, HEADER_BITS);
  }

  numSamples(): number {
    return this.n;
  }

  /** The live buffer (header not yet filled in); decode it with an explicit sample count. */
  liveBuffer(): Uint8Array {
    return this.w.buffer();
  }

  append(t: number, v: number): void {
    scratchF64[0] = v;
    let hi = scratchU32[HI];
    const lo = scratchU32[LO];
    // A stale marker quieted by arithmetic is stored with its canonical signalling bits.
    if (hi === 0x7ff80000 && lo === 2) hi = 0x7ff00000;
    const w = this.w;
    if (this.n === 0) {
      w.writeVarint(t);
      w.writeBits(hi, 32);
      w.writeBits(lo, 32);
    } else if (this.n === 1) {
      this.tDelta = t - this.tPrev;
      w.writeVarint(this.tDelta);
      this.writeValue(hi, lo);
    } else {
      const delta = t - this.tPrev;
      this.writeDod(delta - this.tDelta);
      this.tDelta = delta;
      this.writeValue(hi, lo);
    }
    this.tPrev = t;
    this.vHi = hi;
    this.vLo = lo;
    this.n++;
  }

  private writeDod(dod: number): void {
    const w = this.w;
    if (dod === 0) {
      w.writeBit(0);
      return;
    }
    for (let i = 0; i < DOD_BITS.length; i++) {
      const bits = DOD_BITS[i];
      if (fitsSigned(dod, bits)) {
        // Prefix: i+1 ones followed by a zero.
        w.writeBits(((1 << (i + 2)) - 2) >>> 0, i + 2);
        w.writeBits(dod & ((1 << bits) - 1), bits);
        return;
      }
    }
    w.writeBits(0b1111, 4);
    const hi = Math.floor(dod / TWO_32);
    w.writeBits(hi >>> 0, 32);
    w.writeBits((dod - hi * TWO_32) >>> 0, 32);
  }

  private writeValue(hi: number, lo: number): void {
    const w = this.w;
    const xHi = (hi ^ this.vHi) >>> 0;
    const xLo = (lo ^ this.vLo) >>> 0;
    if (xHi === 0 && xLo === 0) {
      w.writeBit(0);
      return;
    }
    w.writeBit(1);
    let leading = clz64(xHi, xLo);
    const trailing = ctz64(xHi, xLo);
    if (leading > 31) leading = 31;
    if (this.leading !== -1 && leading >= this.leading && trailing >= this.trailing) {
      w.writeBit(0);
      writeSegment(w, xHi, xLo, this.trailing, 64 - this.leading - this.trailing);
      return;
    }
    this.leading = leading;
    this.trailing = trailing;
    const sig = 64 - leading - trailing;
    w.writeBit(1);
    w.writeBits(leading, 5);
    // A zero-width value never reaches here (xor is non-zero), so 0 stands for 64 bits.
    w.writeBits(sig & 63, 6);
    writeSegment(w, xHi, xLo, trailing, sig);
  }

  /** The closed chunk's bytes (a right-sized copy with the sample count filled in). */
  bytes(): Uint8Array {
    const out = this.w.bytes();
    out[0] = this.n >>> 8;
    out[1] = this.n & 0xff;
    return out;
  }
}

/** Writes bits [from, from+width) of the 64-bit value (hi, lo), bit 0 being the least significant. */
function writeSegment(w: BitWriter, hi: number, lo: number, from: number, width: number): void {
  const top = from + width - 1;
  if (top >= 32) {
    const start = from > 32 ? from : 32;
    const hiWidth = top - start + 1;
    w.writeBits(hi >>> (start - 32), hiWidth);
  }
  if (from < 32) {
    const end = top < 31 ? top : 31;
    w.writeBits(lo >>> from, end - from + 1);
  }
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
