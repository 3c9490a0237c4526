// One API client per data source instance. Grafana sends the settings with every request;
// the client is built on first use and rebuilt when the settings' lastUpdatedMS changes.
// One flint may serve several Grafana servers and organisations, so the cache is bounded.
import { PrometheusApiClient } from './promClient';
import type { PluginContext } from './protocol';
import { dataSourceConfig, SettingsError } from './settings';

const MAX_INSTANCES = 256;

interface CachedInstance {
  lastUpdatedMS: number;
  client: PrometheusApiClient;
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
    const cached = this.instances.get(key);
    if (cached && cached.lastUpdatedMS === settings.lastUpdatedMS) {
      // Re-insert so that the least recently used instance is the first to go.
      this.instances.delete(key);
      this.instances.set(key, cached);
      return cached.client;
    }
    const client = new PrometheusApiClient(dataSourceConfig(settings));
    this.instances.delete(key);
    this.instances.set(key, { lastUpdatedMS: settings.lastUpdatedMS, client });
    while (this.instances.size > this.capacity) {
      const oldest = this.instances.keys().next().value as string;
      this.instances.delete(oldest);
    }
    return client;
  }
}
