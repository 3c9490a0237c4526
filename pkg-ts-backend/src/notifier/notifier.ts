// The Alertmanager client: alerts get the external labels and alert relabeling, wait in a bounded
// queue (the oldest are dropped when it overflows), and go out in batches of up to 256 as
// POST <alertmanager>/api/v2/alerts to every discovered Alertmanager, with a few quick retries.
import { Gauge, Summary } from 'prom-client';
import type { AlertmanagerConfig, SDConfig } from '../config/types';
import { DiscoveryManager } from '../discovery';
import type { TargetGroup } from '../discovery/targetGroup';
import { Labels, labelsToRecord, withLabel } from '../model/labels';
import { relabel, RelabelConfig } from '../relabel/relabel';
import { HttpClient } from '../util/httpclient';
import type { Logger } from '../util/log';
import { notificationsDroppedTotal, notificationsErrorsTotal, notificationsQueueLength, notificationsSentTotal, registry } from '../util/metrics';
import type { NotifierAlert } from './alert';
import { alertmanagerTargets, AlertmanagerTarget } from './targets';

export { NotifierAlert } from './alert';

/** Prometheus's maxBatchSize. */
export const MAX_BATCH_SIZE = 256;

export interface NotifierOptions {
  logger: Logger;
  /** --alertmanager.notification-queue-capacity (10000). */
  queueCapacity: number;
  externalLabels: Labels;
  /** Delays between retries of a failed request to one Alertmanager. */
  retryDelaysMs?: number[];
  /** How often service discovery results are applied (Prometheus: 5 s). */
  discoveryUpdateIntervalMs?: number;
}

export interface NotifierMetrics {
  sent: Record<string, number>;
  errors: Record<string, number>;
  dropped: number;
  queueLength: number;
  queueCapacity: number;
  alertmanagersDiscovered: number;
}

interface AlertmanagerSet {
  name: string;
  cfg: AlertmanagerConfig;
  client: HttpClient;
  active: AlertmanagerTarget[];
  dropped: AlertmanagerTarget[];
}

// Prometheus's notifier metrics that util/metrics does not define, on the same registry.
const queueCapacityGauge = new Gauge({ name: 'flint_notifications_queue_capacity', help: 'The capacity of the alert notifications queue.', registers: [registry] });
const alertmanagersDiscoveredGauge = new Gauge({ name: 'flint_notifications_alertmanagers_discovered', help: 'The number of alertmanagers discovered and active.', registers: [registry] });
const latencySummary = new Summary<'alertmanager'>({
  name: 'flint_notifications_latency_seconds',
  help: 'Latency quantiles for sending alert notifications.',
  labelNames: ['alertmanager'],
  percentiles: [0.5, 0.9, 0.99],
  registers: [registry],
});

function toPayload(alerts: { labels: Labels; annotations: Labels; startsAt: number; endsAt: number; generatorURL: string }[]): string {
  return JSON.stringify(
    alerts.map((a) => ({
      labels: labelsToRecord(a.labels),
      annotations: labelsToRecord(a.annotations),
      ...(a.startsAt ? { startsAt: new Date(a.startsAt).toISOString() } : {}),
      ...(a.endsAt ? { endsAt: new Date(a.endsAt).toISOString() } : {}),
      generatorURL: a.generatorURL,
    }))
  );
}

export class Notifier {
  private queue: NotifierAlert[] = [];
  private sets: AlertmanagerSet[] = [];
  private alertRelabelConfigs: RelabelConfig[] = [];
  private discovery: DiscoveryManager | null = null;
  private sending: Promise<void> | null = null;
  private stopped = false;
  private readonly counts = { sent: new Map<string, number>(), errors: new Map<string, number>(), dropped: 0 };
  private readonly log: Logger;
  private readonly retryDelaysMs: number[];

  private externalLabels: Labels;

  constructor(private readonly opts: NotifierOptions) {
    this.externalLabels = opts.externalLabels;
    this.log = opts.logger.child({ component: 'notifier' });
    this.retryDelaysMs = opts.retryDelaysMs ?? [100, 500];
    queueCapacityGauge.set(opts.queueCapacity);
  }

  /** Replaces the Alertmanager sets, the global alert relabeling and (when given) the external labels, on startup and reload. */
  applyConfig(alertmanagers: AlertmanagerConfig[], alertRelabelConfigs: RelabelConfig[], baseDir = '.', externalLabels?: Labels): void {
    if (externalLabels) this.externalLabels = externalLabels;
    const previous = new Map(this.sets.map((s) => [s.name, s]));
    this.alertRelabelConfigs = alertRelabelConfigs;
    this.sets = alertmanagers.map((cfg, i) => {
      const name = `config-${i}`;
      const old = previous.get(name);
      if (old && JSON.stringify(old.cfg) === JSON.stringify(cfg)) return old;
      return { name, cfg, client: new HttpClient(cfg.httpClient, baseDir), active: [], dropped: [] };
    });
    for (const s of previous.values()) if (!this.sets.includes(s)) s.client.close();
    const pools = new Map<string, SDConfig[]>(this.sets.map((s) => [s.name, s.cfg.serviceDiscovery]));
    if (!this.discovery) {
      this.discovery = new DiscoveryManager(this.log, { updateIntervalMs: this.opts.discoveryUpdateIntervalMs ?? 5000 });
      this.discovery.onUpdate((groups) => this.updateTargetGroups(groups));
    }
    this.discovery.applyConfig(pools);
  }

