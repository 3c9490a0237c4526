// Test helpers: a storage-backed stand-in for the PromQL engine that understands plain vector
// selectors (latest sample within 5m, skipping stale markers) and fixed results by expression text.
import { isStaleNaN } from '../model/value';
import { formatExpr } from '../promql/parser';
import type { Sample } from '../promql/value';
import type { MemoryStorage } from '../storage/memory';
import { createLogger } from '../util/log';
import type { QueryFunc } from './rule';

export const quietLogger = createLogger({ level: 'error', write: () => undefined });

export function selectorQuery(storage: MemoryStorage, fixed: Map<string, Sample[]> = new Map()): QueryFunc {
  return async (expr, ts) => {
    const text = formatExpr(expr);
    const preset = fixed.get(text);
    if (preset) return preset.map((s) => ({ ...s, t: ts }));
    if (expr.type !== 'VectorSelector') return [];
    const q = storage.querier(ts - 300_000, ts);
    const out: Sample[] = [];
    for (const s of q.select(true, undefined, expr.matchers)) {
      const it = s.iterator();
      let last: number | null = null;
      while (it.next()) if (it.t() <= ts) last = it.v();
      if (last !== null && !isStaleNaN(last)) out.push({ metric: s.labels, t: ts, v: last });
    }
    q.close();
    return out;
  };
}

/** Every sample of the series with exactly these labels, stale markers shown as 'stale'. */
export function samplesOf(storage: MemoryStorage, labels: Record<string, string>): Array<[number, number | 'stale']> {
  const q = storage.querier(-Infinity, Infinity);
  const out: Array<[number, number | 'stale']> = [];
  const want = Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1));
  for (const s of q.select(false, undefined, [])) {
    if (s.labels.length !== want.length || s.labels.some((l, i) => l.name !== want[i][0] || l.value !== want[i][1])) continue;
    const it = s.iterator();
    while (it.next()) out.push([it.t(), isStaleNaN(it.v()) ? 'stale' : it.v()]);
  }
  q.close();
  return out;
}
