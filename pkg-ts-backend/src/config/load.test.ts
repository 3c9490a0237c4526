import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { getLabel } from '../model/labels';
import { relabel } from '../relabel/relabel';
import { ConfigError, loadConfigFile, parseConfig } from './load';

function parse(text: string) {
  return parseConfig(text, 'flint.yml');
}

function errorOf(text: string): string {
  try {
    parse(text);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    return (err as Error).message;
  }
  throw new Error('expected a ConfigError');
}

describe('defaults', () => {
  test('an empty file gets Prometheus 3 global defaults', () => {
    const c = parse('');
    expect(c.global.scrapeIntervalMs).toBe(60_000);
    expect(c.global.scrapeTimeoutMs).toBe(10_000);
    expect(c.global.evaluationIntervalMs).toBe(60_000);
    expect(c.global.scrapeProtocols).toEqual(['OpenMetricsText1.0.0', 'OpenMetricsText0.0.1', 'PrometheusText1.0.0', 'PrometheusText0.0.4']);
    expect(c.scrapeConfigs).toEqual([]);
    expect(c.alerting.alertmanagers).toEqual([]);
  });

  test('an empty global block still gets defaults', () => {
    expect(parse('global:\n').global.scrapeIntervalMs).toBe(60_000);
  });

  test('scrape config inherits global interval, timeout and limits', () => {
    const c = parse(`
global:
  scrape_interval: 15s
  sample_limit: 500
scrape_configs:
  - job_name: a
    static_configs: [{targets: ['h:1']}]
`);
    const sc = c.scrapeConfigs[0];
    expect(sc.scrapeIntervalMs).toBe(15_000);
    expect(sc.scrapeTimeoutMs).toBe(10_000);
    expect(sc.sampleLimit).toBe(500);
    expect(sc.metricsPath).toBe('/metrics');
    expect(sc.scheme).toBe('http');
    expect(sc.honorTimestamps).toBe(true);
    expect(sc.honorLabels).toBe(false);
    expect(sc.enableCompression).toBe(true);
    expect(sc.httpClient.followRedirects).toBe(true);
    expect(sc.serviceDiscovery).toEqual([{ kind: 'static', groups: [{ targets: ['h:1'], labels: [] }] }]);
  });

  test('a short interval caps the inherited timeout', () => {
    const c = parse('global: {scrape_interval: 5s}\nscrape_configs: [{job_name: a, scrape_interval: 2s}]');
    expect(c.global.scrapeTimeoutMs).toBe(5_000);
    expect(c.scrapeConfigs[0].scrapeTimeoutMs).toBe(2_000);
  });

  test('alertmanager and remote write defaults', () => {
    const c = parse(`
alerting:
  alertmanagers:
    - static_configs: [{targets: ['am:9093']}]
remote_write:
  - url: http://rw.example/api/v1/write
remote_read:
  - url: http://rr.example/api/v1/read
`);
    const am = c.alerting.alertmanagers[0];
    expect(am).toMatchObject({ scheme: 'http', pathPrefix: '', timeoutMs: 10_000, apiVersion: 'v2' });
    const rw = c.remoteWrite[0];
    expect(rw.remoteTimeoutMs).toBe(30_000);
    expect(rw.queueConfig).toEqual({
      capacity: 10000,
      maxShards: 50,
      minShards: 1,
      maxSamplesPerSend: 2000,
      batchSendDeadlineMs: 5000,
      minBackoffMs: 30,
      maxBackoffMs: 5000,
      retryOnHttp429: false,
      sampleAgeLimitMs: 0,
    });
    expect(rw.metadataConfig).toEqual({ send: true, sendIntervalMs: 60_000, maxSamplesPerSend: 2000 });
    expect(rw.httpClient.enableHttp2).toBe(false);
    expect(rw.name).toMatch(/^[0-9a-f]{6}$/);
    expect(c.remoteRead[0]).toMatchObject({ remoteTimeoutMs: 60_000, readRecent: false, filterExternalLabels: true });
  });

  test('relabel defaults: replace, ";", (.*), $1', () => {
    const c = parse('scrape_configs: [{job_name: a, relabel_configs: [{source_labels: [a, b], target_label: c}]}]');
    const rc = c.scrapeConfigs[0].relabelConfigs[0];
    expect(rc).toMatchObject({ action: 'replace', separator: ';', replacement: '$1', modulus: 0, targetLabel: 'c', sourceLabels: ['a', 'b'] });
    expect(rc.regex.source).toBe('(.*)');
    const out = relabel([{ name: 'a', value: 'x' }, { name: 'b', value: 'y' }], [rc]);
    expect(out && getLabel(out, 'c')).toBe('x;y');
  });
});

