// WAL record payloads (framing and checksums live in segment.ts). Layouts are in FORMAT.md.
import type { Labels } from '../../model/labels';
import { ByteReader, ByteWriter, CorruptionError } from '../encoding';
import type { Interval } from '../tombstones';

export const enum RecordType {
  Series = 1,
  Samples = 2,
  Tombstones = 3,
  /** A whole encoded chunk of one series; only checkpoints hold these. */
  Chunk = 4,
}

export interface SeriesRecord {
  ref: number;
  labels: Labels;
}

export function encodeSeries(w: ByteWriter, series: readonly SeriesRecord[]): void {
  w.uvarint(series.length);
  for (const s of series) {
    w.uvarint(s.ref);
    w.uvarint(s.labels.length);
    for (const l of s.labels) {
      w.string(l.name);
      w.string(l.value);
    }
  }
}

export function decodeSeries(r: ByteReader): SeriesRecord[] {
  const n = r.uvarint();
  const out: SeriesRecord[] = [];
  for (let i = 0; i < n; i++) {
    const ref = r.uvarint();
    const nl = r.uvarint();
    const labels: { name: string; value: string }[] = [];
    for (let j = 0; j < nl; j++) labels.push({ name: r.string(), value: r.string() });
    out.push({ ref, labels });
  }
  return out;
}

/** Samples as (ref, t, v) triples, references and timestamps delta-encoded against the previous one. */
export function encodeSamples(
  w: ByteWriter,
  refs: ArrayLike<number>,
  ts: Float64Array,
  vs: Float64Array,
  n: number
): void {
  w.uvarint(n);
  let prevRef = 0;
  let prevT = 0;
  for (let i = 0; i < n; i++) {
    w.varint(refs[i] - prevRef);
    w.varint(ts[i] - prevT);
    w.f64(vs[i]);
    prevRef = refs[i];
    prevT = ts[i];
  }
}

export interface SamplesBatch {
  refs: Uint32Array;
  ts: Float64Array;
  vs: Float64Array;
}

export function decodeSamples(r: ByteReader): SamplesBatch {
  const n = r.uvarint();
  if (n > r.buf.length) throw new CorruptionError(`sample count ${n} exceeds record size`);
  const refs = new Uint32Array(n);
  const ts = new Float64Array(n);
  const vs = new Float64Array(n);
  let ref = 0;
  let t = 0;
  for (let i = 0; i < n; i++) {
    ref += r.varint();
    t += r.varint();
    refs[i] = ref;
    ts[i] = t;
    vs[i] = r.f64();
  }
  return { refs, ts, vs };
}

export interface TombstoneRecord {
  ref: number;
  interval: Interval;
}

export function encodeTombstones(w: ByteWriter, entries: readonly TombstoneRecord[]): void {
  w.uvarint(entries.length);
  for (const e of entries) {
    w.uvarint(e.ref);
    w.varint(e.interval.mint);
    w.varint(e.interval.maxt);
  }
}

export function decodeTombstones(r: ByteReader): TombstoneRecord[] {
  const n = r.uvarint();
  const out: TombstoneRecord[] = [];
  for (let i = 0; i < n; i++) out.push({ ref: r.uvarint(), interval: { mint: r.varint(), maxt: r.varint() } });
  return out;
}

export interface ChunkRecord {
  ref: number;
  mint: number;
  maxt: number;
  bytes: Uint8Array;
}

export function encodeChunk(w: ByteWriter, c: ChunkRecord): void {
  w.uvarint(c.ref);
  w.varint(c.mint);
  w.varint(c.maxt);
  w.uvarint(c.bytes.length);
  w.bytes(c.bytes);
}

export function decodeChunk(r: ByteReader): ChunkRecord {
  const ref = r.uvarint();
  const mint = r.varint();
  const maxt = r.varint();
  // A view into the segment buffer: the head copies it into the series' own store.
  const bytes = r.bytes(r.uvarint());
  return { ref, mint, maxt, bytes };
}
