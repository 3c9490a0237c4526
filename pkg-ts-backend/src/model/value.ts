// Special float values: the staleness marker and the normal NaN, compared by bit pattern.
//
// V8 does not keep NaN payloads everywhere: the stale marker is a signalling NaN, and any
// arithmetic or a store into a plain JS number array quiets it (0x7ff8000000000002) or even
// canonicalises it (0x7ff8000000000000). Keep sample values in Float64Array or object fields,
// never in number[]; and write STALE_NAN's exact bits wherever a value is persisted.

const f64 = new Float64Array(1);
const u32 = new Uint32Array(f64.buffer);
// Little-endian hosts keep the high word at index 1.
const HI = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 1 : 0;
const LO = 1 - HI;

function fromBits(hi: number, lo: number): number {
  u32[HI] = hi;
  u32[LO] = lo;
  return f64[0];
}

/** The staleness marker: a NaN with bits 0x7ff0000000000002. Never equal to anything, even itself. */
export const STALE_NAN = fromBits(0x7ff00000, 0x00000002);
/** The NaN Prometheus writes for an ordinary NaN sample: bits 0x7ff8000000000001. */
export const NORMAL_NAN = fromBits(0x7ff80000, 0x00000001);

export function isStaleNaN(v: number): boolean {
  if (v === v) return false;
  f64[0] = v;
  // Accept the quieted form too: the payload survives quieting, only bit 51 gets set.
  return (u32[HI] === 0x7ff00000 || u32[HI] === 0x7ff80000) && u32[LO] === 0x00000002;
}

/** The two 32-bit halves of a float64, high word first. */
export function float64Bits(v: number): [number, number] {
  f64[0] = v;
  return [u32[HI], u32[LO]];
}

export function float64FromBits(hi: number, lo: number): number {
  return fromBits(hi >>> 0, lo >>> 0);
}
