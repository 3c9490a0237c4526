// A scrape pool: the targets of one scrape config, each with its own loop. Syncing with new
// target groups starts loops for new targets and ends (with staleness markers) the loops of
// targets that went away; a reload rebuilds loops but keeps each target's cache.
import { hostname } from 'node:os';
import type { ScrapeConfig } from '../config/types';
import { formatDuration } from '../model/duration';
import { Labels } from '../model/labels';
import type { Appendable } from '../storage/interface';
import type { Logger } from '../util/log';
import * as metrics from '../util/metrics';
import { acceptHeader, ScrapeClient } from './client';
import { ScrapeLoop, ScrapeLoopOptions } from './loop';
import { populateTarget, ResolvedTarget, TargetGroup, TargetHealth } from './target';

export interface TargetInfo {
  discoveredLabels: Labels;
  labels: Labels;
  scrapePool: string;
  scrapeUrl: string;
  globalUrl: string;
  lastError: string;
  /** ms since epoch; 0 when never scraped. */
  lastScrape: number;
  /** seconds */
  lastScrapeDuration: number;
  health: TargetHealth;
  scrapeInterval: string;
  scrapeTimeout: string;
}

export interface DroppedTargetInfo {
  discoveredLabels: Labels;
  scrapePool: string;
}

const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** The scrape URL as seen from elsewhere: a loopback host replaced by this machine's name. */
function globalURL(url: string): string {
  try {
    const u = new URL(url);
    if (LOOPBACK_HOSTS.has(u.hostname)) u.hostname = hostname();
    return u.toString();
  } catch {
    return url;
  }
}

/** A stable text of everything in a scrape config that affects its loops (regexes by source). */
function scrapeConfigFingerprint(cfg: ScrapeConfig): string {
  return JSON.stringify(cfg, (k, v: unknown) =>
    v !== null &&
    typeof v === 'object' &&
    'source' in v &&
    typeof (v as { source: unknown }).source === 'string' &&
    k === 'regex'
      ? (v as { source: string }).source
      : v
  );
}

export class ScrapePool {
  private loops = new Map<string, ScrapeLoop>();
  private dropped: DroppedTargetInfo[] = [];
  droppedCount = 0;
  private groups: TargetGroup[] = [];
  private client: ScrapeClient;
  private fingerprint: string;

  constructor(
    private cfg: ScrapeConfig,
    private readonly appendable: Appendable,
    private readonly logger: Logger,
    private readonly offsetSeed: bigint,
    private readonly loopExtras: Pick<ScrapeLoopOptions, 'exemplars' | 'timestampToleranceMs'> = {}
  ) {
    this.client = this.newClient();
    this.fingerprint = scrapeConfigFingerprint(cfg);
  }

  get name(): string {
    return this.cfg.jobName;
  }

  private newClient(): ScrapeClient {
    const c = this.cfg;
    return new ScrapeClient(
      c.httpClient,
      acceptHeader(c.scrapeProtocols, c.metricNameValidationScheme),
      c.enableCompression,
      c.bodySizeLimit
    );
  }

  private newLoop(target: ResolvedTarget, previous?: ScrapeLoop): ScrapeLoop {
    const c = this.cfg;
    return new ScrapeLoop(
      target,
      this.appendable,
      this.client,
      {
        honorLabels: c.honorLabels,
        honorTimestamps: c.honorTimestamps,
        trackTimestampsStaleness: c.trackTimestampsStaleness,
        sampleLimit: c.sampleLimit,
        labelLimit: c.labelLimit,
        labelNameLengthLimit: c.labelNameLengthLimit,
        labelValueLengthLimit: c.labelValueLengthLimit,
        metricRelabelConfigs: c.metricRelabelConfigs,
        fallbackScrapeProtocol: c.fallbackScrapeProtocol,
        validationScheme: c.metricNameValidationScheme,
        offsetSeed: this.offsetSeed,
        ...this.loopExtras,
      },
      this.logger.child({ target: target.url }),
      previous?.cache
    );
  }