describe('values', () => {
  test('external labels with environment expansion', () => {
    process.env.FLINT_TEST_REGION = 'eu-1';
    const c = parse('global:\n  external_labels:\n    region: ${FLINT_TEST_REGION}\n    cost: $$5\n');
    expect(c.global.externalLabels).toEqual([
      { name: 'cost', value: '$5' },
      { name: 'region', value: 'eu-1' },
    ]);
  });

  test('params, auth, tls and bearer token', () => {
    const c = parse(`
scrape_configs:
  - job_name: a
    params: {module: [http_2xx], target: example.com}
    scheme: https
    bearer_token_file: token.txt
    tls_config: {ca_file: ca.pem, server_name: s, insecure_skip_verify: true}
  - job_name: b
    basic_auth: {username: u, password: p}
`);
    const [a, b] = c.scrapeConfigs;
    expect(a.params).toEqual({ module: ['http_2xx'], target: ['example.com'] });
    expect(a.httpClient.authorization).toEqual({ type: 'Bearer', credentials: '', credentialsFile: 'token.txt' });
    expect(a.httpClient.tlsConfig).toMatchObject({ caFile: 'ca.pem', serverName: 's', insecureSkipVerify: true });
    expect(b.httpClient.basicAuth).toMatchObject({ username: 'u', password: 'p' });
  });

  test('relative paths are joined to the config directory', () => {
    const c = parseConfig('rule_files: [rules/*.yml, /abs/r.yml]\nscrape_configs: [{job_name: a, file_sd_configs: [{files: [sd/*.json]}]}]', '/etc/flint/flint.yml');
    expect(c.ruleFiles).toEqual(['/etc/flint/rules/*.yml', '/abs/r.yml']);
    expect(c.scrapeConfigs[0].serviceDiscovery[0]).toEqual({ kind: 'file', files: ['/etc/flint/sd/*.json'], refreshIntervalMs: 300_000 });
  });

  test('body_size_limit in base-2 units', () => {
    expect(parse('global: {body_size_limit: 10MB}').global.bodySizeLimit).toBe(10 * 1024 * 1024);
    expect(parse('global: {body_size_limit: 1KiB}').global.bodySizeLimit).toBe(1024);
    expect(errorOf('global: {body_size_limit: 10XB}')).toContain('units: unknown unit XB in 10XB');
  });

  test('dns and http sd', () => {
    const c = parse(`
scrape_configs:
  - job_name: a
    dns_sd_configs: [{names: [_x._tcp.example.com]}, {names: [example.com], type: a, port: 9100}]
    http_sd_configs: [{url: 'http://sd.example/targets', refresh_interval: 30s}]
`);
    const sd = c.scrapeConfigs[0].serviceDiscovery;
    expect(sd[0]).toEqual({ kind: 'dns', names: ['_x._tcp.example.com'], type: 'SRV', port: 0, refreshIntervalMs: 30_000 });
    expect(sd[1]).toMatchObject({ kind: 'dns', type: 'A', port: 9100 });
    expect(sd[2]).toMatchObject({ kind: 'http', url: 'http://sd.example/targets', refreshIntervalMs: 30_000 });
  });

  test('anchors and merge keys work', () => {
    const c = parse(`
scrape_configs:
  - &base
    job_name: a
    scrape_interval: 7s
  - <<: *base
    job_name: b
`);
    expect(c.scrapeConfigs.map((s) => [s.jobName, s.scrapeIntervalMs])).toEqual([
      ['a', 7000],
      ['b', 7000],
    ]);
  });

  test('secrets are redacted for display, the original is kept', () => {
    const text = 'scrape_configs:\n  - job_name: a\n    basic_auth: {username: u, password: hunter2}\n    authorization: {credentials: tok}\n';
    expect(() => parse(text)).toThrow(/at most one of basic_auth, oauth2 & authorization/);
    const ok = 'scrape_configs:\n  - job_name: a\n    basic_auth: {username: u, password: hunter2}\n';
    const c = parse(ok);
    expect(c.original).toBe(ok);
    expect(c.redacted).not.toContain('hunter2');
    expect(c.redacted).toContain('<secret>');
    expect(c.redacted).toContain('username: u');
  });
});

