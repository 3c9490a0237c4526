// The evaluation timestamps of a (sub)query: start, start+interval, ..., <= end.
export interface Steps {
  start: number;
  end: number;
  interval: number;
  n: number;
  times: Float64Array;
}

export function makeSteps(start: number, end: number, interval: number): Steps {
  const n = end < start ? 0 : interval > 0 ? Math.floor((end - start) / interval) + 1 : 1;
  const times = new Float64Array(n);
  for (let i = 0; i < n; i++) times[i] = start + i * interval;
  return { start, end, interval, n, times };
}

/** Whether the values never decrease (window ends do, unless an `@` pins them). */
export function isAscending(a: Float64Array): boolean {
  for (let i = 1; i < a.length; i++) if (a[i] < a[i - 1]) return false;
  return true;
}

/** The first index of ascending `a` whose value is >= x (a.length when none is). */
export function lowerBound(a: Float64Array, x: number): number {
  let lo = 0;
  let hi = a.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (a[mid] < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