  /** Relabels every discovered target under the current config. */
  private resolve(groups: TargetGroup[]): Map<string, ResolvedTarget> {
    const wanted = new Map<string, ResolvedTarget>();
    const dropped: DroppedTargetInfo[] = [];
    for (const g of groups) {
      for (const t of g.targets) {
        const r = populateTarget(g.labels, t, this.cfg);
        if (r.kind === 'target') wanted.set(r.target.key, r.target);
        else if (r.kind === 'dropped') dropped.push({ discoveredLabels: r.discoveredLabels, scrapePool: this.name });
        else this.logger.error('Creating target failed', { err: r.error, source: g.source });
      }
    }
    this.droppedCount = dropped.length;
    const keep = this.cfg.keepDroppedTargets;
    this.dropped = keep > 0 ? dropped.slice(0, keep) : dropped;
    return wanted;
  }

  /** Starts loops for `wanted` targets not running yet (inheriting caches from `previous`). */
  private startLoops(wanted: Map<string, ResolvedTarget>, previous?: Map<string, ScrapeLoop>): void {
    const limit = this.cfg.targetLimit;
    for (const [key, target] of wanted) {
      if (this.loops.has(key)) continue;
      const loop = this.newLoop(target, previous?.get(key));
      this.loops.set(key, loop);
      if (limit > 0 && wanted.size > limit) {
        loop.health = 'down';
        loop.lastError = `target_limit exceeded (number of targets: ${wanted.size}, limit: ${limit})`;
      } else {
        loop.start();
      }
    }
    metrics.targetScrapePoolTargets.set({ scrape_job: this.name }, this.loops.size);
  }

  /** Replaces the pool's targets with those of `groups` (the complete set for this pool). */
  async sync(groups: TargetGroup[]): Promise<void> {
    const started = Date.now();
    this.groups = groups;
    const wanted = this.resolve(groups);
    const stopping: Promise<void>[] = [];
    for (const [key, loop] of this.loops) {
      if (wanted.has(key)) continue;
      this.loops.delete(key);
      stopping.push(loop.stop(true));
    }
    this.startLoops(wanted);
    metrics.targetSyncLengthSeconds.observe({ scrape_job: this.name }, (Date.now() - started) / 1000);
    await Promise.all(stopping);
  }

  /** Applies a changed scrape config: loops restart with the new settings; an unchanged config is a no-op. */
  async reload(cfg: ScrapeConfig): Promise<void> {
    const fingerprint = scrapeConfigFingerprint(cfg);
    if (fingerprint === this.fingerprint) return;
    metrics.targetScrapePoolReloadsTotal.inc();
    // Build the new client first: if its files cannot be read, the running loops stay as they are.
    const previousCfg = this.cfg;
    this.cfg = cfg;
    let client: ScrapeClient;
    try {
      client = this.newClient();
    } catch (e) {
      this.cfg = previousCfg;
      throw e;
    }
    const old = this.loops;
    this.loops = new Map();
    await Promise.all([...old.values()].map((l) => l.stop(false)));
    this.client.close();
    this.fingerprint = fingerprint;
    this.client = client;
    const wanted = this.resolve(this.groups);
    // Targets that survive the new relabeling keep their caches (no spurious new series).
    this.startLoops(wanted, old);
    await Promise.all([...old].filter(([key]) => !wanted.has(key)).map(([, loop]) => loop.retire()));
  }

  /** Stops every loop; `staleness` when the pool itself goes away (not on shutdown). */
  async stop(staleness: boolean): Promise<void> {
    const loops = [...this.loops.values()];
    this.loops.clear();
    await Promise.all(loops.map((l) => l.stop(staleness)));
    this.client.close();
    metrics.targetScrapePoolTargets.remove({ scrape_job: this.name });
  }

  activeTargets(): TargetInfo[] {
    const out: TargetInfo[] = [];
    for (const loop of this.loops.values()) {
      const t = loop.target;
      out.push({
        discoveredLabels: t.discoveredLabels,
        labels: t.labels,
        scrapePool: this.name,
        scrapeUrl: t.url,
        globalUrl: globalURL(t.url),
        lastError: loop.lastError,
        lastScrape: loop.lastScrape,
        lastScrapeDuration: loop.lastScrapeDuration,
        health: loop.health,
        scrapeInterval: formatDuration(t.intervalMs),
        scrapeTimeout: formatDuration(t.timeoutMs),
      });
    }
    return out;
  }

  droppedTargets(): DroppedTargetInfo[] {
    return this.dropped;
  }

  loopList(): ScrapeLoop[] {
    return [...this.loops.values()];
  }
}