test('every kind of secret is redacted, comments and other values stay', () => {
  const c = parse(`# my config
scrape_configs:
  - job_name: a
    authorization: {credentials: tok-1}
    tls_config: {key: "-----BEGIN KEY-----", cert_file: c.pem, server_name: s}
    http_headers:
      X-Key: {secrets: [sec-1], values: [plain]}
remote_write:
  - url: http://rw/
    bearer_token: tok-2
`);
  for (const secret of ['tok-1', 'BEGIN KEY', 'sec-1', 'tok-2']) expect(c.redacted).not.toContain(secret);
  for (const kept of ['# my config', 'server_name: s', 'plain', 'http://rw/']) expect(c.redacted).toContain(kept);
  expect(c.scrapeConfigs[0].httpClient.httpHeaders).toEqual({ 'X-Key': ['plain', 'sec-1'] });
});

describe('errors', () => {
  test('unknown field names line and type', () => {
    expect(errorOf('scrape_configs:\n  - job_name: a\n\n    scrape_intervall: 5s\n')).toBe(
      'parsing YAML file flint.yml: yaml: unmarshal errors:\n  line 4: field scrape_intervall not found in type config.ScrapeConfig'
    );
    expect(errorOf('globl: {}')).toContain('line 1: field globl not found in type config.plain');
  });

  test('bad duration', () => {
    expect(errorOf('global:\n  scrape_interval: 5 minutes\n')).toBe('parsing YAML file flint.yml: line 2: not a valid duration string: "5 minutes"');
  });

  test('wrong type', () => {
    expect(errorOf('scrape_configs:\n  - job_name: a\n    honor_labels: maybe\n')).toContain('line 3: cannot unmarshal !!str `maybe` into bool');
    expect(errorOf('scrape_configs: {a: 1}')).toContain('cannot unmarshal !!map into []*config.ScrapeConfig');
  });

  test('syntax error and duplicate keys', () => {
    expect(errorOf('global:\n  scrape_interval: [\n')).toMatch(/^parsing YAML file flint.yml: yaml: line \d+: /);
    expect(errorOf('global:\n  scrape_interval: 1m\n  scrape_interval: 2m\n')).toBe(
      'parsing YAML file flint.yml: yaml: unmarshal errors:\n  line 3: field scrape_interval already set in type config.GlobalConfig'
    );
    expect(errorOf('global:\n  external_labels:\n    a: x\n    a: y\n')).toContain('line 4: key "a" already set in map');
  });

  test('timeout greater than interval', () => {
    expect(errorOf('scrape_configs:\n  - job_name: x\n    scrape_interval: 5s\n    scrape_timeout: 10s\n')).toBe(
      'parsing YAML file flint.yml: line 4: scrape timeout greater than scrape interval for scrape config with job name "x"'
    );
    expect(errorOf('global: {scrape_interval: 5s, scrape_timeout: 6s}')).toContain('global scrape timeout greater than scrape interval');
  });

  test('duplicate job names and empty job name', () => {
    expect(errorOf('scrape_configs: [{job_name: x}, {job_name: x}]')).toContain('found multiple scrape configs with job name "x"');
    expect(errorOf('scrape_configs: [{scrape_interval: 1m}]')).toContain('job_name is empty');
  });

  test('URL as static target without relabeling', () => {
    expect(errorOf("scrape_configs: [{job_name: x, static_configs: [{targets: ['http://h:1/metrics']}]}]")).toContain('"http://h:1/metrics" is not a valid hostname');
  });

  test.each([
    ['{action: hashmod, target_label: t}', 'relabel configuration for hashmod requires non-zero modulus'],
    ['{action: replace}', "relabel configuration for replace action requires 'target_label' value"],
    ['{action: lowercase, target_label: t, replacement: x}', "'replacement' can not be set for lowercase action"],
    ['{action: keepequal, target_label: t, regex: a}', "keepequal action requires only 'source_labels' and `target_label`, and no other fields"],
    ['{action: labeldrop, regex: a, source_labels: [x]}', "labeldrop action requires only 'regex', and no other fields"],
    ['{action: frobnicate}', 'unknown relabel action "frobnicate"'],
    ['{regex: "(", target_label: t}', 'error parsing regexp'],
  ])('invalid relabel config %s', (rc, msg) => {
    expect(errorOf(`scrape_configs: [{job_name: x, relabel_configs: [${rc}]}]`)).toContain(msg);
  });

  test('legacy name validation checks target labels', () => {
    expect(errorOf('global: {metric_name_validation_scheme: legacy}\nscrape_configs: [{job_name: x, relabel_configs: [{target_label: "a-b"}]}]')).toContain(
      `"a-b" is invalid 'target_label' for replace action`
    );
    expect(errorOf('global: {metric_name_validation_scheme: legacy}\nscrape_configs: [{job_name: x, relabel_configs: [{action: labelmap, replacement: "l-$1"}]}]')).toContain(
      `"l-$1" is invalid 'replacement' for labelmap action`
    );
  });

  test('sd config problems', () => {
    expect(errorOf('scrape_configs: [{job_name: x, file_sd_configs: [{files: [a.txt]}]}]')).toContain('path name "a.txt" is not valid for file discovery');
    expect(errorOf('scrape_configs: [{job_name: x, dns_sd_configs: [{names: [a], type: A}]}]')).toContain('a port is required in DNS-SD configs for all record types except SRV');
    expect(errorOf('scrape_configs: [{job_name: x, dns_sd_configs: [{names: [a], type: TXT}]}]')).toContain('invalid DNS-SD records type TXT');
    expect(errorOf('scrape_configs: [{job_name: x, http_sd_configs: [{url: "ftp://a/b"}]}]')).toContain("URL scheme must be 'http' or 'https'");
    expect(errorOf('scrape_configs: [{job_name: x, kubernetes_sd_configs: [{role: pod}]}]')).toContain('kubernetes_sd_configs is not supported by flint');
  });

  test('auth conflicts', () => {
    expect(errorOf('scrape_configs: [{job_name: x, bearer_token: a, bearer_token_file: b}]')).toContain('at most one of bearer_token & bearer_token_file must be configured');
    expect(errorOf('scrape_configs: [{job_name: x, basic_auth: {username: u}, bearer_token: a}]')).toContain('at most one of basic_auth, oauth2, bearer_token & bearer_token_file must be configured');
  });

  test('remote sections', () => {
    expect(errorOf('remote_write: [{name: a}]')).toContain('url for remote_write is empty');
    expect(errorOf('remote_write: [{url: "http://a/", name: n}, {url: "http://b/", name: n}]')).toContain('found multiple remote write configs with job name "n"');
    expect(errorOf('remote_write: [{url: "http://a/", headers: {Authorization: x}}]')).toContain('authorization header must be changed via');
    expect(errorOf('remote_write: [{url: "http://a/", headers: {Host: x}}]')).toContain('Host is a reserved header. It must not be changed');
    expect(errorOf('alerting: {alertmanagers: [{api_version: v1}]}')).toContain('expected Alertmanager api version to be one of [v2] but got v1');
  });

  test('rule file globs and scrape protocols', () => {
    expect(errorOf('rule_files: ["a/*/b.yml"]')).toContain('invalid rule file path "a/*/b.yml"');
    expect(errorOf('scrape_configs: [{job_name: x, scrape_protocols: []}]')).toContain('scrape_protocols cannot be empty for scrape config with job name "x"');
    expect(errorOf('scrape_configs: [{job_name: x, scrape_protocols: [Foo]}]')).toContain('unknown scrape protocol Foo');
  });

  test('invalid external label name under legacy validation', () => {
    expect(errorOf('global:\n  metric_name_validation_scheme: legacy\n  external_labels:\n    "a-b": c\n')).toContain('line 4: "a-b" is not a valid label name');
  });
});

