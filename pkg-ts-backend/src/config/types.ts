// The typed model of a prometheus.yml (Prometheus 3), with every default already applied.
// Durations are integer milliseconds; relative file paths are already joined to the config file's
// folder (relative to the working directory when the config path is).
import { Labels } from '../model/labels';
import { RelabelConfig } from '../relabel/relabel';

export interface Config {
  global: GlobalConfig;
  /**
   * Globs, already joined to the config file's directory as Prometheus's SetDirectory does (so is
   * every other relative file path in this model): use them as they are, do not resolve again.
   */
  ruleFiles: string[];
  scrapeConfigs: ScrapeConfig[];
  alerting: AlertingConfig;
  remoteWrite: RemoteWriteConfig[];
  remoteRead: RemoteReadConfig[];
  storage: StorageConfig;
  otlp: OTLPConfig;
  /** The YAML text as loaded. */
  original: string;
  /** The YAML text with secrets (passwords, credentials, tokens) replaced by `<secret>`, for /api/v1/status/config. */
  redacted: string;
  filename: string;
}

/** Names of the exposition formats a scraper may ask for, as Prometheus spells them in `scrape_protocols`. */
export type ScrapeProtocol = 'PrometheusProto' | 'OpenMetricsText0.0.1' | 'OpenMetricsText1.0.0' | 'PrometheusText0.0.4' | 'PrometheusText1.0.0';

export type NameValidationScheme = 'utf8' | 'legacy';

/** Limits shared by `global` and each scrape config (0 = no limit). */
export interface ScrapeLimits {
  bodySizeLimit: number;
  sampleLimit: number;
  labelLimit: number;
  labelNameLengthLimit: number;
  labelValueLengthLimit: number;
  targetLimit: number;
  keepDroppedTargets: number;
}

export interface GlobalConfig extends ScrapeLimits {
  scrapeIntervalMs: number;
  scrapeTimeoutMs: number;
  evaluationIntervalMs: number;
  ruleQueryOffsetMs: number;
  externalLabels: Labels;
  queryLogFile?: string;
  scrapeFailureLogFile?: string;
  scrapeProtocols: ScrapeProtocol[];
  metricNameValidationScheme: NameValidationScheme;
}

export interface ScrapeConfig extends ScrapeLimits {
  jobName: string;
  scrapeIntervalMs: number;
  scrapeTimeoutMs: number;
  scrapeProtocols: ScrapeProtocol[];
  /** Used when a target answers with a missing or unknown Content-Type; unset means the scrape fails. */
  fallbackScrapeProtocol?: ScrapeProtocol;
  metricsPath: string;
  scheme: 'http' | 'https';
  /** URL query parameters, each possibly repeated. */
  params: Record<string, string[]>;
  honorLabels: boolean;
  honorTimestamps: boolean;
  trackTimestampsStaleness: boolean;
  enableCompression: boolean;
  metricNameValidationScheme: NameValidationScheme;
  httpClient: HTTPClientConfig;
  relabelConfigs: RelabelConfig[];
  metricRelabelConfigs: RelabelConfig[];
  serviceDiscovery: SDConfig[];
}

export interface BasicAuth {
  username: string;
  usernameFile?: string;
  password: string;
  passwordFile?: string;
}

/** `authorization`, also what `bearer_token`/`bearer_token_file` become (type Bearer). */
export interface Authorization {
  type: string;
  credentials: string;
  credentialsFile?: string;
}

export interface TLSConfig {
  caFile?: string;
  /** Inline PEM. */
  ca?: string;
  certFile?: string;
  cert?: string;
  keyFile?: string;
  key?: string;
  serverName?: string;
  insecureSkipVerify: boolean;
  /** `TLS10` .. `TLS13`. */
  minVersion?: string;
  maxVersion?: string;
}

export interface HTTPClientConfig {
  basicAuth?: BasicAuth;
  authorization?: Authorization;
  tlsConfig: TLSConfig;
  proxyUrl?: string;
  noProxy?: string;
  proxyFromEnvironment: boolean;
  followRedirects: boolean;
  enableHttp2: boolean;
  /** Extra request headers (plain values only). */
  httpHeaders: Record<string, string[]>;
}

export interface StaticTargetGroup {
  targets: string[];
  labels: Labels;
}

export interface StaticSDConfig {
  kind: 'static';
  groups: StaticTargetGroup[];
}

