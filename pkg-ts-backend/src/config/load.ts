// Loading a prometheus.yml: strict parsing into the typed Config, with Prometheus 3's defaults,
// checks and error texts (`parsing YAML file <f>: ...`).
import fs from 'node:fs';
import path from 'node:path';
import { Node } from 'yaml';
import { readAlerting } from './alertingConfig';
import { expandFileGlob } from './fileGlob';
import { readGlobal, defaultGlobalConfig } from './globalConfig';
import { joinDir, readTLSConfig } from './httpClientConfig';
import { redactSecrets } from './redact';
import { readRemoteRead, readRemoteWrite } from './remoteConfig';
import { readScrapeConfig } from './scrapeConfig';
import { AlertingConfig, Config, GlobalConfig, NameValidationScheme, OTLPConfig, OTLPTranslationStrategy, RemoteReadConfig, RemoteWriteConfig, ScrapeConfig, StorageConfig } from './types';
import { YamlInputError, YamlReader } from './yamlReader';

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

/** rule_files and scrape_config_files entries: a `*` only in the last path element. */
const FILE_GLOB_PATH = /^[^*]*(\*[^/]*)?$/;

interface Sections {
  global: Node | null;
  ruleFiles: Node | null;
  scrapeConfigFiles: Node | null;
  scrapeConfigs: Node | null;
  alerting: Node | null;
  remoteWrite: Node | null;
  remoteRead: Node | null;
  storage: Node | null;
  otlp: Node | null;
}

/** Parses and validates a config; relative paths are taken against `filename`'s directory. */
export function parseConfig(yamlText: string, filename: string): Config {
  try {
    return parseValidated(yamlText, filename);
  } catch (err) {
    if (err instanceof YamlInputError) throw new ConfigError(`parsing YAML file ${filename}: ${err.message}`);
    throw err;
  }
}

export function loadConfigFile(file: string): Config {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    throw new ConfigError(e.code === 'ENOENT' ? `open ${file}: no such file or directory` : `open ${file}: ${e.message}`);
  }
  return parseConfig(text, file);
}

function parseValidated(text: string, filename: string): Config {
  const dir = path.dirname(filename);
  const r = new YamlReader(text);
  const s: Sections = { global: null, ruleFiles: null, scrapeConfigFiles: null, scrapeConfigs: null, alerting: null, remoteWrite: null, remoteRead: null, storage: null, otlp: null };
  r.struct(r.root(), 'config.plain', {
    global: (v) => (s.global = v),
    runtime: (v) => r.struct(v, 'config.RuntimeConfig', { gogc: (x) => r.int(x) }),
    alerting: (v) => (s.alerting = v),
    rule_files: (v) => (s.ruleFiles = v),
    scrape_config_files: (v) => (s.scrapeConfigFiles = v),
    scrape_configs: (v) => (s.scrapeConfigs = v),
    storage: (v) => (s.storage = v),
    tracing: (v) =>
      r.struct(v, 'config.TracingConfig', {
        client_type: (x) => r.string(x),
        endpoint: (x) => r.string(x),
        sampling_fraction: (x) => r.float(x),
        insecure: (x) => r.bool(x),
        tls_config: (x) => readTLSConfig(r, x),
        headers: (x) => r.stringMap(x),
        compression: (x) => r.string(x),
        timeout: (x) => r.duration(x),
      }),
    remote_write: (v) => (s.remoteWrite = v),
    remote_read: (v) => (s.remoteRead = v),
    otlp: (v) => (s.otlp = v),
  });

  const global = s.global === null ? defaultGlobalConfig() : readGlobal(r, s.global, dir);
  const ruleFiles = readFileGlobs(r, s.ruleFiles, 'rule file', dir);
  const scrapeConfigs = readScrapeConfigs(r, s.scrapeConfigs, global, dir);
  const alerting: AlertingConfig = readAlerting(r, s.alerting, dir, global.metricNameValidationScheme);
  const remoteWrite: RemoteWriteConfig[] = [];
  const rwNames = new Set<string>();
  r.list(s.remoteWrite, '[]*config.RemoteWriteConfig', (item) => {
    const rw = readRemoteWrite(r, item, dir, global.metricNameValidationScheme);
    if (rwNames.has(rw.name)) r.fail(item, `found multiple remote write configs with job name ${JSON.stringify(rw.name)}`);
    rwNames.add(rw.name);
    remoteWrite.push(rw);
  });
  const remoteRead: RemoteReadConfig[] = [];
  const rrNames = new Set<string>();
  r.list(s.remoteRead, '[]*config.RemoteReadConfig', (item) => {
    const rr = readRemoteRead(r, item, dir);
    if (rrNames.has(rr.name)) r.fail(item, `found multiple remote read configs with job name ${JSON.stringify(rr.name)}`);
    rrNames.add(rr.name);
    remoteRead.push(rr);
  });
  const storage = readStorage(r, s.storage);
  const otlp = readOTLP(r, s.otlp, global.metricNameValidationScheme);

  for (const pattern of readFileGlobs(r, s.scrapeConfigFiles, 'scrape config file', dir)) {
    for (const file of expandFileGlob(pattern)) scrapeConfigs.push(...loadScrapeConfigFile(file, global, scrapeConfigs));
  }

  return { global, ruleFiles, scrapeConfigs, alerting, remoteWrite, remoteRead, storage, otlp, original: text, redacted: redactSecrets(r), filename };
}

