// Remote storage as the server sees it: the remote_write queues (one QueueManager per
// remote_write entry, rebuilt on reload only when that entry changed) fed by a fan-out
// Appendable that forwards every committed sample after the local commit succeeded.
import type { RemoteWriteConfig } from '../../config/types';
import type { Label, Labels } from '../../model/labels';
import type { Logger } from '../../util/log';
import type { Appendable, Appender, SeriesRef } from '../interface';
import { QueueManager, QueueStats } from './queue';

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
  private timer?: NodeJS.Timeout;

  constructor(
    readonly qm: QueueManager,
    readonly key: string
  ) {}

  offer(labels: Labels, t: number, v: number): void {
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

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    await this.qm.stop();
  }
}

export class RemoteWriteStorage {
  private feeds: QueueFeed[] = [];

  constructor(
    private readonly logger: Logger,
    private readonly baseDir = '.'
  ) {}

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
        next.push(new QueueFeed(new QueueManager({ cfg, externalLabels, logger: this.logger, baseDir: this.baseDir }), key));
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
    await Promise.all(this.feeds.map((f) => f.stop()));
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
