// The scrape manager: one pool per scrape config, fed by service discovery, reloaded with the
// configuration, and the source of target state and metadata for the HTTP API.
import { hostname } from 'node:os';
import type { Config } from '../config/types';
import { Labels, labelsKey } from '../model/labels';
import type { Appendable } from '../storage/interface';
import type { MetricMetadata } from '../textparse';
import type { Logger } from '../util/log';
import * as metrics from '../util/metrics';
import { DroppedTargetInfo, ScrapePool, TargetInfo } from './pool';
import type { ExemplarSink, ScrapeLoopOptions } from './loop';
import { TargetGroup, targetHash } from './target';

export interface TargetMetadataEntry extends MetricMetadata {
  target: Labels;
  metric: string;
}

export interface ScrapeManagerOptions {
  logger: Logger;
  externalLabels?: Labels;
  /** Exemplar storage, when enabled. */
  exemplars?: ExemplarSink;
  /** --scrape.timestamp-tolerance in ms when --scrape.adjust-timestamps is on, else 0. */
  timestampToleranceMs?: number;
}

export class ScrapeManager {
  private readonly poolsByName = new Map<string, ScrapePool>();
  private readonly groups = new Map<string, TargetGroup[]>();
  private readonly logger: Logger;
  private readonly offsetSeed: bigint;
  private readonly loopExtras: Pick<ScrapeLoopOptions, 'exemplars' | 'timestampToleranceMs'>;
  /** Serialises config applications and target syncs so pool changes never interleave. */
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly appendable: Appendable,
    opts: ScrapeManagerOptions
  ) {
    this.logger = opts.logger.child({ component: 'scrape manager' });
    this.offsetSeed = targetHash(labelsKey(opts.externalLabels ?? []) + hostname());
    this.loopExtras = { exemplars: opts.exemplars, timestampToleranceMs: opts.timestampToleranceMs };
  }

  private enqueue(work: () => Promise<void>): void {
    this.pending = this.pending
      .then(work)
      .catch((e: unknown) => this.logger.error('Scrape manager update failed', { err: e as Error }));
  }

  /** Resolves when every change queued so far has taken effect (tests and reload handlers wait on it). */
  settled(): Promise<void> {
    return this.pending;
  }

  /** Creates, reloads or stops pools to match the config's scrape_configs. */
  applyConfig(cfg: Config): void {
    this.enqueue(async () => {
      const wanted = new Map(cfg.scrapeConfigs.map((c) => [c.jobName, c]));
      const work: Promise<void>[] = [];
      for (const [name, pool] of this.poolsByName) {
        if (wanted.has(name)) continue;
        this.poolsByName.delete(name);
        work.push(pool.stop(true));
      }
      for (const [name, sc] of wanted) {
        const pool = this.poolsByName.get(name);
        if (pool) {
          work.push(
            pool
              .reload(sc)
              .catch((e: unknown) =>
                this.logger.error('error reloading scrape pool', { err: e as Error, scrape_pool: name })
              )
          );
          continue;
        }
        let created: ScrapePool;
        metrics.targetScrapePoolsTotal.inc();
        try {
          created = new ScrapePool(sc, this.appendable, this.logger.child({ scrape_pool: name }), this.offsetSeed, this.loopExtras);
        } catch (e) {
          metrics.targetScrapePoolsFailedTotal.inc();
          this.logger.error('error creating new scrape pool', { err: e as Error, scrape_pool: name });
          continue;
        }
        this.poolsByName.set(name, created);
        work.push(created.sync(this.groups.get(name) ?? []));
      }
      await Promise.all(work);
    });
  }

  /** Target groups from service discovery, keyed by pool (job) name; each value is that pool's complete set. */
  onTargetGroups(groups: Map<string, TargetGroup[]>): void {
    this.enqueue(async () => {
      const work: Promise<void>[] = [];
      for (const [name, gs] of groups) {
        this.groups.set(name, gs);
        const pool = this.poolsByName.get(name);
        if (pool) work.push(pool.sync(gs));
      }
      await Promise.all(work);
    });
  }

  /** Shutdown: stops every loop. No staleness markers, as Prometheus writes none when it exits. */
  async stop(): Promise<void> {
    await this.pending;
    const pools = [...this.poolsByName.values()];
    this.poolsByName.clear();
    await Promise.all(pools.map((p) => p.stop(false)));
  }

  pools(): string[] {
    return [...this.poolsByName.keys()].sort();
  }

  activeTargets(): TargetInfo[] {
    return this.sortedPools().flatMap((p) => p.activeTargets());
  }

  droppedTargets(): DroppedTargetInfo[] {
    return this.sortedPools().flatMap((p) => p.droppedTargets());
  }

  /** Pool name -> number of dropped targets, including those beyond keep_dropped_targets. */
  droppedTargetCounts(): Record<string, number> {
    const out: Record<string, number> = {};
    for (const p of this.sortedPools()) out[p.name] = p.droppedCount;
    return out;
  }

  /** Per-target metadata from each target's last successful scrape (for /api/v1/targets/metadata). */
  targetMetadata(): TargetMetadataEntry[] {
    const out: TargetMetadataEntry[] = [];
    for (const pool of this.sortedPools()) {
      for (const loop of pool.loopList()) {
        for (const [metric, m] of loop.cache.metadata())
          out.push({ target: loop.target.labels, metric, type: m.type, help: m.help, unit: m.unit });
      }
    }
    return out;
  }

  /** Metric name -> distinct metadata across all targets (for /api/v1/metadata). */
  metadata(): Map<string, MetricMetadata[]> {
    const out = new Map<string, MetricMetadata[]>();
    for (const e of this.targetMetadata()) {
      let list = out.get(e.metric);
      if (!list) out.set(e.metric, (list = []));
      if (!list.some((m) => m.type === e.type && m.help === e.help && m.unit === e.unit))
        list.push({ type: e.type, help: e.help, unit: e.unit });
    }
    return out;
  }

  private sortedPools(): ScrapePool[] {
    return [...this.poolsByName.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, p]) => p);
  }
}
