// The discovery manager: runs the mechanisms of every pool (a scrape job or an Alertmanager
// set), and hands the full, current target groups of all pools to its subscribers, at most once
// per update interval (Prometheus batches updates the same way, every 5 s).
import { SDConfig } from '../config/types';
import { Logger } from '../util/log';
import { Discoverer } from './discoverer';
import { DNSDiscoverer } from './dns';
import { FileDiscoverer } from './file';
import { HTTPDiscoverer } from './http';
import { discoveredTargets, receivedUpdatesTotal, updatesTotal } from './metrics';
import { StaticDiscoverer } from './static';
import { TargetGroup } from './targetGroup';

export interface DiscoveryManagerOptions {
  /** Shortest time between two notifications; 5 s like Prometheus. */
  updateIntervalMs?: number;
  /** The `name` label of the flint_sd_* metrics: `scrape` or `notify`, as in Prometheus. */
  name?: string;
}

interface Pool {
  /** The pool's configs as JSON: an unchanged pool keeps running across reloads. */
  configKey: string;
  discoverers: Discoverer[];
  /** Latest groups of each discoverer, by index. */
  groups: TargetGroup[][];
}

export type DiscoveryUpdate = (groups: Map<string, TargetGroup[]>) => void;

export class DiscoveryManager {
  private readonly pools = new Map<string, Pool>();
  private readonly subscribers: DiscoveryUpdate[] = [];
  private readonly updateIntervalMs: number;
  private readonly name: string;
  private pending?: NodeJS.Timeout;
  private lastSent = 0;
  private stopped = false;

  constructor(
    private readonly logger: Logger,
    options: DiscoveryManagerOptions = {}
  ) {
    this.updateIntervalMs = options.updateIntervalMs ?? 5000;
    this.name = options.name ?? 'scrape';
  }

  /** Replaces the set of pools. Pools whose configs did not change keep their discoverers and targets. */
  applyConfig(pools: Map<string, SDConfig[]>): void {
    for (const [name, pool] of this.pools) {
      const next = pools.get(name);
      if (next === undefined || JSON.stringify(next) !== pool.configKey) {
        for (const d of pool.discoverers) d.stop();
        this.pools.delete(name);
        discoveredTargets.remove({ name: this.name, config: name });
      }
    }
    for (const [name, configs] of pools) {
      if (this.pools.has(name)) continue;
      const pool: Pool = { configKey: JSON.stringify(configs), discoverers: [], groups: configs.map(() => []) };
      this.pools.set(name, pool);
      configs.forEach((cfg, i) => {
        const d = this.createDiscoverer(name, cfg);
        pool.discoverers.push(d);
        d.run((groups) => {
          if (this.pools.get(name) !== pool) return;
          receivedUpdatesTotal.inc({ name: this.name });
          pool.groups[i] = groups;
          this.scheduleUpdate();
        });
      });
    }
    this.scheduleUpdate();
  }

  onUpdate(cb: DiscoveryUpdate): void {
    this.subscribers.push(cb);
  }

  /** The current groups of every pool. */
  targetGroups(): Map<string, TargetGroup[]> {
    const out = new Map<string, TargetGroup[]>();
    for (const [name, pool] of this.pools) out.set(name, pool.groups.flat());
    return out;
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.pending);
    for (const [name, pool] of this.pools) {
      for (const d of pool.discoverers) d.stop();
      discoveredTargets.remove({ name: this.name, config: name });
    }
    this.pools.clear();
  }

  private createDiscoverer(pool: string, cfg: SDConfig): Discoverer {
    const logger = this.logger.child({ component: 'discovery', discovery: cfg.kind, config: pool });
    switch (cfg.kind) {
      case 'static':
        return new StaticDiscoverer(cfg);
      case 'file':
        return new FileDiscoverer(cfg, logger);
      case 'http':
        return new HTTPDiscoverer(cfg, logger);
      case 'dns':
        return new DNSDiscoverer(cfg, logger);
    }
  }

  private scheduleUpdate(): void {
    if (this.pending || this.stopped) return;
    const wait = Math.max(0, this.lastSent + this.updateIntervalMs - Date.now());
    this.pending = setTimeout(() => {
      this.pending = undefined;
      this.lastSent = Date.now();
      const groups = this.targetGroups();
      updatesTotal.inc({ name: this.name });
      for (const [config, gs] of groups) discoveredTargets.set({ name: this.name, config }, gs.reduce((n, g) => n + g.targets.length, 0));
      for (const cb of this.subscribers) {
        try {
          cb(groups);
        } catch (err) {
          this.logger.error('Discovery subscriber failed', { err });
        }
      }
    }, wait);
    this.pending.unref();
  }
}
