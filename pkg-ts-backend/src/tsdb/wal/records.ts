// WAL record payloads (framing and checksums live in segment.ts). Layouts are in FORMAT.md.
import type { Label, Labels } from '../../model/labels';
import { ByteReader, ByteWriter, CorruptionError } from '../encoding';
import type { Interval } from '../tombstones';

export const enum RecordType {
  Series = 1,
  Samples = 2,
  Tombstones = 3,
  /** A whole encoded chunk of one series; only checkpoints hold these. */
  Chunk = 4,
  /** Samples with integral values written as varints (see encodeCompactSamples). */
  CompactSamples = 5,
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
  return new SeriesDecoder().decode(r);
}

/** ASCII strings up to this length are looked up by their bytes instead of decoded anew. */
const CACHED_STRING_MAX = 64;

/**
 * Decodes series records, handing out one string per distinct short ASCII label name or value
 * and one label object per distinct pair of them: replay meets the same few pairs on every
 * series, and looking them up by their bytes is cheaper than decoding and interning each anew.
 * `pair` makes the label objects (the head passes its interning, so they are the head's own).
 */
export class SeriesDecoder {
  private readonly strings = new Map<number, string | string[]>();
  private readonly pairs = new Map<number, Label | Label[]>();

  constructor(private readonly pair: (name: string, value: string) => Label = (name, value) => ({ name, value })) {}

  decode(r: ByteReader): SeriesRecord[] {
    const n = r.uvarint();
    const out: SeriesRecord[] = [];
    for (let i = 0; i < n; i++) {
      const ref = r.uvarint();
      const nl = r.uvarint();
      const labels: Label[] = [];
      for (let j = 0; j < nl; j++) labels.push(this.label(r));
      out.push({ ref, labels });
    }
    return out;
  }

  private label(r: ByteReader): Label {
    const start = r.pos;
    const buf = r.buf;
    const nameLen = r.uvarint();
    const nameAt = r.pos;
    if (nameLen <= CACHED_STRING_MAX && nameAt + nameLen < buf.length) {
      r.pos = nameAt + nameLen;
      const valueLen = r.uvarint();
      const valueAt = r.pos;
      if (valueLen <= CACHED_STRING_MAX && valueAt + valueLen <= buf.length) {
        let h = 0x811c9dc5;
        let ascii = 0;
        for (let i = nameAt; i < nameAt + nameLen; i++) {
          ascii |= buf[i];
          h = Math.imul(h ^ buf[i], 0x01000193);
        }
        h = Math.imul(h ^ 0xff, 0x01000193);
        for (let i = valueAt; i < valueAt + valueLen; i++) {
          ascii |= buf[i];
          h = Math.imul(h ^ buf[i], 0x01000193);
        }
        if (ascii < 0x80) {
          r.pos = valueAt + valueLen;
          const found = this.pairs.get(h);
          if (found !== undefined) {
            if (!Array.isArray(found)) {
              if (samePair(found, buf, nameAt, nameLen, valueAt, valueLen)) return found;
            } else for (const l of found) if (samePair(l, buf, nameAt, nameLen, valueAt, valueLen)) return l;
          }
          const l = this.pair(this.asciiString(buf, nameAt, nameLen), this.asciiString(buf, valueAt, valueLen));
          if (found === undefined) this.pairs.set(h, l);
          else if (!Array.isArray(found)) this.pairs.set(h, [found, l]);
          else found.push(l);
          return l;
        }
      }
    }
    r.pos = start;
    const name = r.string();
    return this.pair(name, r.string());
  }

  /** The string of `len` ASCII bytes at `p`, shared with earlier equal ones. */
  private asciiString(buf: Uint8Array, p: number, len: number): string {
    let h = 0x811c9dc5;
    for (let i = p; i < p + len; i++) h = Math.imul(h ^ buf[i], 0x01000193);
    const found = this.strings.get(h);
    if (found !== undefined) {
      if (typeof found === 'string') {
        if (sameAscii(found, buf, p, len)) return found;
      } else for (const c of found) if (sameAscii(c, buf, p, len)) return c;
    }
    const str = String.fromCharCode.apply(null, buf.subarray(p, p + len) as unknown as number[]);
    if (found === undefined) this.strings.set(h, str);
    else if (typeof found === 'string') this.strings.set(h, [found, str]);
    else found.push(str);
    return str;
  }
}

function samePair(l: Label, buf: Uint8Array, nameAt: number, nameLen: number, valueAt: number, valueLen: number): boolean {
  return sameAscii(l.name, buf, nameAt, nameLen) && sameAscii(l.value, buf, valueAt, valueLen);
}

function sameAscii(s: string, buf: Uint8Array, p: number, len: number): boolean {
  if (s.length !== len) return false;
  for (let i = 0; i < len; i++) if (s.charCodeAt(i) !== buf[p + i]) return false;
  return true;
}

/** Integral values below this magnitude are written as varints: their tag stays exact in a double. */
const MAX_VARINT_VALUE = 2 ** 50;