function readFileGlobs(r: YamlReader, node: Node | null, what: string, dir: string): string[] {
  const out: string[] = [];
  r.list(node, '[]string', (item) => {
    const p = r.string(item);
    if (!FILE_GLOB_PATH.test(p)) r.fail(item, `invalid ${what} path ${JSON.stringify(p)}`);
    out.push(joinDir(dir, p) ?? p);
  });
  return out;
}

function readScrapeConfigs(r: YamlReader, node: Node | null, global: GlobalConfig, dir: string, taken: readonly ScrapeConfig[] = []): ScrapeConfig[] {
  const out: ScrapeConfig[] = [];
  const names = new Set(taken.map((c) => c.jobName));
  r.list(node, '[]*config.ScrapeConfig', (item) => {
    const sc = readScrapeConfig(r, item, global, dir);
    if (names.has(sc.jobName)) r.fail(item, `found multiple scrape configs with job name ${JSON.stringify(sc.jobName)}`);
    names.add(sc.jobName);
    out.push(sc);
  });
  return out;
}

/** A file named by scrape_config_files: only `scrape_configs`, validated against the main file's global section. */
function loadScrapeConfigFile(file: string, global: GlobalConfig, taken: readonly ScrapeConfig[]): ScrapeConfig[] {
  const abs = path.resolve(file);
  try {
    const r = new YamlReader(fs.readFileSync(file, 'utf8'));
    let node: Node | null = null;
    r.struct(r.root(), 'config.ScrapeConfigs', { scrape_configs: (v) => (node = v) });
    return readScrapeConfigs(r, node, global, path.dirname(file), taken);
  } catch (err) {
    if (err instanceof YamlInputError || (err as NodeJS.ErrnoException).code) throw new YamlInputError(`${JSON.stringify(abs)}: ${(err as Error).message}`);
    throw err;
  }
}

function readStorage(r: YamlReader, node: Node | null): StorageConfig {
  const storage: StorageConfig = { outOfOrderTimeWindowMs: 0, maxExemplars: 100_000 };
  r.struct(node, 'config.StorageConfig', {
    tsdb: (v) =>
      r.struct(v, 'config.TSDBConfig', {
        out_of_order_time_window: (x) => (storage.outOfOrderTimeWindowMs = r.duration(x)),
        retention: (x) => r.struct(x, 'config.TSDBRetentionConfig', { time: (y) => r.duration(y), size: (y) => r.byteSize(y) }),
      }),
    exemplars: (v) => r.struct(v, 'config.ExemplarsConfig', { max_exemplars: (x) => (storage.maxExemplars = r.int(x)) }),
  });
  return storage;
}

