// A data source instance's settings, as Grafana sends them in every request's PluginContext,
// read once into the configuration of its HTTP client. The jsonData and secureJsonData keys
// are those of Grafana's Prometheus data source, so provisioning files carry over.
import type { DataSourceInstanceSettings } from './protocol';
import { IntervalError, parseGrafanaInterval } from './interval';

export interface DataSourceConfig {
  /** Base URL of the Prometheus HTTP API server (a flint, or any Prometheus). */
  url: string;
  /** Authentication and custom headers sent with every request. */
  headers: Record<string, string>;
  /** Client-side limit for one HTTP request. */
  timeoutMs: number;
  /** Sent as the `timeout` parameter of queries (`queryTimeout`), when set. */
  queryTimeout?: string;
  httpMethod: 'GET' | 'POST';
  /** The scrape interval setting (`timeInterval`), the default min step. */
  timeInterval?: string;
}

export class SettingsError extends Error {}

const DEFAULT_TIMEOUT_MS = 60_000;
const MAX_CUSTOM_HEADERS = 64;

type JsonData = Record<string, unknown>;

function parseJsonData(bytes: Uint8Array): JsonData {
  if (bytes.length === 0) return {};
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    throw new SettingsError('the data source settings (jsonData) are not valid JSON');
  }
  return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as JsonData) : {};
}

function optionalString(json: JsonData, key: string): string | undefined {
  const v = json[key];
  return typeof v === 'string' && v.trim() !== '' ? v.trim() : undefined;
}

function timeoutMs(json: JsonData): number {
  const v = json.timeout;
  const seconds = typeof v === 'number' ? v : typeof v === 'string' && v.trim() !== '' ? Number(v) : NaN;
  if (Number.isNaN(seconds)) return DEFAULT_TIMEOUT_MS;
  if (!(seconds > 0))
    throw new SettingsError(`the HTTP timeout must be a positive number of seconds, got ${JSON.stringify(v)}`);
  return seconds * 1000;
}

function validInterval(json: JsonData, key: string): string | undefined {
  const v = optionalString(json, key);
  if (v === undefined) return undefined;
  try {
    parseGrafanaInterval(v);
  } catch (e) {
    if (e instanceof IntervalError)
      throw new SettingsError(`the data source setting ${key} is not a duration: ${JSON.stringify(v)}`);
    throw e;
  }
  return v;
}

export function dataSourceConfig(settings: DataSourceInstanceSettings): DataSourceConfig {
  let url: URL;
  try {
    url = new URL(settings.url);
  } catch {
    throw new SettingsError(
      settings.url ? `the data source URL ${JSON.stringify(settings.url)} is not a URL` : 'the data source has no URL'
    );
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new SettingsError(`the data source URL must be http or https, got ${url.protocol}`);
  }
  const json = parseJsonData(settings.jsonData);
  const secure = settings.decryptedSecureJsonData ?? {};
  const headers: Record<string, string> = {};
  for (let i = 1; i <= MAX_CUSTOM_HEADERS; i++) {
    const name = optionalString(json, `httpHeaderName${i}`);
    if (name !== undefined) headers[name] = secure[`httpHeaderValue${i}`] ?? '';
  }
  if (settings.basicAuthEnabled) {
    const credentials = `${settings.basicAuthUser}:${secure.basicAuthPassword ?? ''}`;
    headers.Authorization = `Basic ${Buffer.from(credentials, 'utf8').toString('base64')}`;
  } else if (secure.bearerToken) {
    headers.Authorization = `Bearer ${secure.bearerToken}`;
  }
  const method = optionalString(json, 'httpMethod')?.toUpperCase();
  return {
    url: url.toString().replace(/\/+$/, ''),
    headers,
    timeoutMs: timeoutMs(json),
    queryTimeout: validInterval(json, 'queryTimeout'),
    httpMethod: method === 'GET' ? 'GET' : 'POST',
    timeInterval: validInterval(json, 'timeInterval'),
  };
}
