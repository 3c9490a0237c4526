// One scrape_configs entry: read strictly, then completed from `global` as Prometheus's
// ScrapeConfig.Validate does (interval, timeout, limits, protocols inherit when unset).
import { Node } from 'yaml';
import { RelabelConfig } from '../relabel/relabel';
import { discoveryFields } from './discoveryConfig';
import { finishHTTPClientConfig, httpClientFields, pendingHTTPClient } from './httpClientConfig';
import { readRelabelConfigs } from './relabelConfig';
import { GlobalConfig, NameValidationScheme, ScrapeConfig, ScrapeProtocol, SDConfig } from './types';
import { YamlReader } from './yamlReader';

export const SCRAPE_PROTOCOLS: readonly ScrapeProtocol[] = ['OpenMetricsText0.0.1', 'OpenMetricsText1.0.0', 'PrometheusProto', 'PrometheusText0.0.4', 'PrometheusText1.0.0'];
export const DEFAULT_SCRAPE_PROTOCOLS: readonly ScrapeProtocol[] = ['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4'];

/** Prometheus's checks on a `scrape_protocols` list; returns the message or undefined. */
export function scrapeProtocolsProblem(protocols: readonly string[]): string | undefined {
  if (protocols.length === 0) return 'scrape_protocols cannot be empty';
  const seen = new Set<string>();
  for (const p of protocols) {
    if (seen.has(p.toLowerCase())) return `duplicated protocol in scrape_protocols, got [${protocols.join(' ')}]`;
    if (!SCRAPE_PROTOCOLS.includes(p as ScrapeProtocol)) return `scrape_protocols: unknown scrape protocol ${p}, supported: [${SCRAPE_PROTOCOLS.join(' ')}]`;
    seen.add(p.toLowerCase());
  }
  return undefined;
}

export function readNameValidationScheme(r: YamlReader, v: Node | null, what: string): NameValidationScheme | undefined {
  const s = r.string(v);
  if (s === '') return undefined;
  if (s !== 'utf8' && s !== 'legacy') r.fail(v, `unknown ${what} name validation method specified, must be either '', 'legacy' or 'utf8', got ${s}`);
  return s;
}

