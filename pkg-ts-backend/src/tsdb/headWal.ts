// The bridge between the head and the WAL: logging commits and deletions, replaying records
// into a fresh head, and dumping the head into a checkpoint.
import type { Logger } from '../util/log';
import type { ByteReader, ByteWriter } from './encoding';
import type { Head, HeadLog } from './head';
import type { MemSeries } from './head/memSeries';
import { RefTable } from './head/refTable';
import type { Interval } from './tombstones';
import {
  decodeChunk,
  decodeTombstones,
  encodeChunk,
  encodeCompactSamples,
  encodeSeries,
  encodeTombstones,
  RecordType,
  SamplesDecoder,
  SeriesDecoder,
} from './wal/records';
import type { ReplaySink, WAL } from './wal/wal';
import type { Yielder } from './yielder';

export class WALHeadLog implements HeadLog {
  constructor(private readonly wal: WAL) {}

  logCommit(
    newSeries: readonly MemSeries[],
    series: readonly MemSeries[],
    ts: Float64Array,
    vs: Float64Array,
    n: number
  ): Promise<void> | undefined {
    const refs = new Uint32Array(n);
    for (let i = 0; i < n; i++) refs[i] = series[i].ref;
    const records: { type: RecordType; encode: (w: ByteWriter) => void }[] = [];
    if (newSeries.length > 0) records.push({ type: RecordType.Series, encode: (w) => encodeSeries(w, newSeries) });
    records.push({ type: RecordType.CompactSamples, encode: (w) => encodeCompactSamples(w, refs, ts, vs, n) });
    return this.wal.log(records);
  }

  logTombstones(entries: readonly { ref: number; interval: Interval }[]): Promise<void> | undefined {
    return this.wal.log([{ type: RecordType.Tombstones, encode: (w) => encodeTombstones(w, entries) }]);
  }
}

/** Applies replayed records to a head; samples already persisted in blocks are skipped. */
export class HeadReplayer implements ReplaySink {
  private readonly byWalRef = new RefTable<MemSeries>();
  private readonly seriesDecoder: SeriesDecoder;
  private readonly samplesDecoder = new SamplesDecoder();
  samples = 0;
  private unknownRefs = 0;

  constructor(
    private readonly head: Head,
    private readonly minValidTime: number
  ) {
    this.seriesDecoder = new SeriesDecoder((name, value) => head.internPair(name, value));
  }

  private series(ref: number): MemSeries | undefined {
    const s = this.byWalRef.get(ref);
    if (!s) this.unknownRefs++;
    return s;
  }

  onRecord(type: RecordType, r: ByteReader): void {
    const head = this.head;
    switch (type) {
      case RecordType.Series:
        for (const rec of this.seriesDecoder.decode(r)) {
          const s = head.getOrCreateWithRef(rec.ref, rec.labels, true);
          // Only a series that kept its reference is described correctly by the old records.
          s.logged = s.ref === rec.ref;
          this.byWalRef.set(rec.ref, s);
        }
        return;
      case RecordType.Samples:
      case RecordType.CompactSamples: {
        const d = this.samplesDecoder;
        d.decode(r, type === RecordType.CompactSamples);
        const { refs, ts, vs } = d;
        for (let i = 0; i < d.n; i++) {
          const s = this.series(refs[i]);
          if (!s || ts[i] < this.minValidTime) continue;
          if (head.appendSample(s, ts[i], vs[i])) this.samples++;
        }
        return;
      }
      case RecordType.Tombstones:
        for (const e of decodeTombstones(r)) {
          const s = this.series(e.ref);
          if (s) head.addTombstone(s.ref, e.interval);
        }
        return;
      case RecordType.Chunk: {
        const c = decodeChunk(r);
        const s = this.series(c.ref);
        if (s && c.maxt >= this.minValidTime) head.addRestoredChunk(s, c.bytes, c.mint, c.maxt);
        return;
      }
      default:
        throw new Error(`unknown WAL record type ${type as number}`);
    }
  }

  finish(logger: Logger): void {
    if (this.unknownRefs > 0) logger.warn('WAL records referenced unknown series', { count: this.unknownRefs });
  }
}

/**
 * Writes the head's series, chunks and tombstones as checkpoint records, pausing through `y`
 * between series (commits go on meanwhile; a series is dumped as it is when reached).
 */
export async function dumpHead(
  head: Head,
  emit: (type: RecordType, encode: (w: ByteWriter) => void) => void,
  y: Yielder
): Promise<void> {
  for (const s of head.allSeries()) {
    if (y.due()) await y.pause();
    if (s.numChunks() === 0) {
      // Its series record is about to be dropped with the old segments: log it again when used.
      s.logged = false;
      continue;
    }
    emit(RecordType.Series, (w) => encodeSeries(w, [s]));
    // Out-of-order samples are merged into the chunks: replay restores them in order, whatever
    // the out-of-order window is by then.
    for (const c of head.encodedChunksOf(s, -Infinity, Infinity))
      emit(RecordType.Chunk, (w) => encodeChunk(w, { ref: s.ref, ...c }));
    s.logged = true;
  }
  const entries: { ref: number; interval: Interval }[] = [];
  for (const [ref, ivs] of head.tombstoneEntries()) for (const interval of ivs) entries.push({ ref, interval });
  if (entries.length > 0) emit(RecordType.Tombstones, (w) => encodeTombstones(w, entries));
}
