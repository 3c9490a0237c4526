// The `global` section and its defaults (Prometheus 3: scrape every 1m, timeout 10s, evaluate every 1m).
import { Node } from 'yaml';
import { Label, labelsFromPairs } from '../model/labels';
import { labelNameProblem } from './discoveryConfig';
import { joinDir } from './httpClientConfig';
import { DEFAULT_SCRAPE_PROTOCOLS, readNameValidationScheme, scrapeProtocolsProblem } from './scrapeConfig';
import { GlobalConfig, ScrapeProtocol } from './types';
import { YamlReader } from './yamlReader';

export const DEFAULT_SCRAPE_INTERVAL_MS = 60_000;
export const DEFAULT_SCRAPE_TIMEOUT_MS = 10_000;
export const DEFAULT_EVALUATION_INTERVAL_MS = 60_000;

export function defaultGlobalConfig(): GlobalConfig {
  return {
    scrapeIntervalMs: DEFAULT_SCRAPE_INTERVAL_MS,
    scrapeTimeoutMs: DEFAULT_SCRAPE_TIMEOUT_MS,
    evaluationIntervalMs: DEFAULT_EVALUATION_INTERVAL_MS,
    ruleQueryOffsetMs: 0,
    externalLabels: [],
    scrapeProtocols: [...DEFAULT_SCRAPE_PROTOCOLS],
    metricNameValidationScheme: 'utf8',
    bodySizeLimit: 0,
    sampleLimit: 0,
    labelLimit: 0,
    labelNameLengthLimit: 0,
    labelValueLengthLimit: 0,
    targetLimit: 0,
    keepDroppedTargets: 0,
  };
}

/**
 * Expands `$VAR` and `${VAR}` from the environment in external label values, as Prometheus does
 * (`$$` is a literal `$`); unset variables become empty.
 */
export function expandEnv(s: string, env: NodeJS.ProcessEnv = process.env): string {
  return s.replace(/\$(?:\{([^}]*)\}|([A-Za-z0-9_]+)|([*#$@!?-]))/g, (_m, braced: string | undefined, plain: string | undefined, special: string | undefined) => {
    const name = braced ?? plain ?? special ?? '';
    if (name === '$') return '$';
    return env[name] ?? '';
  });
}

export function readGlobal(r: YamlReader, node: Node | null, dir: string): GlobalConfig {
  const g = defaultGlobalConfig();
  let intervalMs = 0;
  let timeoutMs = 0;
  let timeoutNode: Node | null = null;
  let evaluationMs = 0;
  let protocols: string[] | undefined;
  const labels: [string, string, Node | null][] = [];
  r.struct(node, 'config.GlobalConfig', {
    scrape_interval: (v) => (intervalMs = r.duration(v)),
    scrape_timeout: (v) => {
      timeoutMs = r.duration(v);
      timeoutNode = v;
    },
    scrape_protocols: (v) => (protocols = r.stringList(v)),
    evaluation_interval: (v) => (evaluationMs = r.duration(v)),
    rule_query_offset: (v) => (g.ruleQueryOffsetMs = r.duration(v)),
    query_log_file: (v) => (g.queryLogFile = joinDir(dir, r.string(v) || undefined)),
    scrape_failure_log_file: (v) => (g.scrapeFailureLogFile = joinDir(dir, r.string(v) || undefined)),
    external_labels: (v) => labels.push(...r.stringMap(v, 'labels.Labels')),
    body_size_limit: (v) => (g.bodySizeLimit = r.byteSize(v)),
    sample_limit: (v) => (g.sampleLimit = r.uint(v)),
    target_limit: (v) => (g.targetLimit = r.uint(v)),
    label_limit: (v) => (g.labelLimit = r.uint(v)),
    label_name_length_limit: (v) => (g.labelNameLengthLimit = r.uint(v)),
    label_value_length_limit: (v) => (g.labelValueLengthLimit = r.uint(v)),
    keep_dropped_targets: (v) => (g.keepDroppedTargets = r.uint(v)),
    metric_name_validation_scheme: (v) => (g.metricNameValidationScheme = readNameValidationScheme(r, v, 'global') ?? 'utf8'),
    metric_name_escaping_scheme: (v) => r.string(v),
    scrape_native_histograms: (v) => r.bool(v),
    convert_classic_histograms_to_nhcb: (v) => r.bool(v),
    always_scrape_classic_histograms: (v) => r.bool(v),
    extra_scrape_metrics: (v) => r.bool(v),
  });
  const external: Label[] = [];
  for (const [name, value, keyNode] of labels) {
    const problem = labelNameProblem(name, g.metricNameValidationScheme);
    if (problem) r.fail(keyNode, problem);
    external.push({ name, value: expandEnv(value) });
  }
  g.externalLabels = labelsFromPairs(external);
  g.scrapeIntervalMs = intervalMs || DEFAULT_SCRAPE_INTERVAL_MS;
  if (timeoutMs > g.scrapeIntervalMs) r.fail(timeoutNode, 'global scrape timeout greater than scrape interval');
  g.scrapeTimeoutMs = timeoutMs || Math.min(DEFAULT_SCRAPE_TIMEOUT_MS, g.scrapeIntervalMs);
  g.evaluationIntervalMs = evaluationMs || DEFAULT_EVALUATION_INTERVAL_MS;
  if (protocols !== undefined) {
    const problem = scrapeProtocolsProblem(protocols);
    if (problem) r.fail(node, `${problem} for global config`);
    g.scrapeProtocols = protocols as ScrapeProtocol[];
  }
  return g;
}