const OTLP_TRANSLATION_STRATEGIES: readonly OTLPTranslationStrategy[] = [
  'UnderscoreEscapingWithSuffixes',
  'UnderscoreEscapingWithoutSuffixes',
  'NoUTF8EscapingWithSuffixes',
  'NoTranslation',
];

export function defaultOTLPConfig(): OTLPConfig {
  return {
    promoteResourceAttributes: [],
    promoteAllResourceAttributes: false,
    ignoreResourceAttributes: [],
    translationStrategy: 'UnderscoreEscapingWithSuffixes',
    keepIdentifyingResourceAttributes: false,
    convertHistogramsToNhcb: false,
    promoteScopeMetadata: false,
    labelNameUnderscoreSanitization: true,
    labelNamePreserveMultipleUnderscores: true,
  };
}

/** Trims a list of attribute names, reporting empty and repeated ones together as Prometheus does. */
function attributeList(r: YamlReader, node: Node | null, field: string, what: string): string[] {
  const out: string[] = [];
  const problems: string[] = [];
  for (const raw of r.stringList(node)) {
    const attr = raw.trim();
    if (attr === '') problems.push(`empty ${what} OTel resource attribute`);
    else if (out.includes(attr)) problems.push(`duplicated ${what} OTel resource attribute ${JSON.stringify(attr)}`);
    else out.push(attr);
  }
  if (problems.length) r.fail(node, `invalid '${field}': ${problems.join('\n')}`);
  return out;
}

function readOTLP(r: YamlReader, node: Node | null, scheme: NameValidationScheme): OTLPConfig {
  const c = defaultOTLPConfig();
  let strategyNode: Node | null = null;
  r.struct(node, 'config.OTLPConfig', {
    promote_resource_attributes: (v) => (c.promoteResourceAttributes = attributeList(r, v, 'promote_resource_attributes', 'promoted')),
    promote_all_resource_attributes: (v) => (c.promoteAllResourceAttributes = r.bool(v)),
    ignore_resource_attributes: (v) => (c.ignoreResourceAttributes = attributeList(r, v, 'ignore_resource_attributes', 'ignored')),
    translation_strategy: (v) => {
      strategyNode = v;
      const name = r.string(v);
      if (name !== '') c.translationStrategy = name as OTLPTranslationStrategy;
    },
    keep_identifying_resource_attributes: (v) => (c.keepIdentifyingResourceAttributes = r.bool(v)),
    convert_histograms_to_nhcb: (v) => (c.convertHistogramsToNhcb = r.bool(v)),
    promote_scope_metadata: (v) => (c.promoteScopeMetadata = r.bool(v)),
    label_name_underscore_sanitization: (v) => (c.labelNameUnderscoreSanitization = r.bool(v)),
    label_name_preserve_multiple_underscores: (v) => (c.labelNamePreserveMultipleUnderscores = r.bool(v)),
  });
  if (c.promoteAllResourceAttributes && c.promoteResourceAttributes.length) {
    r.fail(node, "'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be configured simultaneously");
  }
  if (c.ignoreResourceAttributes.length && !c.promoteAllResourceAttributes) {
    r.fail(node, "'ignore_resource_attributes' cannot be configured unless 'promote_all_resource_attributes' is true");
  }
  if (!OTLP_TRANSLATION_STRATEGIES.includes(c.translationStrategy)) {
    r.fail(strategyNode, `unsupported OTLP translation strategy ${JSON.stringify(c.translationStrategy)}`);
  }
  const utf8Names = c.translationStrategy === 'NoUTF8EscapingWithSuffixes' || c.translationStrategy === 'NoTranslation';
  if (utf8Names && scheme === 'legacy') {
    r.fail(strategyNode, `OTLP translation strategy ${JSON.stringify(c.translationStrategy)} is not allowed when UTF8 is disabled`);
  }
  return c;
}
