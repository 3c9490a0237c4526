// Writes a block: chunks streamed to segment files, then the index, tombstones and meta.json,
// all inside `<ulid>.tmp`, which is synced and renamed to `<ulid>` only when complete. A crash
// leaves at most a `.tmp` directory that the next start removes.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Labels } from '../../model/labels';
import { chunkSampleCount } from '../chunkenc/xor';
import { ByteWriter } from '../encoding';
import { fsyncDir } from '../wal/segment';
import {
  BlockMeta,
  CHUNKS_MAGIC,
  chunkSegmentName,
  ChunkMeta,
  encodeIndex,
  encodeTombstoneFile,
  FORMAT_VERSION,
  IndexSeries,
} from './files';
import { newULID } from './ulid';

export const MAX_CHUNK_SEGMENT_SIZE = 512 * 1024 * 1024;
const TWO_32 = 4294967296;

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
  private fd = -1;
  private segment = 0;
  private offset = 0;
  private readonly buf = new ByteWriter(1 << 20);

  constructor(private readonly dir: string) {
    fs.mkdirSync(dir);
  }

  private openNext(): void {
    this.closeCurrent();
    this.segment++;
    this.fd = fs.openSync(path.join(this.dir, chunkSegmentName(this.segment)), 'w');
    this.buf.u32(CHUNKS_MAGIC);
    this.buf.byte(FORMAT_VERSION);
    this.offset = 5;
  }

  private flush(): void {
    const data = this.buf.view();
    let off = 0;
    while (off < data.length) off += fs.writeSync(this.fd, data, off, data.length - off);
    this.buf.reset();
  }

  private closeCurrent(): void {
    if (this.fd < 0) return;
    this.flush();
    fs.fsyncSync(this.fd);
    fs.closeSync(this.fd);
    this.fd = -1;
  }

  write(c: EncodedChunk): ChunkMeta {
    const need = c.bytes.length + 14;
    if (this.fd < 0 || this.offset + need > MAX_CHUNK_SEGMENT_SIZE) this.openNext();
    const before = this.buf.length;
    this.buf.uvarint(c.bytes.length);
    const dataOffset = this.offset + (this.buf.length - before);
    this.buf.bytes(c.bytes);
    this.buf.u32(crc32(c.bytes));
    this.offset += this.buf.length - before;
    if (this.buf.length > 1 << 20) this.flush();
    return { mint: c.mint, maxt: c.maxt, ref: this.segment * TWO_32 + dataOffset, length: c.bytes.length };
  }

  close(): void {
    this.closeCurrent();
  }
}

export interface WriteBlockOptions {
  mint: number;
  /** Exclusive end. */
  maxt: number;
  level: number;
  sources?: string[];
}

/**
 * Writes a block under `parentDir` from series sorted by label set; returns its meta, or null
 * when no series has data (no block is created then).
 */
export function writeBlock(
  parentDir: string,
  series: Iterable<BlockSeriesInput>,
  opts: WriteBlockOptions
): BlockMeta | null {
  const ulid = newULID();
  const tmp = path.join(parentDir, ulid + '.tmp');
  fs.mkdirSync(tmp, { recursive: true });
  try {
    const chunks = new ChunkSegmentWriter(path.join(tmp, 'chunks'));
    const indexSeries: IndexSeries[] = [];
    let numSamples = 0;
    let numChunks = 0;
    for (const s of series) {
      if (s.chunks.length === 0) continue;
      const metas: ChunkMeta[] = [];
      for (const c of s.chunks) {
        metas.push(chunks.write(c));
        numSamples += chunkSampleCount(c.bytes);
      }
      numChunks += metas.length;
      indexSeries.push({ labels: s.labels, chunks: metas });
    }
    chunks.close();
    if (indexSeries.length === 0) {
      fs.rmSync(tmp, { recursive: true, force: true });
      return null;
    }
    writeSynced(path.join(tmp, 'index'), encodeIndex(indexSeries));
    writeSynced(path.join(tmp, 'tombstones'), encodeTombstoneFile([]));
    const meta: BlockMeta = {
      ulid,
      minTime: opts.mint,
      maxTime: opts.maxt,
      stats: { numSamples, numSeries: indexSeries.length, numChunks, numTombstones: 0 },
      compaction: { level: opts.level, sources: opts.sources ?? [ulid] },
      version: FORMAT_VERSION,
    };
    writeSynced(path.join(tmp, 'meta.json'), Buffer.from(JSON.stringify(meta, null, 2)));
    fsyncDir(tmp);
    fs.renameSync(tmp, path.join(parentDir, ulid));
    fsyncDir(parentDir);
    return meta;
  } catch (err) {
    fs.rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

function writeSynced(file: string, data: Uint8Array): void {
  const fd = fs.openSync(file, 'w');
  try {
    let off = 0;
    while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
