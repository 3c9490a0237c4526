// The sending side of Remote-Write 1.0: one QueueManager per remote_write entry. Samples are
// relabelled (write_relabel_configs), given the external labels, sharded by series so each
// series stays in order, batched (max_samples_per_send or batch_send_deadline, whichever comes
// first) and POSTed as snappy-compressed protobuf. 5xx and (optionally) 429 are retried with
// exponential backoff; other 4xx drop the batch, as Prometheus does.
import type { RemoteWriteConfig } from '../../config/types';
import { Labels, labelsKey, withLabel } from '../../model/labels';
import { relabel } from '../../relabel/relabel';
import { HttpClient } from '../../util/httpclient';
import * as metrics from '../../util/metrics';
import type { Logger } from '../../util/log';
import { VERSION } from '../../version';
import { snappyEncode } from './codec';
import { encodeWriteRequest, PbTimeSeries } from './prompb';

interface QueuedSample {
  labels: Labels;
  key: string;
  t: number;
  v: number;
}

export interface QueueStats {
  samplesIn: number;
  samplesSent: number;
  samplesFailed: number;
  samplesRetried: number;
  samplesDroppedByRelabel: number;
  samplesPending: number;
  shards: number;
  /** Highest timestamp (ms) of a sample successfully sent, 0 before the first send. */
  highestSentTimestamp: number;
}

export interface QueueManagerOptions {
  cfg: RemoteWriteConfig;
  externalLabels: Labels;
  logger: Logger;
  /** Directory relative credential and TLS files are read from. */
  baseDir?: string;
  /** Sends one encoded request; replaceable in tests. Defaults to an HTTP POST. */
  send?: (body: Uint8Array) => Promise<{ status: number; message: string }>;
  /** Called after each batch leaves the queue (sent or dropped for good). */
  onBatchDone?: (count: number) => void;
}

class Shard {
  readonly queue: QueuedSample[] = [];
  /** Oldest timestamp of the batch being sent, Infinity when none. */
  inflightMinT = Infinity;
  private timer?: NodeJS.Timeout;
  private sending = false;

  constructor(private readonly qm: QueueManager) {}

  push(s: QueuedSample): void {
    this.queue.push(s);
    if (this.queue.length >= this.qm.cfg.queueConfig.maxSamplesPerSend) this.kick();
    else if (!this.timer) this.timer = setTimeout(() => this.kick(), this.qm.cfg.queueConfig.batchSendDeadlineMs);
  }

  kick(): void {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.sending || this.queue.length === 0) return;
    this.sending = true;
    const batch = this.queue.splice(0, this.qm.cfg.queueConfig.maxSamplesPerSend);
    this.inflightMinT = batch.reduce((m, s) => Math.min(m, s.t), Infinity);
    this.qm
      .sendBatch(batch)
      .finally(() => {
        this.sending = false;
        this.inflightMinT = Infinity;
        if (this.queue.length >= this.qm.cfg.queueConfig.maxSamplesPerSend || (this.qm.stopping && this.queue.length)) this.kick();
        else if (this.queue.length && !this.timer) this.timer = setTimeout(() => this.kick(), this.qm.cfg.queueConfig.batchSendDeadlineMs);
      })
      .catch(() => undefined);
  }

  idle(): boolean {
    return !this.sending && this.queue.length === 0;
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
  }
}

export class QueueManager {
  readonly cfg: RemoteWriteConfig;
  stopping = false;
  private readonly shards: Shard[];
  private readonly relabelCache = new Map<string, Labels | null>();
  private readonly client?: HttpClient;
  private readonly log: Logger;
  private readonly stats: QueueStats;
  private readonly send: (body: Uint8Array) => Promise<{ status: number; message: string }>;
  private stopped = false;
  /** Labels of this queue's flint_remote_storage_* series. */
  private readonly metricLabels: { remote_name: string; url: string };

  constructor(private readonly opts: QueueManagerOptions) {
    this.cfg = opts.cfg;
    this.metricLabels = { remote_name: opts.cfg.name, url: opts.cfg.url };
    this.log = opts.logger.child({ component: 'remote', remote_name: opts.cfg.name, url: opts.cfg.url });
    const n = Math.max(1, Math.min(opts.cfg.queueConfig.maxShards, Math.max(opts.cfg.queueConfig.minShards, 4)));
    this.shards = Array.from({ length: n }, () => new Shard(this));
    this.stats = {
      samplesIn: 0,
      samplesSent: 0,
      samplesFailed: 0,
      samplesRetried: 0,
      samplesDroppedByRelabel: 0,
      samplesPending: 0,
      shards: n,
      highestSentTimestamp: 0,
    };
    if (opts.send) this.send = opts.send;
    else {
      const client = new HttpClient(opts.cfg.httpClient, opts.baseDir);
      this.client = client;
      this.send = async (body) => {
        const res = await client.request(opts.cfg.url, {
          method: 'POST',
          timeoutMs: opts.cfg.remoteTimeoutMs,
          maxBodyBytes: 1 << 20,
          headers: {
            ...opts.cfg.headers,
            'Content-Encoding': 'snappy',
            'Content-Type': 'application/x-protobuf',
            'User-Agent': `Flint/${VERSION}`,
            'X-Prometheus-Remote-Write-Version': '0.1.0',
          },
          body,
        });
        return { status: res.status, message: res.body.toString('utf8', 0, 512).trim() };
      };
    }
  }

