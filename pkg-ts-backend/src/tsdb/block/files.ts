// The files of a block directory (layouts in FORMAT.md): meta.json, the index (symbols,
// series with chunk metadata, postings), the tombstones file, and chunk segment names.
import * as fs from 'node:fs';
import { crc32 } from 'node:zlib';
import type { Label, Labels } from '../../model/labels';
import { ByteReader, ByteWriter, CorruptionError } from '../encoding';
import type { Interval } from '../tombstones';

export const INDEX_MAGIC = 0x58494c46; // "FLIX" little-endian
export const TOMBSTONES_MAGIC = 0x53544c46; // "FLTS"
export const CHUNKS_MAGIC = 0x4b434c46; // "FLCK"
export const FORMAT_VERSION = 1;
/**
 * Version 2 of the index stores chunk times against a base time and chunk references as
 * deltas, and groups postings by label name; version 1 indexes are still read.
 */
export const INDEX_VERSION = 2;

export interface BlockMeta {
  ulid: string;
  /** Inclusive start and exclusive end of the block's time range (ms). */
  minTime: number;
  maxTime: number;
  stats: { numSamples: number; numSeries: number; numChunks: number; numTombstones: number };
  compaction: { level: number; sources: string[] };
  version: number;
}

export function chunkSegmentName(index: number): string {
  return String(index).padStart(6, '0');
}

/** Chunk metadata of one series, as stored in the index. */
export interface ChunkMeta {
  mint: number;
  maxt: number;
  /** Segment index * 2^32 + byte offset of the chunk's length prefix. */
  ref: number;
  /** Bytes of encoded chunk data (without length prefix and checksum). */
  length: number;
}

export interface DecodedIndex {
  labels: Labels[];
  /** Per series, start of its chunk metadata in `chunkMeta` (length numSeries + 1). */
  chunkStart: Uint32Array;
  /** Quadruples (mint, maxt, ref, length) per chunk. */
  chunkMeta: Float64Array;
  postings: Map<string, Map<string, Uint32Array>>;
}

export function decodeIndex(data: Uint8Array): DecodedIndex {
  if (data.length < 9) throw new CorruptionError('index too short');
  const body = data.subarray(0, data.length - 4);
  const want = new ByteReader(data, data.length - 4).u32();
  if (crc32(body) !== want) throw new CorruptionError('index checksum mismatch');
  const r = new ByteReader(body);
  if (r.u32() !== INDEX_MAGIC) throw new CorruptionError('bad index magic');
  const version = r.byte();
  if (version !== 1 && version !== 2) throw new CorruptionError(`unsupported index version ${version}`);
  const v2 = version === 2;
  const baseTime = v2 ? r.varint() : 0;
  const symbols: string[] = new Array(r.uvarint());
  for (let i = 0; i < symbols.length; i++) symbols[i] = r.string();
  const sym = (i: number): string => {
    if (i >= symbols.length) throw new CorruptionError(`symbol ${i} out of range`);
    return symbols[i];
  };

  const numSeries = r.uvarint();
  const labels: Labels[] = new Array(numSeries);
  const chunkStart = new Uint32Array(numSeries + 1);
  let meta = new Float64Array(Math.max(16, numSeries * 4 * 4));
  let nChunks = 0;
  let prevRef = 0;
  for (let id = 0; id < numSeries; id++) {
    const nl = r.uvarint();
    const ls: Label[] = new Array(nl);
    for (let j = 0; j < nl; j++) ls[j] = { name: sym(r.uvarint()), value: sym(r.uvarint()) };
    labels[id] = Object.freeze(ls);
    chunkStart[id] = nChunks;
    const nc = r.uvarint();
    let prev = baseTime;
    for (let j = 0; j < nc; j++) {
      if ((nChunks + 1) * 4 > meta.length) {
        const next = new Float64Array(meta.length * 2);
        next.set(meta);
        meta = next;
      }
      const mint = prev + r.varint();
      const maxt = mint + r.uvarint();
      const o = nChunks * 4;
      meta[o] = mint;
      meta[o + 1] = maxt;
      prevRef = meta[o + 2] = v2 ? prevRef + r.varint() : r.uvarint();
      meta[o + 3] = r.uvarint();
      prev = maxt;
      nChunks++;
    }
  }
  chunkStart[numSeries] = nChunks;

  const postings = new Map<string, Map<string, Uint32Array>>();
  const readList = (): Uint32Array => {
    const list = new Uint32Array(r.uvarint());
    let id = 0;
    for (let j = 0; j < list.length; j++) {
      id += r.uvarint();
      if (id >= numSeries) throw new CorruptionError(`postings reference ${id} out of range`);
      list[j] = id;
    }
    return list;
  };
  const valuesOf = (name: string): Map<string, Uint32Array> => {
    let values = postings.get(name);
    if (!values) postings.set(name, (values = new Map()));
    return values;
  };
  if (v2) {
    const numNames = r.uvarint();
    for (let i = 0; i < numNames; i++) {
      const values = valuesOf(sym(r.uvarint()));
      const numValues = r.uvarint();
      let valueSym = 0;
      for (let j = 0; j < numValues; j++) {
        valueSym += r.uvarint();
        values.set(sym(valueSym), readList());
      }
    }
  } else {
    const numPostings = r.uvarint();
    for (let i = 0; i < numPostings; i++) {
      const values = valuesOf(sym(r.uvarint()));
      values.set(sym(r.uvarint()), readList());
    }
  }
  return { labels, chunkStart, chunkMeta: meta.slice(0, nChunks * 4), postings };
}

export interface TombstoneEntry {
  ref: number;
  interval: Interval;
}

export function encodeTombstoneFile(entries: readonly TombstoneEntry[]): Uint8Array {
  const w = new ByteWriter();
  w.u32(TOMBSTONES_MAGIC);
  w.byte(FORMAT_VERSION);
  w.uvarint(entries.length);
  for (const e of entries) {
    w.uvarint(e.ref);
    w.varint(e.interval.mint);
    w.varint(e.interval.maxt);
  }
  w.u32(crc32(w.view()));
  return w.view().slice();
}

export function decodeTombstoneFile(data: Uint8Array): TombstoneEntry[] {
  if (data.length < 9) throw new CorruptionError('tombstones file too short');
  const body = data.subarray(0, data.length - 4);
  if (crc32(body) !== new ByteReader(data, data.length - 4).u32())
    throw new CorruptionError('tombstones checksum mismatch');
  const r = new ByteReader(body);
  if (r.u32() !== TOMBSTONES_MAGIC) throw new CorruptionError('bad tombstones magic');
  if (r.byte() !== FORMAT_VERSION) throw new CorruptionError('unsupported tombstones version');
  const out: TombstoneEntry[] = [];
  const n = r.uvarint();
  for (let i = 0; i < n; i++) out.push({ ref: r.uvarint(), interval: { mint: r.varint(), maxt: r.varint() } });
  return out;
}

/** Writes a file completely and durably under a temporary name, then renames it into place. */
export function writeFileAtomic(file: string, data: Uint8Array): void {
  const tmp = file + '.tmp';
  const fd = fs.openSync(tmp, 'w');
  try {
    let off = 0;
    while (off < data.length) off += fs.writeSync(fd, data, off, data.length - off);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
}