  /** Applies discovered target groups (by set name, `config-<index>`). */
  updateTargetGroups(groups: Map<string, TargetGroup[]>): void {
    for (const s of this.sets) {
      const tgs = groups.get(s.name);
      if (!tgs) continue;
      const { active, dropped } = alertmanagerTargets(s.cfg, tgs, (msg, err) => this.log.warn(msg, { err }));
      s.active = active;
      s.dropped = dropped;
    }
    alertmanagersDiscoveredGauge.set(this.sets.reduce((n, s) => n + s.active.length, 0));
    if (this.queue.length > 0) this.kick();
  }

  /** Queues alerts for every Alertmanager; never blocks. */
  send(alerts: NotifierAlert[]): void {
    const prepared: NotifierAlert[] = [];
    for (const a of alerts) {
      let labels = a.labels;
      for (const l of this.externalLabels) if (!labels.some((x) => x.name === l.name)) labels = withLabel(labels, l.name, l.value);
      const relabeled = relabel(labels, this.alertRelabelConfigs);
      if (relabeled === null || relabeled.length === 0) continue;
      prepared.push({ ...a, labels: relabeled });
    }
    let incoming = prepared;
    const cap = this.opts.queueCapacity;
    if (incoming.length > cap) {
      this.drop(incoming.length - cap, 'Alert batch larger than queue capacity, dropping alerts');
      incoming = incoming.slice(incoming.length - cap);
    }
    const overflow = this.queue.length + incoming.length - cap;
    if (overflow > 0) {
      this.queue.splice(0, overflow);
      this.drop(overflow, 'Alert notification queue full, dropping alerts');
    }
    this.queue.push(...incoming);
    notificationsQueueLength.set(this.queue.length);
    this.kick();
  }

  private drop(n: number, msg: string): void {
    this.counts.dropped += n;
    notificationsDroppedTotal.inc(n);
    this.log.warn(msg, { num_dropped: n });
  }

  private kick(): void {
    if (this.sending || this.stopped) return;
    this.sending = this.drain().finally(() => {
      this.sending = null;
      if (this.queue.length > 0 && !this.stopped && this.hasTargets()) this.kick();
    });
  }

  private hasTargets(): boolean {
    return this.sets.some((s) => s.active.length > 0);
  }

  private async drain(): Promise<void> {
    while (this.queue.length > 0 && this.hasTargets()) {
      const batch = this.queue.splice(0, MAX_BATCH_SIZE);
      notificationsQueueLength.set(this.queue.length);
      const ok = await this.sendAll(batch);
      if (!ok) {
        this.counts.dropped += batch.length;
        notificationsDroppedTotal.inc(batch.length);
        this.log.error('Error sending alerts', { count: batch.length });
      }
    }
  }

  /** Sends one batch to every Alertmanager; true when at least one accepted it. */
  private async sendAll(batch: NotifierAlert[]): Promise<boolean> {
    const attempts: Promise<boolean>[] = [];
    for (const s of this.sets) {
      const alerts = s.cfg.alertRelabelConfigs.length === 0 ? batch : batch.flatMap((a) => {
        const l = relabel(a.labels, s.cfg.alertRelabelConfigs);
        return l === null || l.length === 0 ? [] : [{ ...a, labels: l }];
      });
      if (alerts.length === 0) continue;
      const body = toPayload(alerts);
      for (const am of s.active) attempts.push(this.sendOne(s, am.url, body, alerts.length));
    }
    const results = await Promise.all(attempts);
    return results.some((r) => r);
  }

  private async sendOne(s: AlertmanagerSet, url: string, body: string, count: number): Promise<boolean> {
    for (let attempt = 0; ; attempt++) {
      const start = Date.now();
      try {
        const res = await s.client.request(url, { method: 'POST', headers: { 'Content-Type': 'application/json', 'User-Agent': 'flint' }, body, timeoutMs: s.cfg.timeoutMs });
        latencySummary.observe({ alertmanager: url }, (Date.now() - start) / 1000);
        if (res.status >= 200 && res.status < 300) {
          this.counts.sent.set(url, (this.counts.sent.get(url) ?? 0) + count);
          notificationsSentTotal.inc({ alertmanager: url }, count);
          return true;
        }
        throw new Error(`bad response status ${res.status}: ${res.body.toString('utf8').slice(0, 200)}`);
      } catch (err) {
        if (attempt >= this.retryDelaysMs.length || this.stopped) {
          this.counts.errors.set(url, (this.counts.errors.get(url) ?? 0) + count);
          notificationsErrorsTotal.inc({ alertmanager: url }, count);
          this.log.error('Error sending alerts', { alertmanager: url, count, err: (err as Error).message });
          return false;
        }
        await new Promise((r) => setTimeout(r, this.retryDelaysMs[attempt]));
      }
    }
  }

  /** The Alertmanagers alerts go to, and those relabeling dropped (GET /api/v1/alertmanagers). */
  alertmanagers(): { active: string[]; dropped: string[] } {
    return { active: this.sets.flatMap((s) => s.active.map((a) => a.url)), dropped: this.sets.flatMap((s) => s.dropped.map((a) => a.url)) };
  }

  metrics(): NotifierMetrics {
    return {
      sent: Object.fromEntries(this.counts.sent),
      errors: Object.fromEntries(this.counts.errors),
      dropped: this.counts.dropped,
      queueLength: this.queue.length,
      queueCapacity: this.opts.queueCapacity,
      alertmanagersDiscovered: this.sets.reduce((n, s) => n + s.active.length, 0),
    };
  }

  /** Sends what is queued (one pass without retries, each request bounded by its timeout), then stops. */
  async stop(): Promise<void> {
    this.stopped = true;
    this.discovery?.stop();
    if (this.sending) await this.sending;
    if (this.queue.length > 0 && this.hasTargets()) await this.drain();
    for (const s of this.sets) s.client.close();
  }
}