export interface FileSDConfig {
  kind: 'file';
  /** Resolved paths; the last path element may hold a `*` glob. */
  files: string[];
  refreshIntervalMs: number;
}

export interface HTTPSDConfig {
  kind: 'http';
  url: string;
  refreshIntervalMs: number;
  httpClient: HTTPClientConfig;
}

export type DNSRecordType = 'SRV' | 'A' | 'AAAA' | 'MX' | 'NS';

export interface DNSSDConfig {
  kind: 'dns';
  names: string[];
  type: DNSRecordType;
  /** Required for A, AAAA, MX and NS records (SRV records carry their own port). */
  port: number;
  refreshIntervalMs: number;
}

export type SDConfig = StaticSDConfig | FileSDConfig | HTTPSDConfig | DNSSDConfig;

export interface AlertingConfig {
  alertRelabelConfigs: RelabelConfig[];
  alertmanagers: AlertmanagerConfig[];
}

export interface AlertmanagerConfig {
  scheme: 'http' | 'https';
  pathPrefix: string;
  timeoutMs: number;
  apiVersion: 'v2';
  httpClient: HTTPClientConfig;
  serviceDiscovery: SDConfig[];
  relabelConfigs: RelabelConfig[];
  alertRelabelConfigs: RelabelConfig[];
}

export interface QueueConfig {
  capacity: number;
  maxShards: number;
  minShards: number;
  maxSamplesPerSend: number;
  batchSendDeadlineMs: number;
  minBackoffMs: number;
  maxBackoffMs: number;
  retryOnHttp429: boolean;
  sampleAgeLimitMs: number;
}

export interface MetadataConfig {
  send: boolean;
  sendIntervalMs: number;
  maxSamplesPerSend: number;
}

export interface RemoteWriteConfig {
  url: string;
  /** The configured name, or a stable hash of the config when unset (as Prometheus names queues). */
  name: string;
  remoteTimeoutMs: number;
  headers: Record<string, string>;
  writeRelabelConfigs: RelabelConfig[];
  sendExemplars: boolean;
  sendNativeHistograms: boolean;
  /** `prometheus.WriteRequest` (v1) or `io.prometheus.write.v2.Request`. */
  protobufMessage: 'prometheus.WriteRequest' | 'io.prometheus.write.v2.Request';
  httpClient: HTTPClientConfig;
  queueConfig: QueueConfig;
  metadataConfig: MetadataConfig;
}

export interface RemoteReadConfig {
  url: string;
  name: string;
  readRecent: boolean;
  /** Only query this endpoint when a selector has equality matchers for all of these. */
  requiredMatchers: Record<string, string>;
  remoteTimeoutMs: number;
  headers: Record<string, string>;
  filterExternalLabels: boolean;
  httpClient: HTTPClientConfig;
}

export interface StorageConfig {
  /** `storage.tsdb.out_of_order_time_window`; 0 = out-of-order samples rejected. */
  outOfOrderTimeWindowMs: number;
  /** `storage.exemplars.max_exemplars`. */
  maxExemplars: number;
}

/** How OTLP metric and label names become Prometheus names (`otlp.translation_strategy`). */
export type OTLPTranslationStrategy = 'UnderscoreEscapingWithSuffixes' | 'UnderscoreEscapingWithoutSuffixes' | 'NoUTF8EscapingWithSuffixes' | 'NoTranslation';

/** The `otlp` section: how the OTLP receiver turns resources and names into labels. */
export interface OTLPConfig {
  /** Resource attributes copied onto every series (trimmed, unique). */
  promoteResourceAttributes: string[];
  /** Copy every resource attribute except `ignoreResourceAttributes` onto every series. */
  promoteAllResourceAttributes: boolean;
  ignoreResourceAttributes: string[];
  translationStrategy: OTLPTranslationStrategy;
  /** Also keep service.name, service.namespace and service.instance.id on target_info. */
  keepIdentifyingResourceAttributes: boolean;
  /** Accepted for compatibility; flint has no native histograms and always writes classic buckets. */
  convertHistogramsToNhcb: boolean;
  /** Adds otel_scope_name, otel_scope_version, otel_scope_schema_url and otel_scope_<attr> labels. */
  promoteScopeMetadata: boolean;
  /** Prefix `key` to label names starting with a single `_`. */
  labelNameUnderscoreSanitization: boolean;
  /** Keep runs of `_` in sanitised label names instead of collapsing them. */
  labelNamePreserveMultipleUnderscores: boolean;
}
