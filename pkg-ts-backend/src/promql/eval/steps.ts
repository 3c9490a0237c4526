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