export function readScrapeConfig(r: YamlReader, node: Node | null, global: GlobalConfig, dir: string): ScrapeConfig {
  if (node === null) r.fail(node, 'empty or null scrape config section');
  let jobName = '';
  let intervalMs = 0;
  let timeoutMs = 0;
  let timeoutNode: Node | null = null;
  let protocols: string[] | undefined;
  let fallback: string | undefined;
  let metricsPath = '/metrics';
  let scheme = 'http';
  let params: Record<string, string[]> = {};
  let honorLabels = false;
  let honorTimestamps = true;
  let trackTimestampsStaleness = false;
  let enableCompression = true;
  let validation: NameValidationScheme | undefined;
  const limits = { bodySizeLimit: 0, sampleLimit: 0, labelLimit: 0, labelNameLengthLimit: 0, labelValueLengthLimit: 0, targetLimit: 0, keepDroppedTargets: 0 };
  let relabelNode: Node | null = null;
  let metricRelabelNode: Node | null = null;
  const sd: SDConfig[] = [];
  const http = pendingHTTPClient(node);
  r.struct(node, 'config.ScrapeConfig', {
    job_name: (v) => (jobName = r.string(v)),
    honor_labels: (v) => (honorLabels = r.bool(v)),
    honor_timestamps: (v) => (honorTimestamps = r.bool(v)),
    track_timestamps_staleness: (v) => (trackTimestampsStaleness = r.bool(v)),
    params: (v) => (params = r.stringListMap(v)),
    scrape_interval: (v) => (intervalMs = r.duration(v)),
    scrape_timeout: (v) => {
      timeoutMs = r.duration(v);
      timeoutNode = v;
    },
    scrape_protocols: (v) => (protocols = r.stringList(v)),
    fallback_scrape_protocol: (v) => (fallback = r.string(v) || undefined),
    metrics_path: (v) => (metricsPath = r.string(v) || '/metrics'),
    scheme: (v) => (scheme = r.string(v) || 'http'),
    enable_compression: (v) => (enableCompression = r.bool(v)),
    body_size_limit: (v) => (limits.bodySizeLimit = r.byteSize(v)),
    sample_limit: (v) => (limits.sampleLimit = r.uint(v)),
    target_limit: (v) => (limits.targetLimit = r.uint(v)),
    label_limit: (v) => (limits.labelLimit = r.uint(v)),
    label_name_length_limit: (v) => (limits.labelNameLengthLimit = r.uint(v)),
    label_value_length_limit: (v) => (limits.labelValueLengthLimit = r.uint(v)),
    keep_dropped_targets: (v) => (limits.keepDroppedTargets = r.uint(v)),
    metric_name_validation_scheme: (v) => (validation = readNameValidationScheme(r, v, 'scrape config')),
    relabel_configs: (v) => (relabelNode = v),
    metric_relabel_configs: (v) => (metricRelabelNode = v),
    // Native-histogram, escaping and logging options: flint reads classic text formats only, so
    // these are checked for type and otherwise have nothing to change.
    scrape_native_histograms: (v) => r.bool(v),
    always_scrape_classic_histograms: (v) => r.bool(v),
    convert_classic_histograms_to_nhcb: (v) => r.bool(v),
    native_histogram_bucket_limit: (v) => r.uint(v),
    native_histogram_min_bucket_factor: (v) => r.float(v),
    metric_name_escaping_scheme: (v) => r.string(v),
    extra_scrape_metrics: (v) => r.bool(v),
    scrape_failure_log_file: (v) => r.string(v),
    ...httpClientFields(r, http),
    ...discoveryFields(r, dir, global.metricNameValidationScheme, sd),
  });
  const fail = (msg: string): never => r.fail(node, msg);
  if (jobName === '') fail('job_name is empty');
  const httpClient = finishHTTPClientConfig(r, http, dir);
  const nameScheme = validation ?? global.metricNameValidationScheme;
  const relabelConfigs: RelabelConfig[] = readRelabelConfigs(r, relabelNode, nameScheme, 'empty or null target relabeling rule in scrape config');
  if (relabelConfigs.length === 0) checkStaticTargets(r, node, sd);
  const metricRelabelConfigs = readRelabelConfigs(r, metricRelabelNode, nameScheme, 'empty or null metric relabeling rule in scrape config');

  if (intervalMs === 0) intervalMs = global.scrapeIntervalMs;
  if (timeoutMs > intervalMs) r.fail(timeoutNode, `scrape timeout greater than scrape interval for scrape config with job name ${JSON.stringify(jobName)}`);
  if (timeoutMs === 0) timeoutMs = Math.min(global.scrapeTimeoutMs, intervalMs);
  for (const k of Object.keys(limits) as (keyof typeof limits)[]) if (limits[k] === 0) limits[k] = global[k];
  const scrapeProtocols = protocols ?? global.scrapeProtocols;
  const protoProblem = scrapeProtocolsProblem(scrapeProtocols);
  if (protoProblem) fail(`${protoProblem} for scrape config with job name ${JSON.stringify(jobName)}`);
  if (fallback !== undefined && !SCRAPE_PROTOCOLS.includes(fallback as ScrapeProtocol)) {
    fail(`invalid fallback_scrape_protocol for scrape config with job name ${JSON.stringify(jobName)}: unknown scrape protocol ${fallback}, supported: [${SCRAPE_PROTOCOLS.join(' ')}]`);
  }
  if (scheme !== 'http' && scheme !== 'https') r.fail(node, `invalid scheme ${JSON.stringify(scheme)} for scrape config with job name ${JSON.stringify(jobName)}: must be "http" or "https"`);
  return {
    jobName,
    scrapeIntervalMs: intervalMs,
    scrapeTimeoutMs: timeoutMs,
    scrapeProtocols: scrapeProtocols as ScrapeProtocol[],
    fallbackScrapeProtocol: fallback as ScrapeProtocol | undefined,
    metricsPath,
    scheme,
    params,
    honorLabels,
    honorTimestamps,
    trackTimestampsStaleness,
    enableCompression,
    metricNameValidationScheme: nameScheme,
    ...limits,
    httpClient,
    relabelConfigs,
    metricRelabelConfigs,
    serviceDiscovery: sd,
  };
}

/** Without relabeling, a static target holding a `/` is a URL pasted by mistake; Prometheus refuses it. */
export function checkStaticTargets(r: YamlReader, node: Node | null, sd: readonly SDConfig[]): void {
  for (const c of sd) {
    if (c.kind !== 'static') continue;
    for (const g of c.groups) for (const t of g.targets) if (t.includes('/')) r.fail(node, `${JSON.stringify(t)} is not a valid hostname`);
  }
}
