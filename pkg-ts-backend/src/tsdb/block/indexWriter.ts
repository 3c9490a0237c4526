// Builds a block's index while its series are written, then streams it to disk in slices
// (see FORMAT.md for the layout). The in-memory form it returns is what decodeIndex would read
// back, so a freshly written block opens without parsing its index again.
import type { FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import type { Labels } from '../../model/labels';
import { ByteWriter } from '../encoding';
import { sortYielding, Yielder } from '../yielder';
import { ChunkMeta, DecodedIndex, INDEX_MAGIC, INDEX_VERSION } from './files';

const FLUSH_BYTES = 1 << 20;

function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** Collects series (added in label order) and writes the index. */
export class IndexBuilder {
  private readonly labels: Labels[] = [];
  private chunkStart = new Uint32Array(1024);
  private chunkMeta = new Float64Array(4096);
  private numChunks = 0;
  private readonly symbols = new Set<string>();
  /** name -> value -> ascending series ids. */
  private readonly postings = new Map<string, Map<string, number[]>>();

  get numSeries(): number {
    return this.labels.length;
  }

  add(labels: Labels, chunks: readonly ChunkMeta[]): void {
    const id = this.labels.length;
    this.labels.push(labels);
    for (const l of labels) {
      this.symbols.add(l.name);
      this.symbols.add(l.value);
      let values = this.postings.get(l.name);
      if (!values) this.postings.set(l.name, (values = new Map()));
      const ids = values.get(l.value);
      if (ids) ids.push(id);
      else values.set(l.value, [id]);
    }
    if (id + 2 > this.chunkStart.length) this.chunkStart = grow(this.chunkStart, id + 2);
    this.chunkStart[id] = this.numChunks;
    if ((this.numChunks + chunks.length) * 4 > this.chunkMeta.length)
      this.chunkMeta = grow(this.chunkMeta, (this.numChunks + chunks.length) * 4);
    for (const c of chunks) {
      const o = this.numChunks++ * 4;
      this.chunkMeta[o] = c.mint;
      this.chunkMeta[o + 1] = c.maxt;
      this.chunkMeta[o + 2] = c.ref;
      this.chunkMeta[o + 3] = c.length;
    }
    this.chunkStart[id + 1] = this.numChunks;
  }

  /** Writes the index to `fh` (at its current position) and returns its decoded form. */
  async write(fh: FileHandle, y: Yielder): Promise<DecodedIndex> {
    const symbols = [...this.symbols];
    await sortYielding(symbols, compareStrings, y);
    const symbolId = new Map<string, number>();
    for (let i = 0; i < symbols.length; i++) {
      symbolId.set(symbols[i], i);
      if ((i & 1023) === 0 && y.due()) await y.pause();
    }

    const out = new IndexStream(fh);
    const w = out.w;
    // Chunk times are stored against the earliest one, which keeps the first of each series short.
    let baseTime = 0;
    for (let c = 0; c < this.numChunks; c++)
      if (c === 0 || this.chunkMeta[c * 4] < baseTime) baseTime = this.chunkMeta[c * 4];
    w.u32(INDEX_MAGIC);
    w.byte(INDEX_VERSION);
    w.varint(baseTime);
    w.uvarint(symbols.length);
    for (const s of symbols) {
      w.string(s);
      if (out.due(y)) await out.step(y);
    }

    const numSeries = this.labels.length;
    w.uvarint(numSeries);
    const meta = this.chunkMeta;
    let prevRef = 0;
    for (let id = 0; id < numSeries; id++) {
      const ls = this.labels[id];
      w.uvarint(ls.length);
      for (const l of ls) {
        w.uvarint(symbolId.get(l.name)!);
        w.uvarint(symbolId.get(l.value)!);
      }
      const end = this.chunkStart[id + 1];
      w.uvarint(end - this.chunkStart[id]);
      let prev = baseTime;
      for (let c = this.chunkStart[id]; c < end; c++) {
        const o = c * 4;
        w.varint(meta[o] - prev);
        w.uvarint(meta[o + 1] - meta[o]);
        // Chunks are written in index order, so references grow by about one chunk each.
        w.varint(meta[o + 2] - prevRef);
        w.uvarint(meta[o + 3]);
        prev = meta[o + 1];
        prevRef = meta[o + 2];
      }
      if (out.due(y)) await out.step(y);
    }

    const decoded = new Map<string, Map<string, Uint32Array>>();
    const names = [...this.postings.keys()].sort(compareStrings);
    w.uvarint(names.length);
    for (const name of names) {
      const byValue = this.postings.get(name)!;
      const values = [...byValue.keys()];
      await sortYielding(values, compareStrings, y);
      const decodedValues = new Map<string, Uint32Array>();
      decoded.set(name, decodedValues);
      w.uvarint(symbolId.get(name)!);
      w.uvarint(values.length);
      let prevSym = 0;
      for (const value of values) {
        const ids = byValue.get(value)!;
        const valueSym = symbolId.get(value)!;
        w.uvarint(valueSym - prevSym);
        prevSym = valueSym;
        w.uvarint(ids.length);
        let prev = 0;
        for (const id of ids) {
          w.uvarint(id - prev);
          prev = id;
        }
        decodedValues.set(value, Uint32Array.from(ids));
        if (out.due(y)) await out.step(y);
      }
    }
    await out.finish();
    return {
      labels: this.labels,
      chunkStart: this.chunkStart.slice(0, numSeries + 1),
      chunkMeta: this.chunkMeta.slice(0, this.numChunks * 4),
      postings: decoded,
    };
  }
}

/** Buffered writes to the index file with a running checksum, written at the end. */
class IndexStream {
  readonly w = new ByteWriter(FLUSH_BYTES + (FLUSH_BYTES >> 2));
  private crc = 0;

  constructor(private readonly fh: FileHandle) {}

  /** True when the caller should await `step`: the buffer is full or the slice used up. */
  due(y: Yielder): boolean {
    return this.w.length >= FLUSH_BYTES || y.due();
  }

  async step(y: Yielder): Promise<void> {
    if (this.w.length >= FLUSH_BYTES) await this.flush();
    else await y.pause();
  }

  private async flush(): Promise<void> {
    const data = this.w.view();
    this.crc = crc32(data, this.crc);
    await writeAll(this.fh, data);
    this.w.reset();
  }

  async finish(): Promise<void> {
    await this.flush();
    const sum = new ByteWriter(4);
    sum.u32(this.crc);
    await writeAll(this.fh, sum.view());
  }
}

/** Writes all of `data` at the file's current position. */
export async function writeAll(fh: FileHandle, data: Uint8Array): Promise<void> {
  let off = 0;
  while (off < data.length) off += (await fh.write(data, off, data.length - off)).bytesWritten;
}

function grow<T extends Uint32Array | Float64Array>(a: T, atLeast: number): T {
  let size = a.length * 2;
  while (size < atLeast) size *= 2;
  const next = new (a.constructor as new (n: number) => T)(size);
  next.set(a);
  return next;
}
