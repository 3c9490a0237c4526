// histogram_quantile over classic histograms: float series with an `le` label, one per bucket.
export interface Bucket {
  upperBound: number;
  count: number;
}

export interface BucketQuantileResult {
  value: number;
  forcedMonotonic: boolean;
}

const SMALL_DELTA_TOLERANCE = 1e-12;

/** Relative float comparison as Prometheus's almost.Equal. */
export function almostEqual(a: number, b: number, epsilon: number): boolean {
  if (a === b) return true;
  const absSum = Math.abs(a) + Math.abs(b);
  const diff = Math.abs(a - b);
  const minNormal = 2.2250738585072014e-308;
  if (a === 0 || b === 0 || absSum < minNormal) return diff < epsilon * minNormal;
  return diff / Math.min(absSum, Number.MAX_VALUE) < epsilon;
}

/**
 * The q-quantile assuming observations spread evenly within each bucket. Buckets are sorted,
 * merged by bound, and made monotonic first (counts that dip are raised to the previous one;
 * differences within float noise are flattened).
 */
export function bucketQuantile(q: number, input: Bucket[]): BucketQuantileResult {
  const res = (value: number, forcedMonotonic = false): BucketQuantileResult => ({ value, forcedMonotonic });
  if (Number.isNaN(q)) return res(NaN);
  if (q < 0) return res(-Infinity);
  if (q > 1) return res(Infinity);
  const sorted = input.slice().sort((a, b) => a.upperBound - b.upperBound);
  if (sorted.length === 0 || sorted[sorted.length - 1].upperBound !== Infinity) return res(NaN);
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else buckets.push({ upperBound: b.upperBound, count: b.count });
  }
  let forcedMonotonic = false;
  let prev = buckets[0].count;
  for (let i = 1; i < buckets.length; i++) {
    const curr = buckets[i].count;
    if (curr === prev) continue;
    if (almostEqual(prev, curr, SMALL_DELTA_TOLERANCE)) {
      buckets[i].count = prev;
      continue;
    }
    if (curr < prev) {
      buckets[i].count = prev;
      forcedMonotonic = true;
      continue;
    }
    prev = curr;
  }
  if (buckets.length < 2) return res(NaN, forcedMonotonic);
  const observations = buckets[buckets.length - 1].count;
  if (observations === 0) return res(NaN, forcedMonotonic);
  let rank = q * observations;
  let b = 0;
  while (b < buckets.length - 1 && !(buckets[b].count >= rank)) b++;
  if (b === buckets.length - 1) return res(buckets[buckets.length - 2].upperBound, forcedMonotonic);
  if (b === 0 && buckets[0].upperBound <= 0) return res(buckets[0].upperBound, forcedMonotonic);
  let bucketStart = 0;
  const bucketEnd = buckets[b].upperBound;
  let count = buckets[b].count;
  if (b > 0) {
    bucketStart = buckets[b - 1].upperBound;
    count -= buckets[b - 1].count;
    rank -= buckets[b - 1].count;
  }
  return res(bucketStart + (bucketEnd - bucketStart) * (rank / count), forcedMonotonic);
}

/** Go's strconv.ParseFloat for `le` values; NaN for anything it would reject. */
export function parseBound(s: string): number {
  const t = s.trim() === s ? s : '';
  if (/^[+-]?(inf|infinity)$/i.test(t)) return t.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(t)) return NaN;
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(t)) return Number(t);
  return NaN;
}

/**
 * The fraction of observations between lower and upper, interpolating linearly inside the
 * buckets that contain the bounds (the lowest bucket starts at 0 when its bound is positive).
 */
export function bucketFraction(lower: number, upper: number, input: Bucket[]): number {
  const sorted = input.slice().sort((a, b) => a.upperBound - b.upperBound);
  if (sorted.length === 0 || sorted[sorted.length - 1].upperBound !== Infinity) return NaN;
  const buckets: Bucket[] = [];
  for (const b of sorted) {
    const last = buckets[buckets.length - 1];
    if (last && last.upperBound === b.upperBound) last.count += b.count;
    else buckets.push({ upperBound: b.upperBound, count: b.count });
  }
  const count = buckets[buckets.length - 1].count;
  if (count === 0 || Number.isNaN(lower) || Number.isNaN(upper)) return NaN;
  if (lower >= upper) return 0;
  let rank = 0;
  let lowerRank = 0;
  let upperRank = 0;
  let lowerSet = false;
  let upperSet = false;
  let lowerBound = buckets[0].upperBound <= 0 ? -Infinity : 0;
  for (let i = 0; i < buckets.length; i++) {
    const b = buckets[i];
    if (i > 0) lowerBound = buckets[i - 1].upperBound;
    const upperBound = b.upperBound;
    const interpolate = (v: number): number =>
      lowerBound === -Infinity ? b.count : rank + ((b.count - rank) * (v - lowerBound)) / (upperBound - lowerBound);
    if (!lowerSet && lowerBound >= lower) {
      lowerRank = rank;
      lowerSet = true;
    }
    if (!upperSet && lowerBound >= upper) {
      upperRank = rank;
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    if (!lowerSet && lowerBound < lower && upperBound > lower) {
      lowerRank = interpolate(lower);
      lowerSet = true;
    }
    if (!upperSet && lowerBound < upper && upperBound > upper) {
      upperRank = interpolate(upper);
      upperSet = true;
    }
    if (lowerSet && upperSet) break;
    rank = b.count;
  }
  if (!lowerSet || lowerRank > count) lowerRank = count;
  if (!upperSet || upperRank > count) upperRank = count;
  return (upperRank - lowerRank) / count;
}
