// /targets, /targets/metadata, /scrape_pools and /metadata: views of the scrape manager.
import { labelsKey, labelsToRecord } from '../model/labels';
import type { Matcher } from '../model/matcher';
import { formatRFC3339 } from './encode';
import type { ApiRequest, ApiResult } from './handler';
import { invalidParam } from './params';
import { ApiError } from './respond';
import type { ActiveTarget, DroppedTarget, MetricMetadata, TargetMetadata } from './types';

function byPool<T extends { scrapePool: string }>(items: T[]): T[] {
  // Array.prototype.sort is stable: targets keep the scrape manager's order within a pool.
  return [...items].sort((a, b) => (a.scrapePool < b.scrapePool ? -1 : a.scrapePool > b.scrapePool ? 1 : 0));
}

function activeTargetJSON(t: ActiveTarget) {
  return {
    discoveredLabels: labelsToRecord(t.discoveredLabels),
    labels: labelsToRecord(t.labels),
    scrapePool: t.scrapePool,
    scrapeUrl: t.scrapeUrl,
    globalUrl: t.globalUrl,
    lastError: t.lastError,
    lastScrape: formatRFC3339(t.lastScrape),
    lastScrapeDuration: t.lastScrapeDuration,
    health: t.health,
    scrapeInterval: t.scrapeInterval,
    scrapeTimeout: t.scrapeTimeout,
  };
}

function droppedTargetJSON(t: DroppedTarget) {
  return { discoveredLabels: labelsToRecord(t.discoveredLabels), scrapePool: t.scrapePool };
}

export function targets(r: ApiRequest): ApiResult {
  const state = (r.url.searchParams.get('state') ?? '').toLowerCase();
  const showActive = state === '' || state === 'any' || state === 'active';
  const showDropped = state === '' || state === 'any' || state === 'dropped';
  const pool = r.url.searchParams.get('scrapePool') ?? '';
  const inPool = (t: { scrapePool: string }) => pool === '' || t.scrapePool === pool;
  const scrape = r.deps.scrape;
  const data: Record<string, unknown> = { activeTargets: [], droppedTargets: [] };
  if (showActive && scrape) data.activeTargets = byPool(scrape.activeTargets().filter(inPool)).map(activeTargetJSON);
  if (showDropped) {
    const dropped = scrape ? byPool(scrape.droppedTargets().filter(inPool)) : [];
    const counts: Record<string, number> = {};
    for (const t of dropped) counts[t.scrapePool] = (counts[t.scrapePool] ?? 0) + 1;
    data.droppedTargets = dropped.map(droppedTargetJSON);
    data.droppedTargetCounts = counts;
  }
  return { data };
}

export function scrapePools(r: ApiRequest): ApiResult {
  const pools = [...(r.deps.scrape?.pools() ?? [])].sort();
  return { data: { scrapePools: pools } };
}

/** `limit` on the metadata endpoints: -1 (absent) means none. */
function metadataLimit(r: ApiRequest, name: string): number {
  const s = r.form.get(name);
  if (s === '') return -1;
  if (!/^[+-]?\d+$/.test(s)) throw new ApiError('bad_data', `${name} must be a number`);
  return Number(s);
}

function matchesAll(ms: readonly Matcher[], rec: Record<string, string>): boolean {
  return ms.every((m) => m.matches(rec[m.name] ?? ''));
}

export function targetMetadata(r: ApiRequest): ApiResult {
  const limit = metadataLimit(r, 'limit');
  const matchTarget = r.form.get('match_target');
  let matchers: readonly Matcher[] = [];
  if (matchTarget !== '') {
    try {
      matchers = r.deps.parser.parseMetricSelector(matchTarget);
    } catch (err) {
      throw invalidParam('match_target', err);
    }
  }
  const metric = r.form.get('metric');
  const out: Array<{ target: Record<string, string> } & MetricMetadata> = [];
  // `limit` caps the number of targets, not of entries.
  const targetsSeen = new Set<string>();
  for (const md of r.deps.scrape?.targetMetadata() ?? ([] as TargetMetadata[])) {
    const target = labelsToRecord(md.target);
    if (!matchesAll(matchers, target)) continue;
    if (metric !== '' && md.metric !== metric) continue;
    const key = labelsKey(md.target);
    if (!targetsSeen.has(key)) {
      if (limit >= 0 && targetsSeen.size >= limit) continue;
      targetsSeen.add(key);
    }
    out.push({ target, metric: md.metric, type: md.type, help: md.help, unit: md.unit });
  }
  return { data: out };
}

export function metricMetadata(r: ApiRequest): ApiResult {
  const limit = metadataLimit(r, 'limit');
  const limitPerMetric = metadataLimit(r, 'limit_per_metric');
  const metric = r.form.get('metric');
  const byMetric = new Map<string, Map<string, { type: string; help: string; unit: string }>>();
  for (const md of r.deps.scrape?.targetMetadata() ?? []) {
    if (metric !== '' && md.metric !== metric) continue;
    let entries = byMetric.get(md.metric);
    if (!entries) byMetric.set(md.metric, (entries = new Map()));
    if (limitPerMetric > 0 && entries.size >= limitPerMetric) continue;
    entries.set(JSON.stringify([md.type, md.help, md.unit]), { type: md.type, help: md.help, unit: md.unit });
  }
  const data: Record<string, Array<{ type: string; help: string; unit: string }>> = {};
  let n = 0;
  for (const name of [...byMetric.keys()].sort()) {
    if (limit >= 0 && n >= limit) break;
    data[name] = [...byMetric.get(name)!.values()];
    n++;
  }
  return { data };
}
