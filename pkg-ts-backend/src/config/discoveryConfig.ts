// The service discovery sections of scrape and alertmanager configs: static_configs and the
// file, HTTP and DNS mechanisms flint implements, with Prometheus's defaults and checks.
import { Node } from 'yaml';
import { isValidLegacyLabelName, Label, labelsFromPairs } from '../model/labels';
import { finishHTTPClientConfig, httpClientFields, joinDir, pendingHTTPClient } from './httpClientConfig';
import { DNSRecordType, DNSSDConfig, FileSDConfig, HTTPSDConfig, NameValidationScheme, SDConfig, StaticTargetGroup } from './types';
import { FieldHandler, YamlReader } from './yamlReader';

const FILE_SD_PATTERN = /^[^*]*(\*[^/]*)?\.(json|yml|yaml|JSON|YML|YAML)$/;
const DNS_TYPES: readonly DNSRecordType[] = ['SRV', 'A', 'AAAA', 'MX', 'NS'];

/** Prometheus mechanisms flint does not implement: named so the error says so instead of "field not found". */
const UNSUPPORTED_SD = [
  'azure',
  'consul',
  'digitalocean',
  'docker',
  'dockerswarm',
  'ec2',
  'eureka',
  'gce',
  'hetzner',
  'ionos',
  'kubernetes',
  'kuma',
  'lightsail',
  'linode',
  'marathon',
  'nerve',
  'nomad',
  'openstack',
  'ovhcloud',
  'puppetdb',
  'scaleway',
  'serverset',
  'stackit',
  'triton',
  'uyuni',
  'vultr',
];

export function labelNameProblem(name: string, scheme: NameValidationScheme): string | undefined {
  const ok = scheme === 'legacy' ? isValidLegacyLabelName(name) : name !== '';
  return ok ? undefined : `${JSON.stringify(name)} is not a valid label name`;
}

/** Field handlers for every `*_sd_configs` key and `static_configs`, appending to `into`. */
export function discoveryFields(r: YamlReader, dir: string, scheme: NameValidationScheme, into: SDConfig[]): Record<string, FieldHandler> {
  const fields: Record<string, FieldHandler> = {
    static_configs: (v) => {
      const groups: StaticTargetGroup[] = [];
      r.list(v, '[]*targetgroup.Group', (item) => groups.push(readStaticGroup(r, item, scheme)));
      into.push({ kind: 'static', groups });
    },
    file_sd_configs: (v) => r.list(v, '[]*file.SDConfig', (item) => into.push(readFileSD(r, item, dir))),
    http_sd_configs: (v) => r.list(v, '[]*http.SDConfig', (item) => into.push(readHTTPSD(r, item, dir))),
    dns_sd_configs: (v) => r.list(v, '[]*dns.SDConfig', (item) => into.push(readDNSSD(r, item))),
  };
  for (const name of UNSUPPORTED_SD) {
    const key = `${name}_sd_configs`;
    fields[key] = (v) => {
      let present = false;
      r.list(v, `[]*${name}.SDConfig`, () => (present = true));
      if (present) r.fail(v, `${key} is not supported by flint (supported: static_configs, file_sd_configs, http_sd_configs, dns_sd_configs)`);
    };
  }
  return fields;
}

function readStaticGroup(r: YamlReader, node: Node | null, scheme: NameValidationScheme): StaticTargetGroup {
  const group: StaticTargetGroup = { targets: [], labels: [] };
  r.struct(node, 'targetgroup.Group', {
    targets: (v) => (group.targets = r.stringList(v)),
    labels: (v) => {
      const pairs: Label[] = [];
      for (const [name, value, keyNode] of r.stringMap(v, 'model.LabelSet')) {
        const problem = labelNameProblem(name, scheme);
        if (problem) r.fail(keyNode, problem);
        pairs.push({ name, value });
      }
      group.labels = labelsFromPairs(pairs);
    },
  });
  return group;
}

function readFileSD(r: YamlReader, node: Node | null, dir: string): FileSDConfig {
  const cfg: FileSDConfig = { kind: 'file', files: [], refreshIntervalMs: 5 * 60_000 };
  r.struct(node, 'file.SDConfig', {
    files: (v) => (cfg.files = r.stringList(v)),
    refresh_interval: (v) => (cfg.refreshIntervalMs = r.duration(v) || cfg.refreshIntervalMs),
  });
  if (cfg.files.length === 0) r.fail(node, 'file service discovery config must contain at least one path name');
  for (const f of cfg.files) if (!FILE_SD_PATTERN.test(f)) r.fail(node, `path name ${JSON.stringify(f)} is not valid for file discovery`);
  cfg.files = cfg.files.map((f) => joinDir(dir, f) ?? f);
  return cfg;
}

function readHTTPSD(r: YamlReader, node: Node | null, dir: string): HTTPSDConfig {
  let url = '';
  let refreshIntervalMs = 60_000;
  const http = pendingHTTPClient(node);
  r.struct(node, 'http.SDConfig', {
    url: (v) => (url = r.string(v)),
    refresh_interval: (v) => (refreshIntervalMs = r.duration(v) || refreshIntervalMs),
    ...httpClientFields(r, http),
  });
  if (url === '') r.fail(node, 'URL is missing');
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    r.fail(node, `parse ${JSON.stringify(url)}: invalid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') r.fail(node, "URL scheme must be 'http' or 'https'");
  if (parsed.host === '') r.fail(node, 'host is missing in URL');
  return { kind: 'http', url, refreshIntervalMs, httpClient: finishHTTPClientConfig(r, http, dir) };
}

function readDNSSD(r: YamlReader, node: Node | null): DNSSDConfig {
  const cfg: DNSSDConfig = { kind: 'dns', names: [], type: 'SRV', port: 0, refreshIntervalMs: 30_000 };
  r.struct(node, 'dns.SDConfig', {
    names: (v) => (cfg.names = r.stringList(v)),
    refresh_interval: (v) => (cfg.refreshIntervalMs = r.duration(v) || cfg.refreshIntervalMs),
    type: (v) => {
      const t = r.string(v).toUpperCase();
      if (t === '') return;
      if (!DNS_TYPES.includes(t as DNSRecordType)) r.fail(v, `invalid DNS-SD records type ${t}`);
      cfg.type = t as DNSRecordType;
    },
    port: (v) => {
      cfg.port = r.uint(v);
      if (cfg.port > 65535) r.fail(v, `invalid port ${cfg.port}`);
    },
  });
  if (cfg.names.length === 0) r.fail(node, 'DNS-SD config must contain at least one SRV record name');
  if (cfg.type !== 'SRV' && cfg.port === 0) r.fail(node, 'a port is required in DNS-SD configs for all record types except SRV');
  return cfg;
}
