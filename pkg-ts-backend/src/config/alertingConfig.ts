// The `alerting` section: alert relabeling and the Alertmanagers to notify (API v2 only, as in Prometheus 3).
import { Node } from 'yaml';
import { discoveryFields } from './discoveryConfig';
import { finishHTTPClientConfig, httpClientFields, pendingHTTPClient } from './httpClientConfig';
import { readRelabelConfigs } from './relabelConfig';
import { checkStaticTargets } from './scrapeConfig';
import { AlertingConfig, AlertmanagerConfig, NameValidationScheme, SDConfig } from './types';
import { YamlReader } from './yamlReader';

export function readAlerting(r: YamlReader, node: Node | null, dir: string, scheme: NameValidationScheme): AlertingConfig {
  let relabelNode: Node | null = null;
  const alertmanagers: AlertmanagerConfig[] = [];
  r.struct(node, 'config.AlertingConfig', {
    alert_relabel_configs: (v) => (relabelNode = v),
    alertmanagers: (v) => r.list(v, 'config.AlertmanagerConfigs', (item) => alertmanagers.push(readAlertmanager(r, item, dir, scheme))),
  });
  return { alertRelabelConfigs: readRelabelConfigs(r, relabelNode, scheme, 'empty or null alert relabeling rule'), alertmanagers };
}

function readAlertmanager(r: YamlReader, node: Node | null, dir: string, nameScheme: NameValidationScheme): AlertmanagerConfig {
  let scheme = 'http';
  let pathPrefix = '';
  let timeoutMs = 10_000;
  let relabelNode: Node | null = null;
  let alertRelabelNode: Node | null = null;
  const sd: SDConfig[] = [];
  const http = pendingHTTPClient(node);
  r.struct(node, 'config.AlertmanagerConfig', {
    scheme: (v) => (scheme = r.string(v) || 'http'),
    path_prefix: (v) => (pathPrefix = r.string(v)),
    timeout: (v) => (timeoutMs = r.duration(v) || timeoutMs),
    api_version: (v) => {
      const version = r.string(v);
      if (version !== 'v2') r.fail(v, `expected Alertmanager api version to be one of [v2] but got ${version}`);
    },
    relabel_configs: (v) => (relabelNode = v),
    alert_relabel_configs: (v) => (alertRelabelNode = v),
    sigv4: (v) => r.fail(v, 'sigv4 is not supported by flint'),
    ...httpClientFields(r, http),
    ...discoveryFields(r, dir, nameScheme, sd),
  });
  const httpClient = finishHTTPClientConfig(r, http, dir);
  const relabelConfigs = readRelabelConfigs(r, relabelNode, nameScheme, 'empty or null Alertmanager target relabeling rule');
  if (relabelConfigs.length === 0) checkStaticTargets(r, node, sd);
  const alertRelabelConfigs = readRelabelConfigs(r, alertRelabelNode, nameScheme, 'empty or null Alertmanager alert relabeling rule');
  if (scheme !== 'http' && scheme !== 'https') r.fail(node, `invalid scheme ${JSON.stringify(scheme)} for alertmanager config: must be "http" or "https"`);
  return { scheme, pathPrefix, timeoutMs, apiVersion: 'v2', httpClient, serviceDiscovery: sd, relabelConfigs, alertRelabelConfigs };
}