describe('files', () => {
  let dir: string;
  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-config-'));
  });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

  test('missing file', () => {
    expect(() => loadConfigFile(path.join(dir, 'nope.yml'))).toThrow(`open ${path.join(dir, 'nope.yml')}: no such file or directory`);
  });

  test('scrape_config_files are merged and checked for duplicate jobs', () => {
    fs.mkdirSync(path.join(dir, 'jobs'));
    fs.writeFileSync(path.join(dir, 'jobs', 'one.yml'), 'scrape_configs: [{job_name: one}]\n');
    fs.writeFileSync(path.join(dir, 'jobs', 'two.yml'), 'scrape_configs: [{job_name: two, scrape_interval: 5s}]\n');
    fs.writeFileSync(path.join(dir, 'flint.yml'), 'scrape_config_files: [jobs/*.yml]\nscrape_configs: [{job_name: main}]\n');
    const c = loadConfigFile(path.join(dir, 'flint.yml'));
    expect(c.scrapeConfigs.map((s) => s.jobName)).toEqual(['main', 'one', 'two']);
    expect(c.filename).toBe(path.join(dir, 'flint.yml'));
    fs.writeFileSync(path.join(dir, 'jobs', 'three.yml'), 'scrape_configs: [{job_name: main}]\n');
    expect(() => loadConfigFile(path.join(dir, 'flint.yml'))).toThrow(/three.yml": line 1: found multiple scrape configs with job name "main"/);
  });
});

