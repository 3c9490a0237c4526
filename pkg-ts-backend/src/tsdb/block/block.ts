// A persisted block opened for reading: meta and index held in memory, chunks read from their
// segment files on demand (one pread per chunk when an iterator reaches it). Queriers hold a
// reference so a block deleted by compaction or retention stays readable until they close.
import * as fs from 'node:fs';
import * as fsp from 'node:fs/promises';
import * as path from 'node:path';
import { crc32 } from 'node:zlib';
import type { Labels } from '../../model/labels';
import { XorChunkIterator } from '../chunkenc/xor';
import { CorruptionError } from '../encoding';
import { EMPTY_POSTINGS, PostingsIndex } from '../index/postings';
import { ChunkRef, ChunkSeriesSource, SourceQuerier } from '../querier';
import { addInterval, Intervals } from '../tombstones';
import {
  BlockMeta,
  chunkSegmentName,
  decodeIndex,
  decodeTombstoneFile,
  DecodedIndex,
  encodeTombstoneFile,
  TombstoneEntry,
  writeFileAtomic,
} from './files';
import type { EncodedChunk, WrittenBlock } from './writer';

const TWO_32 = 4294967296;

class BlockIndex implements PostingsIndex {
  private all: Uint32Array | undefined;

  constructor(private readonly idx: DecodedIndex) {}

  postings(name: string, value: string): Uint32Array {
    return this.idx.postings.get(name)?.get(value) ?? EMPTY_POSTINGS;
  }

  allPostings(): Uint32Array {
    if (!this.all) {
      this.all = new Uint32Array(this.idx.labels.length);
      for (let i = 0; i < this.all.length; i++) this.all[i] = i;
    }
    return this.all;
  }

  valuesOf(name: string): Iterable<string> {
    return this.idx.postings.get(name)?.keys() ?? [];
  }

  names(): Iterable<string> {
    return this.idx.postings.keys();
  }
}

export class Block implements ChunkSeriesSource {
  readonly index: PostingsIndex;
  private readonly fds = new Map<number, number>();
  private tombstones = new Map<number, Intervals>();
  private refs = 0;
  private deleted = false;

  private constructor(
    readonly dir: string,
    public meta: BlockMeta,
    private readonly idx: DecodedIndex
  ) {
    this.index = new BlockIndex(idx);
  }

  /** Opens a block directory; throws CorruptionError (or an fs error) when it is unusable. */
  static open(dir: string): Block {
    const meta = JSON.parse(fs.readFileSync(path.join(dir, 'meta.json'), 'utf8')) as BlockMeta;
    if (typeof meta.ulid !== 'string' || typeof meta.minTime !== 'number' || typeof meta.maxTime !== 'number') {
      throw new CorruptionError('meta.json lacks ulid, minTime or maxTime');
    }
    const idx = decodeIndex(fs.readFileSync(path.join(dir, 'index')));
    const block = new Block(dir, meta, idx);
    const tsFile = path.join(dir, 'tombstones');
    if (fs.existsSync(tsFile)) {
      for (const e of decodeTombstoneFile(fs.readFileSync(tsFile)))
        block.addTombstoneInMemory(e.ref, e.interval.mint, e.interval.maxt);
    }
    return block;
  }

  /** The block `writeBlock` just wrote, without reading its index back. */
  static fromWritten(w: WrittenBlock): Block {
    return new Block(w.dir, w.meta, w.index);
  }

  get ulid(): string {
    return this.meta.ulid;
  }

  numSeries(): number {
    return this.idx.labels.length;
  }

  /** Bytes on disk. */
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

  overlapsRange(mint: number, maxt: number): boolean {
    return this.meta.minTime <= maxt && this.meta.maxTime > mint;
  }

  querier(mint: number, maxt: number): SourceQuerier {
    this.refs++;
    let released = false;
    return new SourceQuerier(this, mint, maxt, () => {
      if (released) return;
      released = true;
      this.release();
    });
  }

  private release(): void {
    this.refs--;
    if (this.refs === 0 && this.deleted) this.closeFiles();
  }

  /**
   * Removes the block from disk; open queriers keep reading through their descriptors. The
   * directory is renamed away at once; the returned promise settles once its files are gone.
   */
  markDeleted(): Promise<void> {
    this.deleted = true;
    if (this.refs === 0) this.closeFiles();
    else {
      // Descriptors stay valid after unlink on POSIX: open them all so open queriers can finish.
      for (const name of fs.readdirSync(path.join(this.dir, 'chunks'))) this.fd(Number(name));
    }
    // Renamed first: a crash during the removal then leaves a `.tmp` directory, which the next
    // start deletes, instead of a block directory with some of its files gone.
    const doomed = `${this.dir}.tmp`;
    fs.rmSync(doomed, { recursive: true, force: true });
    fs.renameSync(this.dir, doomed);
    return fsp.rm(doomed, { recursive: true, force: true });
  }

