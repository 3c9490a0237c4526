// Remote storage as the server sees it: the remote_write queues (one QueueManager per
// remote_write entry, rebuilt on reload only when that entry changed) fed by a fan-out
// Appendable that forwards every committed sample after the local commit succeeded.
import type { RemoteWriteConfig } from '../../config/types';
import type { Label, Labels } from '../../model/labels';
import type { Logger } from '../../util/log';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Appendable, Appender, SeriesRef } from '../interface';
import { QueueManager, QueueStats } from './queue';
import { readWalSamplesSince } from './walResend';

interface Pending {
  labels: Labels;
  t: number;
  v: number;
}

/** Samples a queue could not take yet (backpressure); beyond this many, the oldest are dropped. */
const OVERFLOW_LIMIT = 1_000_000;

class QueueFeed {
  readonly overflow: Pending[] = [];
  dropped = 0;
  /** Highest timestamp handed to this feed; the watermark when nothing is pending. */
  maxOffered = -Infinity;
  private timer?: NodeJS.Timeout;

  constructor(
    readonly qm: QueueManager,
    readonly key: string
  ) {}

  offer(labels: Labels, t: number, v: number): void {
    if (t > this.maxOffered) this.maxOffered = t;
    if (this.overflow.length === 0 && this.qm.append(labels, t, v)) return;
    this.overflow.push({ labels, t, v });
    if (this.overflow.length > OVERFLOW_LIMIT) {
      this.overflow.shift();
      this.dropped++;
    }
    this.schedule();
  }

  private schedule(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      let i = 0;
      while (i < this.overflow.length && this.qm.append(this.overflow[i].labels, this.overflow[i].t, this.overflow[i].v)) i++;
      this.overflow.splice(0, i);
      if (this.overflow.length) this.schedule();
    }, 50);
  }

  /** Every sample older than this has been delivered (or dropped for good). */
  watermark(): number {
    let min = this.qm.oldestPendingTimestamp();
    for (const p of this.overflow) if (p.t < min) min = p.t;
    return min === Infinity ? this.maxOffered + 1 : min;
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.qm.stop();
  }
}

/** How often each queue's watermark is written to disk. */
const WATERMARK_INTERVAL_MS = 5000;

/**
 * With a data directory, each queue's watermark is saved under `<dataDir>/remote/` every few
 * seconds and at shutdown; a queue that starts with a saved watermark first resends, from the
 * TSDB's WAL, every sample committed since then (at-least-once delivery across restarts).
 */
export class RemoteWriteStorage {
  private feeds: QueueFeed[] = [];
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    private readonly dataDir?: string
  ) {
    if (dataDir) {
      this.timer = setInterval(() => this.saveWatermarks(), WATERMARK_INTERVAL_MS);
      this.timer.unref();
    }
  }

  private watermarkFile(name: string): string {
    return path.join(this.dataDir!, 'remote', `${name.replace(/[^A-Za-z0-9_.-]/g, '_')}.json`);
  }

  private saveWatermarks(): void {
    if (!this.dataDir) return;
    for (const f of this.feeds) {
      const file = this.watermarkFile(f.qm.cfg.name);
      const wm = f.watermark();
      if (!Number.isFinite(wm)) continue;
      try {
        fs.mkdirSync(path.dirname(file), { recursive: true });
        fs.writeFileSync(file + '.tmp', JSON.stringify({ url: f.qm.cfg.url, watermark: wm }) + '\n');
        fs.renameSync(file + '.tmp', file);
      } catch (err) {
        this.logger.warn('Could not save remote write progress', { file, err: err as Error });
      }
    }
  }

  /** Resends what the WAL holds since the feed's saved watermark, before any new sample reaches it. */
  private resend(f: QueueFeed): void {
    if (!this.dataDir) return;
    const file = this.watermarkFile(f.qm.cfg.name);
    let wm: number;
    try {
      wm = (JSON.parse(fs.readFileSync(file, 'utf8')) as { watermark: number }).watermark;
    } catch {
      return;
    }
    const n = readWalSamplesSince(path.join(this.dataDir, 'wal'), wm, (labels, t, v) => f.offer(labels, t, v));
    if (n > 0) this.logger.info('Resending samples committed before the restart', { remote_name: f.qm.cfg.name, samples: n, since: new Date(wm).toISOString() });
  }

  async applyConfig(cfgs: RemoteWriteConfig[], externalLabels: Labels): Promise<void> {
    const old = new Map(this.feeds.map((f) => [f.key, f]));
    const next: QueueFeed[] = [];
    for (const cfg of cfgs) {
      const key = JSON.stringify([cfg, externalLabels]);
      const keep = old.get(key);
      if (keep) {
        old.delete(key);
        next.push(keep);
      } else {
        const feed = new QueueFeed(new QueueManager({ cfg, externalLabels, logger: this.logger }), key);
        this.resend(feed);
        next.push(feed);
      }
    }
    this.feeds = next;
    await Promise.all([...old.values()].map((f) => f.stop()));
  }

  /** An Appendable that writes to `local` and, once a commit succeeded there, to every remote queue. */
  wrap(local: Appendable): Appendable {
    return { appender: () => new FanoutAppender(local.appender(), this) };
  }

  forward(batch: Pending[]): void {
    for (const f of this.feeds) for (const p of batch) f.offer(p.labels, p.t, p.v);
  }

  hasQueues(): boolean {
    return this.feeds.length > 0;
  }

  stats(): (QueueStats & { name: string; url: string; overflow: number; droppedOverflow: number })[] {
    return this.feeds.map((f) => ({ ...f.qm.getStats(), name: f.qm.cfg.name, url: f.qm.cfg.url, overflow: f.overflow.length, droppedOverflow: f.dropped }));
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    await Promise.all(this.feeds.map((f) => f.stop()));
    this.saveWatermarks();
    this.feeds = [];
  }
}

class FanoutAppender implements Appender {
  private staged: Pending[] = [];

  constructor(
    private readonly inner: Appender,
    private readonly remote: RemoteWriteStorage
  ) {}

  append(ref: SeriesRef, labels: readonly Label[], t: number, v: number): SeriesRef {
    const r = this.inner.append(ref, labels, t, v);
    if (this.remote.hasQueues()) this.staged.push({ labels, t, v });
    return r;
  }

  async commit(): Promise<void> {
    const batch = this.staged;
    this.staged = [];
    await this.inner.commit();
    if (batch.length) this.remote.forward(batch);
  }

  rollback(): void {
    this.staged = [];
    this.inner.rollback();
  }
}
