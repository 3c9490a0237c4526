// Comparison of two Prometheus HTTP API query answers: same outcome (both succeed or both fail),
// same result type, same series label sets, same timestamps, values equal to a relative 1e-5.

export const RELATIVE_TOLERANCE = 1e-5;
/**
 * Below this magnitude two values count as equal: differences of nearly equal floats (deriv of a
 * flat stretch, x - x offset 0) leave rounding noise whose size depends on summation order.
 */
export const ABSOLUTE_FLOOR = 1e-9;

export interface ApiSeries {
  metric?: Record<string, string>;
  values?: [number, string][];
  value?: [number, string];
}

export interface ApiAnswer {
  status: string;
  error?: string;
  data?: { resultType: string; result: ApiSeries[] | [number, string] };
}

export function parseApiValue(s: string): number {
  if (s === '+Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  return Number(s);
}

export function valuesClose(a: number, b: number): boolean {
  if (Number.isNaN(a) || Number.isNaN(b)) return Number.isNaN(a) && Number.isNaN(b);
  if (a === b) return true;
  if (!Number.isFinite(a) || !Number.isFinite(b)) return false;
  if (Math.abs(a) < ABSOLUTE_FLOOR && Math.abs(b) < ABSOLUTE_FLOOR) return true;
  return Math.abs(a - b) <= RELATIVE_TOLERANCE * Math.max(Math.abs(a), Math.abs(b));
}

function metricKey(metric: Record<string, string> | undefined): string {
  return JSON.stringify(Object.entries(metric ?? {}).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Every answer as series key -> (timestamp ms -> value); scalars become one unlabelled series. */
function points(answer: ApiAnswer): { ordered: string[]; series: Map<string, Map<number, number>> } {
  const series = new Map<string, Map<number, number>>();
  const ordered: string[] = [];
  const data = answer.data;
  if (!data) return { ordered, series };
  if (data.resultType === 'scalar') {
    const [t, v] = data.result as [number, string];
    series.set(metricKey({}), new Map([[Math.round(t * 1000), parseApiValue(v)]]));
    return { ordered, series };
  }
  for (const s of data.result as ApiSeries[]) {
    const key = metricKey(s.metric);
    ordered.push(key);
    const pts = s.values ?? (s.value ? [s.value] : []);
    series.set(key, new Map(pts.map(([t, v]) => [Math.round(t * 1000), parseApiValue(v)])));
  }
  return { ordered, series };
}

/**
 * Undefined when the answers agree, else one line saying where they first differ. When
 * `orderMatters` (sort() in an instant query), the series order must be the same too.
 */
export function compareAnswers(expected: ApiAnswer, actual: ApiAnswer, orderMatters = false): string | undefined {
  if (expected.status !== 'success' || actual.status !== 'success') {
    if (expected.status === actual.status) return undefined;
    return expected.status === 'success'
      ? `flint failed (${actual.error}), Prometheus succeeded`
      : `Prometheus failed (${expected.error}), flint succeeded`;
  }
  if (expected.data?.resultType !== actual.data?.resultType) {
    return `result type ${actual.data?.resultType} vs Prometheus ${expected.data?.resultType}`;
  }
  const e = points(expected);
  const a = points(actual);
  for (const key of new Set([...e.series.keys(), ...a.series.keys()])) {
    const ep = e.series.get(key);
    const ap = a.series.get(key);
    if (!ep || !ap) return `series ${key} only in ${ep ? 'Prometheus' : 'flint'}`;
    for (const t of new Set([...ep.keys(), ...ap.keys()])) {
      const ev = ep.get(t);
      const av = ap.get(t);
      if (ev === undefined || av === undefined || !valuesClose(ev, av)) {
        return `${key} at ${t}: flint ${av} vs Prometheus ${ev}`;
      }
    }
  }
  if (orderMatters && e.ordered.join('\n') !== a.ordered.join('\n')) {
    return `series order differs: flint ${a.ordered.join(' ')} vs Prometheus ${e.ordered.join(' ')}`;
  }
  return undefined;
}
