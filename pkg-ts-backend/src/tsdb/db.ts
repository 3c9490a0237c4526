// The database: a head with its WAL in front of persisted blocks. Once the head spans 1.5
// block lengths, its oldest block-length of data is written as a block, the head truncated
// and the WAL checkpointed; blocks are then merged into longer ones and old ones dropped by
// retention. That background work runs one job at a time, in slices between which the event
// loop serves scrapes, commits and queries (see yielder.ts). Each job swaps its result in
// within one synchronous step (new block in, head truncated or source blocks out), so every
// querier sees each sample exactly once; deletions made while a job runs are applied to the
// block it produces.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Labels } from '../model/labels';
import type { Matcher } from '../model/matcher';
import type { Appendable, Appender, Querier, Queryable, SeriesRef } from '../storage/interface';
import { Logger, nopLogger } from '../util/log';
import * as metrics from '../util/metrics';
import { Counter } from 'prom-client';
import { Block } from './block/block';
import type { BlockMeta } from './block/files';
import { isULID } from './block/ulid';
import { writeBlock, WrittenBlock } from './block/writer';
import { compactBlocks, compactionRanges, headSeriesForBlock, planCompaction } from './compact';
import { Head } from './head';
import { dumpHead, HeadReplayer, WALHeadLog } from './headWal';
import { DirLock } from './lock';
import { postingsForMatchers } from './index/matchers';
import { MergeQuerier } from './querier';
import { headStatus, TSDBStatus } from './status';
import { ReplayProgress, replayWAL, WAL } from './wal/wal';
import { CancelledError, Yielder } from './yielder';

export type { TSDBStatus } from './status';
export type { BlockMeta } from './block/files';

const HOUR = 3600 * 1000;
const DAY = 24 * HOUR;
const COMPACTION_INTERVAL_MS = 60 * 1000;

const outOfOrderSamplesAppended = new Counter<'type'>({
  name: 'flint_tsdb_head_out_of_order_samples_appended_total',
  help: 'Total number of appended out of order samples.',
  labelNames: ['type'],
  registers: [metrics.registry],
});

export interface TSDBOptions {
  retentionTimeMs: number;
  /** 0 disables size-based retention. */
  retentionSizeBytes: number;
  minBlockDurationMs: number;
  maxBlockDurationMs: number;
  walFsync: 'commit' | 'interval';
  logger: Logger;
  /** Longest run of background work between event-loop turns, in ms (0: a turn at every step). */
  workSliceMs: number;
  /** Out-of-order ingestion window (`storage.tsdb.out_of_order_time_window`), ms; 0 disables it. */
  outOfOrderTimeWindowMs: number;
}

/** A deletion made while a job that writes a block was running. */
interface PendingDeletion {
  matchers: Matcher[];
  mint: number;
  maxt: number;
}

export function resolveOptions(opts: Partial<TSDBOptions> = {}): TSDBOptions {
  const retentionTimeMs = opts.retentionTimeMs ?? 15 * DAY;
  const minBlockDurationMs = opts.minBlockDurationMs ?? 2 * HOUR;
  const derivedMax = Math.min(Math.floor((retentionTimeMs > 0 ? retentionTimeMs : 15 * DAY) / 10), 31 * DAY);
  return {
    retentionTimeMs,
    retentionSizeBytes: opts.retentionSizeBytes ?? 0,
    minBlockDurationMs,
    maxBlockDurationMs: Math.max(opts.maxBlockDurationMs || derivedMax, minBlockDurationMs),
    walFsync: opts.walFsync ?? 'commit',
    logger: opts.logger ?? nopLogger,
    workSliceMs: opts.workSliceMs ?? 10,
    outOfOrderTimeWindowMs: opts.outOfOrderTimeWindowMs ?? 0,
  };
}

class DBAppender implements Appender {
  private staged = 0;

  constructor(
    private readonly inner: Appender,
    private readonly afterCommit: (samples: number) => void
  ) {}

  append(ref: SeriesRef, labels: Labels, t: number, v: number): SeriesRef {
    const r = this.inner.append(ref, labels, t, v);
    this.staged++;
    return r;
  }

  async commit(): Promise<void> {
    const n = this.staged;
    this.staged = 0;
    await this.inner.commit();
    this.afterCommit(n);
  }

  rollback(): void {
    this.staged = 0;
    this.inner.rollback();
  }
}

