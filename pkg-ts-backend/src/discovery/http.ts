// http_sd_configs: target groups fetched from a URL every refresh_interval, in the documented
// JSON format. A failed refresh keeps the last good groups.
import { HTTPSDConfig } from '../config/types';
import { Logger } from '../util/log';
import { VERSION } from '../version';
import { Discoverer } from './discoverer';
import { httpGet } from './httpClient';
import { httpFailuresTotal } from './metrics';
import { parseTargetGroups, TargetGroup } from './targetGroup';

export const URL_LABEL = '__meta_url';

const JSON_CONTENT_TYPE = /^application\/json(;.*)?$/i;

export class HTTPDiscoverer implements Discoverer {
  private timer?: NodeJS.Timeout;
  private stopped = false;
  private lastEmitted = '';

  constructor(
    private readonly config: HTTPSDConfig,
    private readonly logger: Logger
  ) {}

  run(update: (groups: TargetGroup[]) => void): void {
    const tick = async () => {
      try {
        const groups = await this.fetchGroups();
        const key = JSON.stringify(groups);
        if (!this.stopped && key !== this.lastEmitted) {
          this.lastEmitted = key;
          update(groups);
        }
      } catch (err) {
        httpFailuresTotal.inc();
        this.logger.error('Unable to refresh target groups', { url: this.config.url, err });
      }
      if (!this.stopped) this.timer = setTimeout(tick, this.config.refreshIntervalMs).unref();
    };
    void tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
  }

  /** One request; throws with Prometheus's wording on a bad answer. */
  async fetchGroups(): Promise<TargetGroup[]> {
    const { url, refreshIntervalMs, httpClient } = this.config;
    const res = await httpGet(
      url,
      httpClient,
      { Accept: 'application/json', 'User-Agent': `flint/${VERSION}`, 'X-Prometheus-Refresh-Interval-Seconds': String(refreshIntervalMs / 1000) },
      refreshIntervalMs
    );
    if (res.status !== 200) throw new Error(`server returned HTTP status ${res.status} ${res.statusText}`);
    if (!JSON_CONTENT_TYPE.test(res.contentType)) throw new Error(`unsupported content type ${JSON.stringify(res.contentType)}`);
    return parseTargetGroups(JSON.parse(res.body.toString('utf8')), url, [{ name: URL_LABEL, value: url }]);
  }
}