  /**
   * Offers one sample. Returns false when the queue is at capacity: the caller keeps the sample
   * and offers it again later, so nothing is dropped under backpressure.
   */
  append(labels: Labels, t: number, v: number): boolean {
    const perShard = this.cfg.queueConfig.capacity;
    const key = labelsKey(labels);
    let out = this.relabelCache.get(key);
    if (out === undefined) {
      out = this.cfg.writeRelabelConfigs.length ? relabel(labels, this.cfg.writeRelabelConfigs) : labels;
      if (out) for (const l of this.opts.externalLabels) if (!out.some((x) => x.name === l.name)) out = withLabel(out, l.name, l.value);
      if (this.relabelCache.size > 200_000) this.relabelCache.clear();
      this.relabelCache.set(key, out);
    }
    this.stats.samplesIn++;
    if (out === null || out.length === 0) {
      this.stats.samplesDroppedByRelabel++;
      return true;
    }
    const outKey = out === labels ? key : labelsKey(out);
    const shard = this.shards[hashString(outKey) % this.shards.length];
    if (shard.queue.length >= perShard) {
      this.stats.samplesIn--;
      shard.kick();
      return false;
    }
    this.stats.samplesPending++;
    metrics.remoteStorageSamplesPending.inc(this.metricLabels);
    shard.push({ labels: out, key: outKey, t, v });
    return true;
  }

  /** Sends everything queued now, without waiting for the batch deadline. */
  flush(): void {
    for (const s of this.shards) s.kick();
  }

  /** The oldest timestamp still queued or being sent (Infinity when nothing is pending). */
  oldestPendingTimestamp(): number {
    let min = Infinity;
    for (const sh of this.shards) {
      min = Math.min(min, sh.inflightMinT);
      for (const s of sh.queue) if (s.t < min) min = s.t;
    }
    return min;
  }

  getStats(): QueueStats {
    return { ...this.stats };
  }

  async sendBatch(batch: QueuedSample[]): Promise<void> {
    const series = new Map<string, PbTimeSeries>();
    let maxT = 0;
    for (const s of batch) {
      let ts = series.get(s.key);
      if (!ts) {
        ts = { labels: s.labels.map((l) => ({ name: l.name, value: l.value })), samples: [] };
        series.set(s.key, ts);
      }
      ts.samples.push({ timestamp: s.t, value: s.v });
      if (s.t > maxT) maxT = s.t;
    }
    const body = snappyEncode(encodeWriteRequest({ timeseries: [...series.values()] }));
    const q = this.cfg.queueConfig;
    let backoff = q.minBackoffMs;
    for (;;) {
      let outcome: 'ok' | 'retry' | 'drop';
      let detail = '';
      try {
        const res = await this.send(body);
        detail = `server returned HTTP status ${res.status}: ${res.message}`;
        if (res.status >= 200 && res.status < 300) outcome = 'ok';
        else if (res.status >= 500 || (res.status === 429 && q.retryOnHttp429)) outcome = 'retry';
        else outcome = 'drop';
      } catch (err) {
        detail = (err as Error).message;
        outcome = 'retry';
      }
      if (outcome === 'ok') {
        this.stats.samplesSent += batch.length;
        metrics.remoteStorageSamplesTotal.inc(this.metricLabels, batch.length);
        if (maxT > this.stats.highestSentTimestamp) this.stats.highestSentTimestamp = maxT;
        break;
      }
      if (outcome === 'drop' || this.stopped) {
        this.stats.samplesFailed += batch.length;
        metrics.remoteStorageSamplesFailedTotal.inc(this.metricLabels, batch.length);
        this.log.error('non-recoverable error sending samples', { count: batch.length, err: detail });
        break;
      }
      this.stats.samplesRetried += batch.length;
      metrics.remoteStorageSamplesRetriedTotal.inc(this.metricLabels, batch.length);
      this.log.warn('failed to send batch, retrying', { count: batch.length, err: detail, backoff_ms: backoff });
      await new Promise((r) => setTimeout(r, backoff));
      backoff = Math.min(backoff * 2, q.maxBackoffMs);
    }
    this.stats.samplesPending -= batch.length;
    metrics.remoteStorageSamplesPending.dec(this.metricLabels, batch.length);
    this.opts.onBatchDone?.(batch.length);
  }

  /** Sends what is queued, waiting at most `deadlineMs`, then stops retrying. */
  async stop(deadlineMs = 5000): Promise<void> {
    this.stopping = true;
    this.flush();
    const until = Date.now() + deadlineMs;
    while (Date.now() < until && !this.shards.every((s) => s.idle())) await new Promise((r) => setTimeout(r, 20));
    this.stopped = true;
    for (const s of this.shards) s.clear();
    this.client?.close();
  }
}

function hashString(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}
