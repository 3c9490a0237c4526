// Writes a block: chunks streamed to segment files, then the index, tombstones and meta.json,
// all inside `<ulid>.tmp`, which is synced and renamed to `<ulid>` only when complete. A crash
// leaves at most a `.tmp` directory that the next start removes. All file I/O is asynchronous
// and the work pauses between slices, so a large block does not hold up the event loop.
import type { FileHandle } from 'node:fs/promises';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Labels } from '../../model/labels';
import { chunkSampleCount } from '../chunkenc/xor';
import { ByteWriter } from '../encoding';
import type { Yielder } from '../yielder';
import {
  BlockMeta,
  CHUNKS_MAGIC,
  chunkSegmentName,
  ChunkMeta,
  DecodedIndex,
  encodeTombstoneFile,
  FORMAT_VERSION,
} from './files';
import { IndexBuilder, writeAll } from './indexWriter';
import { newULID } from './ulid';

export const MAX_CHUNK_SEGMENT_SIZE = 512 * 1024 * 1024;
const TWO_32 = 4294967296;
const FLUSH_BYTES = 1 << 20;

export interface EncodedChunk {
  bytes: Uint8Array;
  mint: number;
  maxt: number;
}

export interface BlockSeriesInput {
  labels: Labels;
  chunks: readonly EncodedChunk[];
}

class ChunkSegmentWriter {
  private file: FileHandle | undefined;
  private segment = 0;
  private offset = 0;
  private readonly buf = new ByteWriter(FLUSH_BYTES + (FLUSH_BYTES >> 2));

  private constructor(private readonly dir: string) {}

  static async create(dir: string): Promise<ChunkSegmentWriter> {
    await fsp.mkdir(dir);
    return new ChunkSegmentWriter(dir);
  }

  private async openNext(): Promise<void> {
    await this.closeCurrent();
    this.segment++;
    this.file = await fsp.open(path.join(this.dir, chunkSegmentName(this.segment)), 'w');
    this.buf.u32(CHUNKS_MAGIC);
    this.buf.byte(FORMAT_VERSION);
    this.offset = 5;
  }

  private async flush(): Promise<void> {
    await writeAll(this.file!, this.buf.view());
    this.buf.reset();
  }

  private async closeCurrent(): Promise<void> {
    const file = this.file;
    if (!file) return;
    this.file = undefined;
    try {
      await writeAll(file, this.buf.view());
      this.buf.reset();
      await file.sync();
    } finally {
      await file.close();
    }
  }

  /** True when `prepare` must run before the next write of a chunk of `length` bytes. */
  mustPrepare(length: number): boolean {
    return !this.file || this.offset + length + 14 > MAX_CHUNK_SEGMENT_SIZE || this.buf.length >= FLUSH_BYTES;
  }

  /** Flushes a full buffer, and opens the next segment when the chunk would not fit. */
  async prepare(length: number): Promise<void> {
    if (!this.file || this.offset + length + 14 > MAX_CHUNK_SEGMENT_SIZE) await this.openNext();
    else await this.flush();
  }

  /** Buffers a chunk (call `prepare` first when `mustPrepare` says so). */
  write(c: EncodedChunk): ChunkMeta {
    const before = this.buf.length;
    this.buf.uvarint(c.bytes.length);
    const dataOffset = this.offset + (this.buf.length - before);
    this.buf.bytes(c.bytes);
    this.buf.u32(crc32(c.bytes));
    this.offset += this.buf.length - before;
    return { mint: c.mint, maxt: c.maxt, ref: this.segment * TWO_32 + dataOffset, length: c.bytes.length };
  }

  /** Syncs and closes the open segment (also after a failure, to release the descriptor). */
  close(): Promise<void> {
    return this.closeCurrent();
  }
}

export interface WriteBlockOptions {
  mint: number;
  /** Exclusive end. */
  maxt: number;
  level: number;
  sources?: string[];
}

/** A block just written: its directory, meta and index as a reader would decode them. */
export interface WrittenBlock {
  dir: string;
  meta: BlockMeta;
  index: DecodedIndex;
}

/**
 * Writes a block under `parentDir` from series sorted by label set, pausing through `y` so the
 * event loop keeps running; returns it, or null when no series has data (no block is created).
 * The block appears under its final name only complete and synced; on failure or cancellation
 * its temporary directory is removed.
 */
export async function writeBlock(
  parentDir: string,
  series: AsyncIterable<BlockSeriesInput> | Iterable<BlockSeriesInput>,
  opts: WriteBlockOptions,
  y: Yielder
): Promise<WrittenBlock | null> {
  const ulid = newULID();
  const tmp = path.join(parentDir, ulid + '.tmp');
  await fsp.mkdir(tmp, { recursive: true });
  let chunks: ChunkSegmentWriter | undefined;
  try {
    chunks = await ChunkSegmentWriter.create(path.join(tmp, 'chunks'));
    const index = new IndexBuilder();
    let numSamples = 0;
    let numChunks = 0;
    for await (const s of series) {
      if (s.chunks.length === 0) continue;
      const metas: ChunkMeta[] = [];
      for (const c of s.chunks) {
        if (chunks.mustPrepare(c.bytes.length)) await chunks.prepare(c.bytes.length);
        metas.push(chunks.write(c));
        numSamples += chunkSampleCount(c.bytes);
      }
      numChunks += metas.length;
      index.add(s.labels, metas);
      if (y.due()) await y.pause();
    }
    await chunks.close();
    if (index.numSeries === 0) {
      await fsp.rm(tmp, { recursive: true, force: true });
      return null;
    }
    const indexFile = await fsp.open(path.join(tmp, 'index'), 'w');
    let decoded: DecodedIndex;
    try {
      decoded = await index.write(indexFile, y);
      await indexFile.sync();
    } finally {
      await indexFile.close();
    }
    await writeSynced(path.join(tmp, 'tombstones'), encodeTombstoneFile([]));
    const meta: BlockMeta = {
      ulid,
      minTime: opts.mint,
      maxTime: opts.maxt,
      stats: { numSamples, numSeries: index.numSeries, numChunks, numTombstones: 0 },
      compaction: { level: opts.level, sources: opts.sources ?? [ulid] },
      version: FORMAT_VERSION,
    };
    await writeSynced(path.join(tmp, 'meta.json'), Buffer.from(JSON.stringify(meta, null, 2)));
    await syncDir(tmp);
    const dir = path.join(parentDir, ulid);
    await fsp.rename(tmp, dir);
    await syncDir(parentDir);
    return { dir, meta, index: decoded };
  } catch (err) {
    await chunks?.close().catch(() => undefined);
    await fsp.rm(tmp, { recursive: true, force: true });
    throw err;
  }
}

async function writeSynced(file: string, data: Uint8Array): Promise<void> {
  const fh = await fsp.open(file, 'w');
  try {
    await writeAll(fh, data);
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** Makes a directory's entries (created or renamed files) durable. */
export async function syncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, 'r');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}
