// The write-ahead log: every commit is framed and written to the current segment before it
// becomes visible; on start the latest checkpoint and the segments after it are replayed.
// A torn or corrupt tail is cut off (the bad segment truncated, later segments removed) and
// logged, never fatal. Checkpoints condense the head into one file so replay stays short.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Logger } from '../../util/log';
import { ByteReader, ByteWriter } from '../encoding';
import { RecordType } from './records';
import { appendFrame, fsyncDir, listSegments, readSegment, segmentName, SegmentWriter } from './segment';

export type FsyncPolicy = 'commit' | 'interval';

export interface ReplaySink {
  onRecord(type: RecordType, r: ByteReader): void;
}

export interface ReplayProgress {
  min: number;
  max: number;
  current: number;
}

const CHECKPOINT = /^checkpoint\.(\d{8})$/;

function checkpoints(dir: string): { index: number; name: string }[] {
  if (!fs.existsSync(dir)) return [];
  return fs
    .readdirSync(dir)
    .map((name) => ({ name, m: CHECKPOINT.exec(name) }))
    .filter((x): x is { name: string; m: RegExpExecArray } => x.m !== null)
    .map((x) => ({ index: Number(x.m[1]), name: x.name }))
    .sort((a, b) => a.index - b.index);
}

/** Replays the latest checkpoint, then the segments after it, repairing a corrupt tail. */
export function replayWAL(dir: string, sink: ReplaySink, logger: Logger, progress: ReplayProgress): void {
  const cps = checkpoints(dir);
  const cp = cps.length > 0 ? cps[cps.length - 1] : undefined;
  if (cp) {
    const cpDir = path.join(dir, cp.name);
    for (const seg of listSegments(cpDir)) {
      const file = path.join(cpDir, segmentName(seg));
      const res = readSegment(file, (type, r) => sink.onRecord(type, r));
      if (res.problem)
        logger.warn('Corrupt checkpoint record skipped', {
          checkpoint: cp.name,
          offset: res.validBytes,
          err: res.problem,
        });
    }
  }
  const segs = listSegments(dir).filter((s) => cp === undefined || s > cp.index);
  progress.min = segs.length > 0 ? segs[0] : 0;
  progress.max = segs.length > 0 ? segs[segs.length - 1] : 0;
  for (let i = 0; i < segs.length; i++) {
    progress.current = segs[i];
    const file = path.join(dir, segmentName(segs[i]));
    const res = readSegment(file, (type, r) => sink.onRecord(type, r));
    if (!res.problem) continue;
    logger.warn('WAL corruption detected; truncating', {
      segment: segmentName(segs[i]),
      offset: res.validBytes,
      size: res.totalBytes,
      err: res.problem,
    });
    fs.truncateSync(file, res.validBytes);
    for (const later of segs.slice(i + 1)) {
      logger.warn('Removing WAL segment after corruption', { segment: segmentName(later) });
      fs.rmSync(path.join(dir, segmentName(later)));
    }
    break;
  }
}

export interface WALOptions {
  fsync: FsyncPolicy;
  segmentSize?: number;
  logger: Logger;
}

export class WAL {
  private readonly writer: SegmentWriter;
  private readonly payload = new ByteWriter(4096);
  private readonly frames = new ByteWriter(4096);
  private readonly timer: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(
    readonly dir: string,
    private readonly opts: WALOptions
  ) {
    fs.mkdirSync(dir, { recursive: true });
    for (const name of fs.readdirSync(dir)) {
      if (name.endsWith('.tmp')) fs.rmSync(path.join(dir, name), { recursive: true, force: true });
    }
    const segs = listSegments(dir);
    const cps = checkpoints(dir);
    const last = Math.max(
      segs.length > 0 ? segs[segs.length - 1] : -1,
      cps.length > 0 ? cps[cps.length - 1].index : -1
    );
    // Always a fresh segment: never append after a tail that a crash may have torn.
    this.writer = new SegmentWriter(dir, last + 1, opts.segmentSize);
    if (opts.fsync === 'interval') {
      this.timer = setInterval(() => {
        this.writer.sync().catch((err: Error) => opts.logger.error('WAL fsync failed', { err }));
      }, 1000);
      this.timer.unref();
    }
  }

  /**
   * Frames and writes records in one write. Returns a promise that settles when they are on
   * disk under the 'commit' policy, or undefined under 'interval' (synced within a second).
   */
  log(records: readonly { type: RecordType; encode: (w: ByteWriter) => void }[]): Promise<void> | undefined {
    if (this.closed) throw new Error('WAL is closed');
    this.frames.reset();
    for (const rec of records) {
      this.payload.reset();
      rec.encode(this.payload);
      appendFrame(this.frames, rec.type, this.payload.view());
    }
    this.writer.write(this.frames.view());
    return this.opts.fsync === 'commit' ? this.writer.sync() : undefined;
  }

  /**
   * Starts a new segment and writes a checkpoint of the state `dump` emits, covering every
   * segment before the new one; then removes those segments and older checkpoints. `dump` may
   * pause between records: commits meanwhile go to the new segment, and replay skips samples
   * the checkpoint already holds. On failure the unfinished checkpoint is removed.
   */
  async checkpoint(
    dump: (emit: (type: RecordType, encode: (w: ByteWriter) => void) => void) => void | Promise<void>
  ): Promise<void> {
    const upTo = this.writer.cut() - 1;
    const name = `checkpoint.${segmentName(upTo)}`;
    const tmp = path.join(this.dir, name + '.tmp');
    fs.rmSync(tmp, { recursive: true, force: true });
    const writer = new SegmentWriter(tmp, 0, Number.MAX_SAFE_INTEGER);
    try {
      const frames = new ByteWriter(1 << 16);
      const payload = new ByteWriter(4096);
      await dump((type, encode) => {
        payload.reset();
        encode(payload);
        appendFrame(frames, type, payload.view());
        if (frames.length > 1 << 20) {
          writer.write(frames.view());
          frames.reset();
        }
      });
      writer.write(frames.view());
      await writer.sync();
    } catch (err) {
      writer.close();
      fs.rmSync(tmp, { recursive: true, force: true });
      throw err;
    }
    writer.close();
    fs.renameSync(tmp, path.join(this.dir, name));
    fsyncDir(this.dir);
    for (const seg of listSegments(this.dir)) if (seg <= upTo) fs.rmSync(path.join(this.dir, segmentName(seg)));
    for (const cp of checkpoints(this.dir))
      if (cp.index < upTo) fs.rmSync(path.join(this.dir, cp.name), { recursive: true, force: true });
  }

  /** Bytes of all segments and checkpoints. */
  size(): number {
    let total = 0;
    const walk = (d: string): void => {
      for (const e of fs.readdirSync(d, { withFileTypes: true })) {
        const p = path.join(d, e.name);
        if (e.isDirectory()) walk(p);
        else total += fs.statSync(p).size;
      }
    };
    walk(this.dir);
    return total;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.writer.close();
  }
}