  close(): void {
    this.closeFiles();
  }

  private closeFiles(): void {
    for (const fd of this.fds.values()) fs.closeSync(fd);
    this.fds.clear();
  }

  private fd(segment: number): number {
    let fd = this.fds.get(segment);
    if (fd === undefined) {
      fd = fs.openSync(path.join(this.dir, 'chunks', chunkSegmentName(segment)), 'r');
      this.fds.set(segment, fd);
    }
    return fd;
  }

  /** Reads and verifies one chunk's bytes. */
  readChunk(ref: number, length: number): Uint8Array {
    const segment = Math.floor(ref / TWO_32);
    const offset = ref - segment * TWO_32;
    const buf = Buffer.allocUnsafe(length + 4);
    const n = fs.readSync(this.fd(segment), buf, 0, length + 4, offset);
    if (n !== length + 4) throw new CorruptionError(`block ${this.ulid}: chunk at ${segment}:${offset} is truncated`);
    const data = buf.subarray(0, length);
    if (crc32(data) !== buf.readUInt32LE(length))
      throw new CorruptionError(`block ${this.ulid}: chunk at ${segment}:${offset} fails its checksum`);
    return data;
  }

  labelsOf(ref: number): Labels | undefined {
    return this.idx.labels[ref];
  }

  chunksOf(ref: number, mint: number, maxt: number): ChunkRef[] {
    const out: ChunkRef[] = [];
    const m = this.idx.chunkMeta;
    for (let i = this.idx.chunkStart[ref]; i < this.idx.chunkStart[ref + 1]; i++) {
      const o = i * 4;
      const cmin = m[o];
      const cmax = m[o + 1];
      if (cmax < mint || cmin > maxt) continue;
      const cref = m[o + 2];
      const len = m[o + 3];
      out.push({ mint: cmin, maxt: cmax, iterator: () => new XorChunkIterator(this.readChunk(cref, len)) });
    }
    return out;
  }

  /** All chunks of a series with their bytes (for compaction). */
  encodedChunks(ref: number): EncodedChunk[] {
    const out: EncodedChunk[] = [];
    const m = this.idx.chunkMeta;
    for (let i = this.idx.chunkStart[ref]; i < this.idx.chunkStart[ref + 1]; i++) {
      const o = i * 4;
      out.push({ mint: m[o], maxt: m[o + 1], bytes: this.readChunk(m[o + 2], m[o + 3]) });
    }
    return out;
  }

  overlaps(ref: number, mint: number, maxt: number): boolean {
    const m = this.idx.chunkMeta;
    const start = this.idx.chunkStart[ref];
    const end = this.idx.chunkStart[ref + 1];
    return end > start && m[start * 4] <= maxt && m[(end - 1) * 4 + 1] >= mint;
  }

  deletedOf(ref: number): Intervals | undefined {
    return this.tombstones.get(ref);
  }

  hasTombstones(): boolean {
    return this.tombstones.size > 0;
  }

  private addTombstoneInMemory(ref: number, mint: number, maxt: number): void {
    this.tombstones.set(ref, addInterval(this.tombstones.get(ref) ?? [], { mint, maxt }));
  }

  /** Adds tombstones for these series and rewrites the tombstones file atomically. */
  addTombstones(refs: Uint32Array, mint: number, maxt: number): number {
    let added = 0;
    const next = new Map(this.tombstones);
    for (let i = 0; i < refs.length; i++) {
      if (!this.overlaps(refs[i], mint, maxt)) continue;
      next.set(refs[i], addInterval(next.get(refs[i]) ?? [], { mint, maxt }));
      added++;
    }
    if (added === 0) return 0;
    const entries: TombstoneEntry[] = [];
    for (const [ref, ivs] of next) for (const interval of ivs) entries.push({ ref, interval });
    writeFileAtomic(path.join(this.dir, 'tombstones'), encodeTombstoneFile(entries));
    this.tombstones = next;
    this.meta = { ...this.meta, stats: { ...this.meta.stats, numTombstones: entries.length } };
    writeFileAtomic(path.join(this.dir, 'meta.json'), Buffer.from(JSON.stringify(this.meta, null, 2)));
    return added;
  }
}
