// One API client per data source instance. Grafana sends the settings with every request;
// the client is built on first use and rebuilt when the settings' lastUpdatedMS changes.
// One flint may serve several Grafana servers and organisations, whose instances can share
// an org and uid (provisioned from the same file), so the settings themselves are part of
// the fingerprint, and the cache is bounded.
import { createHash } from 'node:crypto';
import { PrometheusApiClient } from './promClient';
import type { DataSourceInstanceSettings, PluginContext } from './protocol';
import { dataSourceConfig, SettingsError } from './settings';

const MAX_INSTANCES = 256;

interface CachedInstance {
  fingerprint: string;
  client: PrometheusApiClient;
}

function fingerprintOf(settings: DataSourceInstanceSettings): string {
  const secure = Object.entries(settings.decryptedSecureJsonData ?? {}).sort(([a], [b]) =>
    a < b ? -1 : a > b ? 1 : 0
  );
  const content = JSON.stringify([
    settings.url,
    settings.basicAuthEnabled,
    settings.basicAuthUser,
    Buffer.from(settings.jsonData).toString('utf8'),
    secure,
  ]);
  return `${settings.lastUpdatedMS}/${createHash('sha256').update(content).digest('hex')}`;
}

export class InstanceCache {
  private readonly instances = new Map<string, CachedInstance>();

  constructor(private readonly capacity = MAX_INSTANCES) {}

  get size(): number {
    return this.instances.size;
  }

  /** The client for the request's data source; throws SettingsError when there is none or it is misconfigured. */
  clientFor(context: PluginContext | null): PrometheusApiClient {
    const settings = context?.dataSourceInstanceSettings;
    if (!settings) throw new SettingsError('the request carries no data source settings');
    const key = `${context.orgId}/${settings.uid || settings.id}`;
    const fingerprint = fingerprintOf(settings);
    const cached = this.instances.get(key);
    if (cached && cached.fingerprint === fingerprint) {
      // Re-insert so that the least recently used instance is the first to go.
      this.instances.delete(key);
      this.instances.set(key, cached);
      return cached.client;
    }
    const client = new PrometheusApiClient(dataSourceConfig(settings));
    this.instances.delete(key);
    this.instances.set(key, { fingerprint, client });
    while (this.instances.size > this.capacity) {
      const oldest = this.instances.keys().next().value as string;
      this.instances.delete(oldest);
    }
    return client;
  }
}
