// limit_ratio's sampler: a series is in the sample when its label hash, scaled to [0, 1], is
// below the ratio (or at/above 1+ratio for negative ratios), so the choice is stable across
// steps and r and r-1 pick complementary sets. The hash is Prometheus's: xxHash64 of the
// label set in its default (stringlabels) layout, so the same series are picked.
import type { Labels } from '../../model/labels';

const MASK = (1n << 64n) - 1n;
const P1 = 0x9e3779b185ebca87n;
const P2 = 0xc2b2ae3d27d4eb4fn;
const P3 = 0x165667b19e3779f9n;
const P4 = 0x85ebca77c2b2ae63n;
const P5 = 0x27d4eb2f165667c5n;

function rotl(x: bigint, r: bigint): bigint {
  return ((x << r) | (x >> (64n - r))) & MASK;
}

function round(acc: bigint, input: bigint): bigint {
  return (rotl((acc + input * P2) & MASK, 31n) * P1) & MASK;
}

function mergeRound(acc: bigint, val: bigint): bigint {
  return ((((acc ^ round(0n, val)) * P1) & MASK) + P4) & MASK;
}

function u64(b: Uint8Array, i: number): bigint {
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(b[i + k]);
  return v;
}

function u32(b: Uint8Array, i: number): bigint {
  return BigInt((b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24)) >>> 0);
}

/** xxHash64 with seed 0. */
export function xxhash64(b: Uint8Array): bigint {
  const n = b.length;
  let i = 0;
  let h: bigint;
  if (n >= 32) {
    let v1 = (P1 + P2) & MASK;
    let v2 = P2;
    let v3 = 0n;
    let v4 = (MASK + 1n - P1) & MASK;
    for (; i + 32 <= n; i += 32) {
      v1 = round(v1, u64(b, i));
      v2 = round(v2, u64(b, i + 8));
      v3 = round(v3, u64(b, i + 16));
      v4 = round(v4, u64(b, i + 24));
    }
    h = (rotl(v1, 1n) + rotl(v2, 7n) + rotl(v3, 12n) + rotl(v4, 18n)) & MASK;
    h = mergeRound(h, v1);
    h = mergeRound(h, v2);
    h = mergeRound(h, v3);
    h = mergeRound(h, v4);
  } else {
    h = P5;
  }
  h = (h + BigInt(n)) & MASK;
  for (; i + 8 <= n; i += 8) {
    h ^= round(0n, u64(b, i));
    h = (((rotl(h, 27n) * P1) & MASK) + P4) & MASK;
  }
  if (i + 4 <= n) {
    h ^= (u32(b, i) * P1) & MASK;
    h = (((rotl(h, 23n) * P2) & MASK) + P3) & MASK;
    i += 4;
  }
  for (; i < n; i++) {
    h ^= (BigInt(b[i]) * P5) & MASK;
    h = (rotl(h, 11n) * P1) & MASK;
  }
  h ^= h >> 33n;
  h = (h * P2) & MASK;
  h ^= h >> 29n;
  h = (h * P3) & MASK;
  h ^= h >> 32n;
  return h;
}

function pushUvarint(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v >>>= 7;
  }
  out.push(v);
}

/** The bytes Prometheus hashes for a label set: each name and value prefixed by its uvarint length. */
function encodeLabels(ls: Labels): Uint8Array {
  const out: number[] = [];
  const enc = new TextEncoder();
  for (const l of ls) {
    for (const s of [l.name, l.value]) {
      const bytes = enc.encode(s);
      pushUvarint(out, bytes.length);
      for (const x of bytes) out.push(x);
    }
  }
  return Uint8Array.from(out);
}

const cache = new WeakMap<Labels, number>();

/** The series' position in [0, 1]. */
export function limitRatioOffset(metric: Labels): number {
  let off = cache.get(metric);
  if (off === undefined) {
    // float64(math.MaxUint64) rounds to 2^64.
    off = Number(xxhash64(encodeLabels(metric))) / 2 ** 64;
    cache.set(metric, off);
  }
  return off;
}
