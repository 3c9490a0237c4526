// Puts remote_read endpoints behind the query engine: before a query runs, its selectors are
// read from every remote endpoint that wants them, and the query sees local and remote data
// merged. A failing endpoint adds a warning; the query still answers from what is left.
import type { EngineQueryOptions, QueryEngine } from '../api/types';
import { Engine, queryTimeRange } from '../promql/engine';
import type { Expr } from '../promql/parser/ast';
import { vectorSelectors } from '../promql/parser';
import type { QueryResult } from '../promql/value';
import type { Queryable } from '../storage/interface';
import { MemoryStorage } from '../storage/memory';
import { mergeQueryables } from '../storage/merge';
import type { RemoteReadClient } from '../storage/remote/read';

export class RemoteReadEngine implements QueryEngine {
  constructor(
    private readonly engine: Engine,
    private readonly clients: () => readonly RemoteReadClient[],
    /** Lowest timestamp the local storage holds (for read_recent: false). */
    private readonly localMinTime: () => number
  ) {}

  private async prepare(q: Queryable, query: string, start: number, end: number, lookbackDeltaMs?: number): Promise<{ q: Queryable; warnings: string[] }> {
    const clients = this.clients();
    if (clients.length === 0) return { q, warnings: [] };
    let expr: Expr;
    try {
      expr = this.engine.parse(query);
    } catch {
      return { q, warnings: [] };
    }
    const [mint, maxt] = queryTimeRange(expr, start, end, lookbackDeltaMs ?? this.engine.opts.lookbackDeltaMs, this.engine.opts.defaultEvalIntervalMs);
    const sels = vectorSelectors(expr).map((vs) => vs.matchers);
    const remote = new MemoryStorage();
    const warnings: string[] = [];
    const localMin = this.localMinTime();
    await Promise.all(
      clients.map(async (c) => {
        const wanted = sels.filter((ms) => c.wants(ms, mint, localMin));
        if (wanted.length === 0) return;
        try {
          await c.read(wanted, mint, maxt, remote);
        } catch (err) {
          warnings.push(`remote_read ${c.cfg.name}: ${(err as Error).message}`);
        }
      })
    );
    return { q: mergeQueryables([q, remote]), warnings };
  }

  private static withWarnings(r: QueryResult, warnings: string[]): QueryResult {
    return warnings.length ? { ...r, warnings: [...r.warnings, ...warnings] } : r;
  }

  async instantQuery(q: Queryable, query: string, ts: number, opts?: EngineQueryOptions): Promise<QueryResult> {
    const p = await this.prepare(q, query, ts, ts, opts?.lookbackDeltaMs);
    return RemoteReadEngine.withWarnings(await this.engine.instantQuery(p.q, query, ts, opts), p.warnings);
  }

  async rangeQuery(q: Queryable, query: string, start: number, end: number, step: number, opts?: EngineQueryOptions): Promise<QueryResult> {
    const p = await this.prepare(q, query, start, end, opts?.lookbackDeltaMs);
    return RemoteReadEngine.withWarnings(await this.engine.rangeQuery(p.q, query, start, end, step, opts), p.warnings);
  }
}