export class TSDB implements Appendable, Queryable {
  private blockList: Block[];
  private readonly ranges: number[];
  private readonly timer: NodeJS.Timeout;
  private readonly yielder: Yielder;
  /** Settles when the last queued background job has finished (never rejects). */
  private background: Promise<void> = Promise.resolve();
  /** A compaction queued and not yet started, which later requests join. */
  private compactionQueued: Promise<void> | null = null;
  /** Deletions to apply to the block being written; null when no block is being written. */
  private pendingDeletions: PendingDeletion[] | null = null;
  private closed = false;
  /** The head's out-of-order sample count already added to the metric. */
  private outOfOrderCounted: number;

  private constructor(
    readonly dir: string,
    private readonly opts: TSDBOptions,
    readonly head: Head,
    private readonly wal: WAL,
    blocks: Block[],
    private readonly replayProgress: ReplayProgress,
    private readonly lock: DirLock
  ) {
    this.blockList = blocks;
    // Samples replayed from the WAL were counted by the process that appended them.
    this.outOfOrderCounted = head.outOfOrderAppended;
    this.ranges = compactionRanges(opts.minBlockDurationMs, opts.maxBlockDurationMs);
    this.yielder = new Yielder(opts.workSliceMs);
    this.timer = setInterval(() => this.scheduleCompaction(), COMPACTION_INTERVAL_MS);
    this.timer.unref();
  }