describe('otlp', () => {
  test('defaults match Prometheus 3', () => {
    expect(parse('').otlp).toEqual({
      promoteResourceAttributes: [],
      promoteAllResourceAttributes: false,
      ignoreResourceAttributes: [],
      translationStrategy: 'UnderscoreEscapingWithSuffixes',
      keepIdentifyingResourceAttributes: false,
      convertHistogramsToNhcb: false,
      promoteScopeMetadata: false,
      labelNameUnderscoreSanitization: true,
      labelNamePreserveMultipleUnderscores: true,
    });
  });

  test('reads every field, trimming promoted attribute names', () => {
    const c = parse(`
otlp:
  promote_resource_attributes: [' k8s.pod.name ', service.version]
  translation_strategy: UnderscoreEscapingWithoutSuffixes
  keep_identifying_resource_attributes: true
  promote_scope_metadata: true
  label_name_underscore_sanitization: false
  label_name_preserve_multiple_underscores: false
`).otlp;
    expect(c.promoteResourceAttributes).toEqual(['k8s.pod.name', 'service.version']);
    expect(c.translationStrategy).toBe('UnderscoreEscapingWithoutSuffixes');
    expect(c.keepIdentifyingResourceAttributes).toBe(true);
    expect(c.promoteScopeMetadata).toBe(true);
    expect(c.labelNameUnderscoreSanitization).toBe(false);
    expect(c.labelNamePreserveMultipleUnderscores).toBe(false);
    const all = parse('otlp: {promote_all_resource_attributes: true, ignore_resource_attributes: [host.name]}').otlp;
    expect(all.promoteAllResourceAttributes).toBe(true);
    expect(all.ignoreResourceAttributes).toEqual(['host.name']);
  });

  test('rejects empty, duplicated and conflicting attribute lists with the line', () => {
    const msg = errorOf("otlp:\n  promote_resource_attributes: [a, ' ', a]\n");
    expect(msg).toContain('line 2: ');
    expect(msg).toContain("invalid 'promote_resource_attributes'");
    expect(msg).toContain('empty promoted OTel resource attribute');
    expect(msg).toContain('duplicated promoted OTel resource attribute "a"');
    expect(errorOf('otlp: {promote_all_resource_attributes: true, promote_resource_attributes: [a]}')).toContain(
      "'promote_all_resource_attributes' and 'promote_resource_attributes' cannot be configured simultaneously"
    );
    expect(errorOf('otlp: {ignore_resource_attributes: [a]}')).toContain("'ignore_resource_attributes' cannot be configured unless 'promote_all_resource_attributes' is true");
  });

  test('rejects unknown strategies, UTF-8 strategies under legacy names, and unknown fields', () => {
    expect(errorOf('otlp:\n  translation_strategy: Invalid\n')).toBe('parsing YAML file flint.yml: line 2: unsupported OTLP translation strategy "Invalid"');
    expect(errorOf('global: {metric_name_validation_scheme: legacy}\notlp: {translation_strategy: NoTranslation}')).toContain(
      'OTLP translation strategy "NoTranslation" is not allowed when UTF8 is disabled'
    );
    expect(parse('otlp: {translation_strategy: NoUTF8EscapingWithSuffixes}').otlp.translationStrategy).toBe('NoUTF8EscapingWithSuffixes');
    expect(errorOf('otlp: {promote_resources: []}')).toContain('field promote_resources not found in type config.OTLPConfig');
    expect(errorOf('otlp: {keep_identifying_resource_attributes: maybe}')).toContain('cannot unmarshal');
  });
});
