// remote_write and remote_read sections, with Prometheus 3's defaults and header rules.
import { createHash } from 'node:crypto';
import { Node } from 'yaml';
import { finishHTTPClientConfig, httpClientFields, pendingHTTPClient } from './httpClientConfig';
import { readRelabelConfigs } from './relabelConfig';
import { MetadataConfig, NameValidationScheme, QueueConfig, RemoteReadConfig, RemoteWriteConfig } from './types';
import { YamlReader } from './yamlReader';

const RESERVED_HEADERS = new Set([
  'host',
  'content-encoding',
  'content-length',
  'content-type',
  'user-agent',
  'connection',
  'keep-alive',
  'proxy-authenticate',
  'proxy-authorization',
  'www-authenticate',
  'accept-encoding',
  'x-prometheus-remote-write-version',
  'x-prometheus-remote-read-version',
  'x-amz-date',
  'x-amz-security-token',
  'x-amz-content-sha256',
]);

const UNSUPPORTED_AUTH = ['sigv4', 'azuread', 'google_iam'];

function readHeaders(r: YamlReader, node: Node | null): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value, keyNode] of r.stringMap(node)) {
    if (name.toLowerCase() === 'authorization') {
      r.fail(keyNode, 'authorization header must be changed via the basic_auth, authorization, oauth2, sigv4, azuread or google_iam parameter');
    }
    if (RESERVED_HEADERS.has(name.toLowerCase())) r.fail(keyNode, `${name} is a reserved header. It must not be changed`);
    out[name] = value;
  }
  return out;
}