/** Samples as (ref, t, v) triples, references and timestamps delta-encoded against the previous one. */
export function encodeSamples(
  w: ByteWriter,
  refs: ArrayLike<number>,
  ts: Float64Array,
  vs: Float64Array,
  n: number,
  compact = false
): void {
  w.uvarint(n);
  let prevRef = 0;
  let prevT = 0;
  for (let i = 0; i < n; i++) {
    w.varint(refs[i] - prevRef);
    w.varint(ts[i] - prevT);
    const v = vs[i];
    if (!compact) w.f64(v);
    else if (Number.isInteger(v) && Math.abs(v) < MAX_VARINT_VALUE && !Object.is(v, -0)) {
      w.uvarint((v >= 0 ? v * 2 : -v * 2 - 1) * 2);
    } else {
      w.uvarint(1);
      w.f64(v);
    }
    prevRef = refs[i];
    prevT = ts[i];
  }
}

/**
 * A CompactSamples record: as encodeSamples, but each value is a tag varint: an even tag is an
 * integral value (zig-zag, shifted left once), tag 1 is followed by the float64's 8 bytes. Most
 * scraped values are counts, which take 1–4 bytes instead of 8; -0, NaN (the stale marker's
 * bits included) and fractions keep their exact bits.
 */
export function encodeCompactSamples(
  w: ByteWriter,
  refs: ArrayLike<number>,
  ts: Float64Array,
  vs: Float64Array,
  n: number
): void {
  encodeSamples(w, refs, ts, vs, n, true);
}

export interface SamplesBatch {
  refs: Uint32Array;
  ts: Float64Array;
  vs: Float64Array;
}

export function decodeSamples(r: ByteReader, compact = false): SamplesBatch {
  const d = new SamplesDecoder();
  d.decode(r, compact);
  return { refs: d.refs.subarray(0, d.n), ts: d.ts.subarray(0, d.n), vs: d.vs.subarray(0, d.n) };
}

/**
 * Decodes samples records into arrays reused from one record to the next (replay decodes
 * millions of samples). Reads the bytes in place up to the end of the reader's buffer.
 */
export class SamplesDecoder {
  refs = new Uint32Array(1024);
  ts = new Float64Array(1024);
  vs = new Float64Array(1024);
  /** Bytes of `vs`: values are copied bit for bit, never through arithmetic. */
  private vsBytes = new Uint8Array(this.vs.buffer);
  /** Samples in the last decoded record. */
  n = 0;

  /** Decodes a Samples record, or a CompactSamples one when `compact`. */
  decode(r: ByteReader, compact = false): void {
    const n = r.uvarint();
    const buf = r.buf;
    // At least 10 (compact: 3) bytes per sample: guards the allocation against a corrupt count.
    if (n * (compact ? 3 : 10) > buf.length - r.pos) throw new CorruptionError(`sample count ${n} exceeds record size`);
    if (n > this.refs.length) this.grow(n);
    const { refs, ts, vsBytes } = this;
    const end = buf.length;
    let p = r.pos;
    let ref = 0;
    let t = 0;
    for (let i = 0; i < n; i++) {
      // Zig-zag varints: one byte is the rule for reference deltas, so that case is inline;
      // longer ones (and the end of the data) go through the reader.
      let z = p < end ? buf[p] : 128;
      if (z < 128) p++;
      else {
        r.pos = p;
        z = r.uvarint();
        p = r.pos;
      }
      ref += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      z = p < end ? buf[p] : 128;
      if (z < 128) p++;
      else {
        r.pos = p;
        z = r.uvarint();
        p = r.pos;
      }
      t += z % 2 === 0 ? z / 2 : -(z + 1) / 2;
      refs[i] = ref;
      ts[i] = t;
      if (compact) {
        z = p < end ? buf[p] : 128;
        if (z < 128) p++;
        else {
          r.pos = p;
          z = r.uvarint();
          p = r.pos;
        }
        if (z !== 1) {
          if (z % 2 !== 0) throw new CorruptionError(`bad value tag ${z} at offset ${p}`);
          z /= 2;
          this.vs[i] = z % 2 === 0 ? z / 2 : -(z + 1) / 2;
          continue;
        }
      }
      if (p + 8 > end) throw new CorruptionError(`unexpected end of data at offset ${p}`);
      const o = i * 8;
      if (LITTLE_ENDIAN) for (let k = 0; k < 8; k++) vsBytes[o + k] = buf[p + k];
      else for (let k = 0; k < 8; k++) vsBytes[o + k] = buf[p + 7 - k];
      p += 8;
    }
    r.pos = p;
    this.n = n;
  }

  private grow(n: number): void {
    const size = Math.max(n, this.refs.length * 2);
    this.refs = new Uint32Array(size);
    this.ts = new Float64Array(size);
    this.vs = new Float64Array(size);
    this.vsBytes = new Uint8Array(this.vs.buffer);
  }
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

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