  static async open(dir: string, options?: Partial<TSDBOptions>): Promise<TSDB> {
    const opts = resolveOptions(options);
    fs.mkdirSync(dir, { recursive: true });
    const lock = DirLock.acquire(dir);
    try {
      return await TSDB.openLocked(dir, opts, lock);
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  private static async openLocked(dir: string, opts: TSDBOptions, lock: DirLock): Promise<TSDB> {
    const logger = opts.logger;
    const blocks = await loadBlocks(dir, logger);
    const head = new Head({
      chunkRangeMs: opts.minBlockDurationMs,
      outOfOrderTimeWindowMs: opts.outOfOrderTimeWindowMs,
    });
    const minValid = blocks.length > 0 ? blocks[blocks.length - 1].meta.maxTime : -Infinity;
    head.setMinValidTime(minValid);
    const progress: ReplayProgress = { min: 0, max: 0, current: 0 };
    const walDir = path.join(dir, 'wal');
    const started = Date.now();
    const replayer = new HeadReplayer(head, minValid);
    replayWAL(walDir, replayer, logger, progress);
    replayer.finish(logger);
    logger.info('WAL replay completed', {
      samples: replayer.samples,
      series: head.numSeries(),
      duration_ms: Date.now() - started,
    });
    const wal = new WAL(walDir, { fsync: opts.walFsync, logger });
    head.log = new WALHeadLog(wal);
    return new TSDB(dir, opts, head, wal, blocks, progress, lock);
  }

  /** Applies a reloaded `out_of_order_time_window` (ms; 0 disables out-of-order ingestion). */
  setOutOfOrderTimeWindow(ms: number): void {
    this.head.setOutOfOrderTimeWindow(ms);
  }

  appender(): Appender {
    return new DBAppender(this.head.appender(), (samples) => {
      if (samples > 0) metrics.tsdbHeadSamplesAppendedTotal.inc({ type: 'float' }, samples);
      const outOfOrder = this.head.outOfOrderAppended;
      if (outOfOrder > this.outOfOrderCounted) {
        outOfOrderSamplesAppended.inc({ type: 'float' }, outOfOrder - this.outOfOrderCounted);
        this.outOfOrderCounted = outOfOrder;
      }
      metrics.tsdbHeadSeries.set(this.head.numSeries());
      if (this.headCompactable()) this.scheduleCompaction();
    });
  }

  querier(mint: number, maxt: number): Querier {
    const parts: Querier[] = [];
    for (const b of this.blockList) if (b.overlapsRange(mint, maxt)) parts.push(b.querier(mint, maxt));
    parts.push(this.head.querier(mint, maxt));
    return new MergeQuerier(parts);
  }

  blocks(): BlockMeta[] {
    return this.blockList.map((b) => b.meta);
  }

  status(limit = 10): TSDBStatus {
    return headStatus(this.head, limit);
  }

  walReplayStatus(): { min: number; max: number; current: number } {
    return { ...this.replayProgress };
  }

  async deleteSeries(matchers: Matcher[], mint: number, maxt: number): Promise<void> {
    const durable = this.head.deleteSeries(matchers, mint, maxt);
    for (const b of this.blockList) {
      if (b.overlapsRange(mint, maxt)) b.addTombstones(postingsForMatchers(b.index, matchers), mint, maxt);
    }
    this.pendingDeletions?.push({ matchers, mint, maxt });
    if (durable) await durable;
  }

  /** Rewrites every block that has tombstones without the deleted data. */
  cleanTombstones(): Promise<void> {
    return this.enqueue(async () => {
      for (const b of [...this.blockList]) {
        if (this.closed) return;
        if (!b.hasTombstones() || !this.blockList.includes(b)) continue;
        await this.produceBlock(
          () => compactBlocks(this.dir, [b], this.head.chunkSize, this.yielder),
          (fresh) => this.replaceBlocks([b], fresh)
        );
      }
    });
  }

  /** Hard-links every block into `dir`, and writes the head as one more block when asked. */
  snapshot(dir: string, withHead: boolean): Promise<void> {
    return this.enqueue(async () => {
      fs.mkdirSync(dir, { recursive: true });
      for (const b of this.blockList) linkTree(b.dir, path.join(dir, b.ulid));
      if (withHead && this.head.minT() <= this.head.maxT()) {
        const mint = this.head.minT();
        const maxt = this.head.maxT() + 1;
        const y = this.yielder;
        await writeBlock(dir, headSeriesForBlock(this.head, mint, maxt, y), { mint, maxt, level: 1 }, y);
      }
    });
  }

  /**
   * Persists the head while it spans enough time, merges blocks, and applies retention; the
   * promise settles when that is done (joining a compaction already queued).
   */
  compact(): Promise<void> {
    if (!this.compactionQueued) {
      this.compactionQueued = this.enqueue(() => {
        this.compactionQueued = null;
        return this.compactNow();
      });
    }
    return this.compactionQueued;
  }

  /** Stops background work (an unfinished block is discarded) and closes the files. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.timer);
    this.yielder.cancel();
    await this.background;
    this.wal.close();
    for (const b of this.blockList) b.close();
    this.lock.release();
  }

  /** Runs `job` after the jobs queued before it; a job cut short by close() resolves. */
  private enqueue(job: () => Promise<void>): Promise<void> {
    const run = this.background.then(async () => {
      if (this.closed) return;
      try {
        await job();
      } catch (err) {
        if (!(err instanceof CancelledError)) throw err;
      }
    });
    this.background = run.catch(() => undefined);
    return run;
  }

  private headCompactable(): boolean {
    const h = this.head;
    return h.minT() <= h.maxT() && h.maxT() - h.minT() > (this.opts.minBlockDurationMs / 2) * 3;
  }

  private scheduleCompaction(): void {
    this.compact().catch((err: Error) => this.opts.logger.error('Compaction failed', { err }));
  }

  private async compactNow(): Promise<void> {
    const r = this.opts.minBlockDurationMs;
    const y = this.yielder;
    while (!this.closed && this.headCompactable()) {
      const mint = Math.floor(this.head.minT() / r) * r;
      const maxt = mint + r;
      // Out-of-order appends must not land in the range while it is being written.
      this.head.setMinValidTime(maxt);
      const fresh = await this.produceBlock(
        () => writeBlock(this.dir, headSeriesForBlock(this.head, mint, maxt, y), { mint, maxt, level: 1 }, y),
        (b) => {
          if (b) this.addBlock(b);
          return truncateHead(this.head, maxt, y);
        }
      );
      await this.wal.checkpoint((emit) => dumpHead(this.head, emit, y));
      this.opts.logger.info('Head compacted into a block', { mint, maxt, ulid: fresh?.ulid ?? '' });
    }
    for (;;) {
      const group = this.closed ? null : planCompaction(this.blocks(), this.ranges);
      if (!group) break;
      const ulids = new Set(group.map((m) => m.ulid));
      const sources = this.blockList.filter((b) => ulids.has(b.ulid));
      const fresh = await this.produceBlock(
        () => compactBlocks(this.dir, sources, this.head.chunkSize, y),
        (b) => this.replaceBlocks(sources, b)
      );
      this.opts.logger.info('Blocks compacted', { sources: [...ulids].join(','), ulid: fresh?.ulid ?? '' });
    }
    if (!this.closed) await this.applyRetention();
  }

  /**
   * Writes a block with `write`, then in the same synchronous step opens it, lets `install`
   * swap it in, and applies the deletions made meanwhile; awaits what `install` returns.
   */
  private async produceBlock(
    write: () => Promise<WrittenBlock | null>,
    install: (b: Block | null) => Promise<void> | undefined
  ): Promise<Block | null> {
    this.pendingDeletions = [];
    let fresh: Block | null;
    let installed: Promise<void> | undefined;
    try {
      const written = await write();
      fresh = written ? Block.fromWritten(written) : null;
      installed = install(fresh);
      if (fresh) {
        for (const d of this.pendingDeletions)
          fresh.addTombstones(postingsForMatchers(fresh.index, d.matchers), d.mint, d.maxt);
      }
    } finally {
      this.pendingDeletions = null;
    }
    await installed;
    return fresh;
  }

  private addBlock(b: Block): void {
    this.blockList.push(b);
    this.blockList.sort((a, c) => a.meta.minTime - c.meta.minTime);
  }

  /** Swaps blocks in one step; the promise settles when the old ones' files are removed. */
  private replaceBlocks(old: readonly Block[], fresh: Block | null): Promise<void> {
    if (fresh) this.addBlock(fresh);
    const gone = new Set(old);
    this.blockList = this.blockList.filter((b) => !gone.has(b));
    return Promise.all(old.map((b) => b.markDeleted())).then(() => undefined);
  }

  private async applyRetention(): Promise<void> {
    const { retentionTimeMs, retentionSizeBytes, logger } = this.opts;
    if (this.blockList.length === 0) return;
    const doomed = new Set<Block>();
    if (retentionTimeMs > 0) {
      const newest = this.blockList[this.blockList.length - 1].meta.maxTime;
      for (const b of this.blockList) if (newest - b.meta.maxTime >= retentionTimeMs) doomed.add(b);
    }
    if (retentionSizeBytes > 0) {
      let total = this.wal.size();
      for (const b of this.blockList) if (!doomed.has(b)) total += b.size();
      for (const b of this.blockList) {
        if (total <= retentionSizeBytes) break;
        if (doomed.has(b)) continue;
        total -= b.size();
        doomed.add(b);
      }
    }
    if (doomed.size === 0) return;
    for (const b of doomed)
      logger.info('Deleting block beyond retention', {
        ulid: b.ulid,
        minTime: b.meta.minTime,
        maxTime: b.meta.maxTime,
      });
    await this.replaceBlocks([...doomed], null);
  }
}

/**
 * Drops the head's data before `mint` once a block holds it. Series are trimmed a slice at a
 * time; until they all are, queries read those samples from both the block and the head, and
 * the merge keeps each timestamp once. The final pass removes the series left empty.
 */
async function truncateHead(head: Head, mint: number, y: Yielder): Promise<void> {
  head.setMinValidTime(mint);
  let n = 0;
  for (const s of head.allSeries()) {
    head.truncateSeries(s, mint);
    if ((++n & 255) === 0 && y.due()) await y.pause();
  }
  head.truncate(mint);
}

/** Opens every block directory; skips unreadable ones and removes leftovers of interrupted work. */
async function loadBlocks(dir: string, logger: Logger): Promise<Block[]> {
  const blocks: Block[] = [];
  for (const name of fs.readdirSync(dir)) {
    const full = path.join(dir, name);
    if (name.endsWith('.tmp')) {
      fs.rmSync(full, { recursive: true, force: true });
      continue;
    }
    if (!isULID(name)) continue;
    try {
      blocks.push(Block.open(full));
    } catch (err) {
      logger.error('Skipping unreadable block', { block: name, err });
    }
  }
  // A crash between writing a compacted block and deleting its sources leaves both: the newer
  // block whose sources include all of an older block's sources supersedes it.
  const superseded = blocks.filter((a) =>
    blocks.some(
      (b) => b !== a && b.ulid > a.ulid && a.meta.compaction.sources.every((s) => b.meta.compaction.sources.includes(s))
    )
  );
  for (const b of superseded) {
    logger.warn('Removing block superseded by a compacted one', { block: b.ulid });
    await b.markDeleted();
  }
  return blocks.filter((b) => !superseded.includes(b)).sort((a, b) => a.meta.minTime - b.meta.minTime);
}

function linkTree(src: string, dst: string): void {
  fs.mkdirSync(dst, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    const from = path.join(src, e.name);
    const to = path.join(dst, e.name);
    if (e.isDirectory()) linkTree(from, to);
    else fs.linkSync(from, to);
  }
}
