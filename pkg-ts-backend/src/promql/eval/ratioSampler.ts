// limit_ratio's sampler: a series is in the sample when a hash of its labels, scaled to [0, 1),
// falls below the ratio (or at/above 1+ratio for negative ratios), so the choice is stable
// across steps and complementary for r and r-1. Prometheus uses xxhash; any uniform stable
// hash gives the same guarantees, though not the same individual choices.
import { Labels, labelsKey } from '../../model/labels';

/** cyrb53: a fast 53-bit string hash. */
function hash53(s: string): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < s.length; i++) {
    const ch = s.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

const cache = new WeakMap<Labels, number>();

/** The series' position in [0, 1). */
export function limitRatioOffset(metric: Labels): number {
  let off = cache.get(metric);
  if (off === undefined) {
    off = hash53(labelsKey(metric)) / 2 ** 53;
    cache.set(metric, off);
  }
  return off;
}