function readURL(r: YamlReader, node: Node | null, section: string, url: string): string {
  if (url === '') r.fail(node, `url for ${section} is empty`);
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    r.fail(node, `parse ${JSON.stringify(url)}: invalid URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') r.fail(node, `unsupported protocol scheme ${JSON.stringify(parsed.protocol.slice(0, -1))} in ${section} url`);
  return url;
}

/** Prometheus names an unnamed remote endpoint by a short hash of its config. */
function configHash(section: unknown): string {
  return createHash('md5').update(JSON.stringify(section)).digest('hex').slice(0, 6);
}

export function readRemoteWrite(r: YamlReader, node: Node | null, dir: string, scheme: NameValidationScheme): RemoteWriteConfig {
  if (node === null) r.fail(node, 'empty or null remote write config section');
  let url = '';
  let name = '';
  let remoteTimeoutMs = 30_000;
  let headers: Record<string, string> = {};
  let relabelNode: Node | null = null;
  let sendExemplars = false;
  let sendNativeHistograms = false;
  let protobufMessage: RemoteWriteConfig['protobufMessage'] = 'prometheus.WriteRequest';
  const queueConfig: QueueConfig = {
    capacity: 10000,
    maxShards: 50,
    minShards: 1,
    maxSamplesPerSend: 2000,
    batchSendDeadlineMs: 5000,
    minBackoffMs: 30,
    maxBackoffMs: 5000,
    retryOnHttp429: false,
    sampleAgeLimitMs: 0,
  };
  const metadataConfig: MetadataConfig = { send: true, sendIntervalMs: 60_000, maxSamplesPerSend: 2000 };
  const http = pendingHTTPClient(node, false);
  const unsupported = Object.fromEntries(UNSUPPORTED_AUTH.map((k) => [k, (v: Node | null) => r.fail(v, `${k} is not supported by flint`)]));
  r.struct(node, 'config.RemoteWriteConfig', {
    url: (v) => (url = r.string(v)),
    remote_timeout: (v) => (remoteTimeoutMs = r.duration(v) || remoteTimeoutMs),
    headers: (v) => (headers = readHeaders(r, v)),
    write_relabel_configs: (v) => (relabelNode = v),
    name: (v) => (name = r.string(v)),
    send_exemplars: (v) => (sendExemplars = r.bool(v)),
    send_native_histograms: (v) => (sendNativeHistograms = r.bool(v)),
    round_robin_dns: (v) => r.bool(v),
    protobuf_message: (v) => {
      const m = r.string(v);
      if (m === '') return;
      if (m !== 'prometheus.WriteRequest' && m !== 'io.prometheus.write.v2.Request') {
        r.fail(v, `invalid protobuf_message value: unknown remote write protobuf message ${m}, supported: prometheus.WriteRequest, io.prometheus.write.v2.Request`);
      }
      protobufMessage = m;
    },
    queue_config: (v) =>
      r.struct(v, 'config.QueueConfig', {
        capacity: (x) => (queueConfig.capacity = r.int(x) || queueConfig.capacity),
        max_shards: (x) => (queueConfig.maxShards = r.int(x) || queueConfig.maxShards),
        min_shards: (x) => (queueConfig.minShards = r.int(x) || queueConfig.minShards),
        max_samples_per_send: (x) => (queueConfig.maxSamplesPerSend = r.int(x) || queueConfig.maxSamplesPerSend),
        batch_send_deadline: (x) => (queueConfig.batchSendDeadlineMs = r.duration(x) || queueConfig.batchSendDeadlineMs),
        min_backoff: (x) => (queueConfig.minBackoffMs = r.duration(x) || queueConfig.minBackoffMs),
        max_backoff: (x) => (queueConfig.maxBackoffMs = r.duration(x) || queueConfig.maxBackoffMs),
        retry_on_http_429: (x) => (queueConfig.retryOnHttp429 = r.bool(x)),
        sample_age_limit: (x) => (queueConfig.sampleAgeLimitMs = r.duration(x)),
      }),
    metadata_config: (v) => {
      // A present metadata_config block starts from Go zero values for `send` and `send_interval`.
      metadataConfig.send = false;
      metadataConfig.sendIntervalMs = 0;
      r.struct(v, 'config.MetadataConfig', {
        send: (x) => (metadataConfig.send = r.bool(x)),
        send_interval: (x) => (metadataConfig.sendIntervalMs = r.duration(x)),
        max_samples_per_send: (x) => (metadataConfig.maxSamplesPerSend = r.int(x) || metadataConfig.maxSamplesPerSend),
      });
    },
    ...unsupported,
    ...httpClientFields(r, http),
  });
  readURL(r, node, 'remote_write', url);
  const writeRelabelConfigs = readRelabelConfigs(r, relabelNode, scheme, 'empty or null relabeling rule in remote write config');
  const httpClient = finishHTTPClientConfig(r, http, dir);
  return {
    url,
    name: name || configHash({ url, headers, queueConfig, protobufMessage }),
    remoteTimeoutMs,
    headers,
    writeRelabelConfigs,
    sendExemplars,
    sendNativeHistograms,
    protobufMessage,
    httpClient,
    queueConfig,
    metadataConfig,
  };
}

export function readRemoteRead(r: YamlReader, node: Node | null, dir: string): RemoteReadConfig {
  if (node === null) r.fail(node, 'empty or null remote read config section');
  let url = '';
  let name = '';
  let remoteTimeoutMs = 60_000;
  let headers: Record<string, string> = {};
  let readRecent = false;
  let filterExternalLabels = true;
  const requiredMatchers: Record<string, string> = {};
  const http = pendingHTTPClient(node);
  r.struct(node, 'config.RemoteReadConfig', {
    url: (v) => (url = r.string(v)),
    remote_timeout: (v) => (remoteTimeoutMs = r.duration(v) || remoteTimeoutMs),
    chunked_read_limit: (v) => r.uint(v),
    headers: (v) => (headers = readHeaders(r, v)),
    read_recent: (v) => (readRecent = r.bool(v)),
    name: (v) => (name = r.string(v)),
    required_matchers: (v) => {
      for (const [k, val] of r.stringMap(v, 'model.LabelSet')) requiredMatchers[k] = val;
    },
    filter_external_labels: (v) => (filterExternalLabels = r.bool(v)),
    ...httpClientFields(r, http),
  });
  readURL(r, node, 'remote_read', url);
  const httpClient = finishHTTPClientConfig(r, http, dir);
  return { url, name: name || configHash({ url, headers, requiredMatchers, readRecent }), readRecent, requiredMatchers, remoteTimeoutMs, headers, filterExternalLabels, httpClient };
}
