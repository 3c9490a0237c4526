// Adapters from each subsystem's own types to the narrow views the HTTP API consumes.
import type { ActiveAlert, ActiveTarget, RuleGroupView, RulesView, ScrapeView, TsdbAdmin } from '../api/types';
import { parseDuration } from '../model/duration';
import { AlertingRule } from '../rules/alerting';
import type { RuleManager } from '../rules/manager';
import type { ScrapeManager } from '../scrape/manager';
import type { TSDB } from '../tsdb/db';

export function scrapeView(m: ScrapeManager): ScrapeView {
  return {
    activeTargets: (): ActiveTarget[] =>
      m.activeTargets().map((t) => ({
        discoveredLabels: t.discoveredLabels,
        labels: t.labels,
        scrapePool: t.scrapePool,
        scrapeUrl: t.scrapeUrl,
        globalUrl: t.globalUrl,
        lastError: t.lastError,
        lastScrape: t.lastScrape,
        lastScrapeDurationSeconds: t.lastScrapeDuration,
        health: t.health,
        scrapeIntervalMs: parseDuration(t.scrapeInterval),
        scrapeTimeoutMs: parseDuration(t.scrapeTimeout),
      })),
    droppedTargets: () => m.droppedTargets(),
    targetMetadata: () => m.targetMetadata(),
    pools: () => m.pools(),
  };
}

export function rulesView(m: RuleManager): RulesView {
  return {
    groups: (): RuleGroupView[] =>
      m.ruleGroups().map((g) => ({
        name: g.name,
        file: g.file,
        intervalMs: g.intervalMs,
        limit: g.limit,
        evaluationTimeSeconds: g.evaluationTimeMs / 1000,
        lastEvaluation: g.lastEvaluation,
        rules: g.rules.map((r) => {
          const common = {
            name: r.name,
            query: r.query,
            labels: r.labels,
            health: r.health,
            lastError: r.lastError ?? '',
            evaluationTimeSeconds: r.evaluationTimeMs / 1000,
            lastEvaluation: r.lastEvaluation,
          };
          if (!(r instanceof AlertingRule)) return { ...common, type: 'recording' as const };
          return {
            ...common,
            type: 'alerting' as const,
            durationMs: r.forMs,
            keepFiringForMs: r.keepFiringForMs,
            annotations: r.annotations,
            alerts: r.activeAlerts().map(
              (a): ActiveAlert => ({
                labels: a.labels,
                annotations: a.annotations,
                state: a.state === 'firing' ? 'firing' : 'pending',
                activeAt: a.activeAt,
                value: a.value,
                keepFiringSince: a.keepFiringSince,
              })
            ),
          };
        }),
      })),
  };
}

export function tsdbAdmin(db: TSDB): TsdbAdmin {
  return {
    status: (limit) => db.status(limit),
    walReplayStatus: () => db.walReplayStatus(),
    deleteSeries: (matchers, mint, maxt) => db.deleteSeries([...matchers], mint, maxt),
    cleanTombstones: () => db.cleanTombstones(),
    snapshot: (dir, withHead) => db.snapshot(dir, withHead),
  };
}
