// Turning discovered target groups into scrape targets: Prometheus's label defaults, target
// relabeling, validation, and the state each target reports to /api/v1/targets.
import type { ScrapeConfig } from '../config/types';
import { formatDuration, parseDuration } from '../model/duration';
import { Label, Labels, labelsFromPairs, labelsKey, isValidLegacyLabelName } from '../model/labels';
import { relabel } from '../relabel/relabel';

import { ADDRESS_LABEL } from '../discovery/targetGroup';

export type { TargetGroup } from '../discovery/targetGroup';

export type TargetHealth = 'up' | 'down' | 'unknown';

const SCHEME_LABEL = '__scheme__';
const METRICS_PATH_LABEL = '__metrics_path__';
const SCRAPE_INTERVAL_LABEL = '__scrape_interval__';
const SCRAPE_TIMEOUT_LABEL = '__scrape_timeout__';
const PARAM_LABEL_PREFIX = '__param_';
const META_LABEL_PREFIX = '__meta_';
const RESERVED_LABEL_PREFIX = '__';

/** A target after relabeling: everything a scrape loop needs to know about where and how often. */
export interface ResolvedTarget {
  /** Labels before relabeling (what /api/v1/targets calls discoveredLabels). */
  discoveredLabels: Labels;
  /** All labels after relabeling, internal `__` ones included. */
  internalLabels: Labels;
  /** The labels every sample of the target gets (no `__` labels). */
  labels: Labels;
  url: string;
  intervalMs: number;
  timeoutMs: number;
  /** Identity across syncs and reloads (labels and URL; interval changes keep the identity). */
  key: string;
}

export type PopulateResult =
  | { kind: 'target'; target: ResolvedTarget }
  | { kind: 'dropped'; discoveredLabels: Labels }
  | { kind: 'error'; discoveredLabels: Labels; error: string };

/** Mirrors Prometheus's PopulateLabels for one discovered target. */
export function populateTarget(groupLabels: Labels, targetLabels: Labels, cfg: ScrapeConfig): PopulateResult {
  const m = new Map<string, string>();
  for (const l of groupLabels) m.set(l.name, l.value);
  for (const l of targetLabels) m.set(l.name, l.value);
  const setDefault = (name: string, value: string) => {
    if (!m.get(name)) m.set(name, value);
  };
  setDefault('job', cfg.jobName);
  setDefault(SCRAPE_INTERVAL_LABEL, formatDuration(cfg.scrapeIntervalMs));
  setDefault(SCRAPE_TIMEOUT_LABEL, formatDuration(cfg.scrapeTimeoutMs));
  setDefault(METRICS_PATH_LABEL, cfg.metricsPath);
  setDefault(SCHEME_LABEL, cfg.scheme);
  for (const [name, values] of Object.entries(cfg.params))
    if (values.length > 0) setDefault(PARAM_LABEL_PREFIX + name, values[0]);
  const discoveredLabels = toLabels(m);

  const relabeled = relabel(discoveredLabels, cfg.relabelConfigs);
  if (relabeled === null) return { kind: 'dropped', discoveredLabels };
  const fail = (error: string): PopulateResult => ({ kind: 'error', discoveredLabels, error });

  const out = new Map<string, string>();
  for (const l of relabeled) if (!l.name.startsWith(META_LABEL_PREFIX)) out.set(l.name, l.value);
  const address = out.get(ADDRESS_LABEL) ?? '';
  if (address === '') return fail('no address');
  if (address.includes('/')) return fail(`"${address}" is not a valid hostname`);

  let intervalMs: number;
  let timeoutMs: number;
  try {
    intervalMs = parseDuration(out.get(SCRAPE_INTERVAL_LABEL) ?? '');
  } catch (e) {
    return fail(`error parsing scrape interval: ${(e as Error).message}`);
  }
  try {
    timeoutMs = parseDuration(out.get(SCRAPE_TIMEOUT_LABEL) ?? '');
  } catch (e) {
    return fail(`error parsing scrape timeout: ${(e as Error).message}`);
  }
  if (intervalMs === 0) return fail('scrape interval cannot be 0');
  if (timeoutMs === 0) return fail('scrape timeout cannot be 0');
  if (timeoutMs > intervalMs)
    return fail(
      `scrape timeout cannot be greater than scrape interval ("${formatDuration(timeoutMs)}" > "${formatDuration(intervalMs)}")`
    );

  if (!out.get('instance')) out.set('instance', address);
  const internalLabels = toLabels(out);
  const labels: Label[] = [];
  for (const l of internalLabels) {
    if (l.name.startsWith(RESERVED_LABEL_PREFIX)) continue;
    if (cfg.metricNameValidationScheme === 'legacy' && !isValidLegacyLabelName(l.name))
      return fail(`"${l.name}" is not a valid label name`);
    labels.push(l);
  }
  const url = targetURL(out, cfg);
  return {
    kind: 'target',
    target: {
      discoveredLabels,
      internalLabels,
      labels,
      url,
      intervalMs,
      timeoutMs,
      key: labelsKey(labels) + '\xff' + url,
    },
  };
}

function toLabels(m: Map<string, string>): Labels {
  const pairs: Label[] = [];
  for (const [name, value] of m) pairs.push({ name, value });
  return labelsFromPairs(pairs);
}

/** scheme://address/metrics_path?params, with `__param_<name>` labels overriding the first value of a param. */
function targetURL(ls: Map<string, string>, cfg: ScrapeConfig): string {
  const params = new URLSearchParams();
  const overridden = new Set<string>();
  for (const [name, value] of ls) {
    if (!name.startsWith(PARAM_LABEL_PREFIX)) continue;
    const param = name.slice(PARAM_LABEL_PREFIX.length);
    overridden.add(param);
    const rest = (cfg.params[param] ?? []).slice(1);
    params.append(param, value);
    for (const v of rest) params.append(param, v);
  }
  for (const [name, values] of Object.entries(cfg.params))
    if (!overridden.has(name)) for (const v of values) params.append(name, v);
  const query = params.toString();
  const scheme = ls.get(SCHEME_LABEL) || cfg.scheme;
  const path = ls.get(METRICS_PATH_LABEL) ?? cfg.metricsPath;
  return `${scheme}://${ls.get(ADDRESS_LABEL)}${path.startsWith('/') ? '' : '/'}${path}${query ? '?' + query : ''}`;
}

/**
 * The stable hash Prometheus spreads scrapes with: each target scrapes at a fixed offset within
 * its interval, so a restart keeps the phase and many targets do not scrape at once.
 */
export function targetHash(key: string): bigint {
  // FNV-1a 64 over the UTF-16 code units: stable across runs, cheap, no dependencies.
  let h = 0xcbf29ce484222325n;
  for (let i = 0; i < key.length; i++) {
    h ^= BigInt(key.charCodeAt(i));
    h = (h * 0x100000001b3n) & 0xffffffffffffffffn;
  }
  return h;
}

/** Milliseconds from `now` until the target's slot in the interval, in [0, interval). */
export function scrapeOffsetMs(key: string, intervalMs: number, now: number, seed = 0n): number {
  const offset = Number((targetHash(key) ^ seed) % BigInt(intervalMs));
  const intoInterval = now % intervalMs;
  return (offset - intoInterval + intervalMs) % intervalMs;
}
