// Turning data into blocks: the head's range cut into a block, several blocks merged into one
// (their tombstones applied), and the choice of which blocks to merge. Merged ranges grow by a
// factor of three from the minimum block duration up to the maximum. The series sources are
// consumed by writeBlock, which pauses between series.
import { compareLabels, Labels } from '../model/labels';
import { XorChunkEncoder, XorChunkIterator } from './chunkenc/xor';
import type { Head } from './head';
import type { MemSeries } from './head/memSeries';
import type { Block } from './block/block';
import type { BlockMeta } from './block/files';
import { BlockSeriesInput, EncodedChunk, writeBlock, WrittenBlock } from './block/writer';
import { Intervals, isDeleted } from './tombstones';
import { sortYielding, Yielder } from './yielder';

/**
 * Keeps chunks wholly inside [mint, maxt] and untouched by deletions as they are; re-encodes
 * the samples of the others that are in range and not deleted.
 */
export function rechunk(
  chunks: readonly EncodedChunk[],
  mint: number,
  maxt: number,
  deleted: Intervals | undefined,
  chunkSize: number
): EncodedChunk[] {
  const out: EncodedChunk[] = [];
  let enc: XorChunkEncoder | null = null;
  let encMint = 0;
  let encMaxt = 0;
  const flush = (): void => {
    if (enc && enc.numSamples() > 0) out.push({ bytes: enc.bytes(), mint: encMint, maxt: encMaxt });
    enc = null;
  };
  for (const c of chunks) {
    if (c.maxt < mint || c.mint > maxt) continue;
    const touched = deleted?.some((iv) => iv.mint <= c.maxt && iv.maxt >= c.mint) ?? false;
    if (c.mint >= mint && c.maxt <= maxt && !touched && !enc) {
      out.push(c);
      continue;
    }
    const it = new XorChunkIterator(c.bytes);
    while (it.next()) {
      const t = it.t();
      if (t < mint || t > maxt || isDeleted(deleted, t)) continue;
      if (enc === null) {
        enc = new XorChunkEncoder(256);
        encMint = t;
      }
      enc.append(t, it.v());
      encMaxt = t;
      if (enc.numSamples() >= chunkSize) flush();
    }
  }
  flush();
  return out;
}

/**
 * The head's series with their data in [mint, maxtExclusive), sorted by label set. Taken
 * series by series while appends go on: they only add data at or after maxtExclusive (the
 * head rejects older samples by then, out-of-order ones included once the caller has raised
 * its minimum valid time), and closed chunks are never rewritten in place.
 */
export async function* headSeriesForBlock(
  head: Head,
  mint: number,
  maxtExclusive: number,
  y: Yielder
): AsyncGenerator<BlockSeriesInput> {
  const series: MemSeries[] = [];
  let seen = 0;
  for (const s of head.allSeries()) {
    if (s.numChunks() > 0 && head.seriesFirstT(s) < maxtExclusive && s.lastT >= mint) series.push(s);
    if ((++seen & 1023) === 0 && y.due()) await y.pause();
  }
  await sortYielding(series, (a, b) => compareLabels(a.labels, b.labels), y);
  for (const s of series) {
    const chunks = rechunk(
      head.encodedChunksOf(s, mint, maxtExclusive - 1),
      mint,
      maxtExclusive - 1,
      head.deletedOf(s.ref),
      head.chunkSize
    );
    if (chunks.length > 0) yield { labels: s.labels, chunks };
  }
}

/** Merges blocks with disjoint time ranges (given oldest first) series by series. */
function* mergedBlockSeries(blocks: readonly Block[], chunkSize: number): Generator<BlockSeriesInput> {
  const pos = blocks.map(() => 0);
  for (;;) {
    let min: Labels | undefined;
    for (let i = 0; i < blocks.length; i++) {
      if (pos[i] >= blocks[i].numSeries()) continue;
      const l = blocks[i].labelsOf(pos[i])!;
      if (min === undefined || compareLabels(l, min) < 0) min = l;
    }
    if (min === undefined) return;
    const chunks: EncodedChunk[] = [];
    for (let i = 0; i < blocks.length; i++) {
      const b = blocks[i];
      if (pos[i] >= b.numSeries() || compareLabels(b.labelsOf(pos[i])!, min) !== 0) continue;
      const ref = pos[i]++;
      const deleted = b.deletedOf(ref);
      const own = b.encodedChunks(ref);
      chunks.push(...(deleted ? rechunk(own, b.meta.minTime, b.meta.maxTime - 1, deleted, chunkSize) : own));
    }
    if (chunks.length > 0) yield { labels: min, chunks };
  }
}

/** Writes one block holding the data of `blocks` minus their tombstones. */
export function compactBlocks(
  parentDir: string,
  blocks: readonly Block[],
  chunkSize: number,
  y: Yielder
): Promise<WrittenBlock | null> {
  const sorted = [...blocks].sort((a, b) => a.meta.minTime - b.meta.minTime);
  const sources = new Set<string>();
  for (const b of sorted) for (const s of b.meta.compaction.sources) sources.add(s);
  return writeBlock(
    parentDir,
    mergedBlockSeries(sorted, chunkSize),
    {
      mint: sorted[0].meta.minTime,
      maxt: sorted[sorted.length - 1].meta.maxTime,
      level: Math.max(...sorted.map((b) => b.meta.compaction.level)) + 1,
      sources: [...sources].sort(),
    },
    y
  );
}

/** Block ranges: the minimum duration times 3^k, up to the maximum duration. */
export function compactionRanges(minBlockMs: number, maxBlockMs: number): number[] {
  const out = [minBlockMs];
  for (let r = minBlockMs * 3; r <= maxBlockMs; r *= 3) out.push(r);
  return out;
}

/**
 * The next group of blocks to merge: at least two blocks lying inside one aligned range of a
 * larger size that lies wholly before the newest block's end (no later data can join it).
 */
export function planCompaction(metas: readonly BlockMeta[], ranges: readonly number[]): BlockMeta[] | null {
  if (metas.length < 2) return null;
  const newestEnd = Math.max(...metas.map((m) => m.maxTime));
  for (const r of ranges.slice(1)) {
    const groups = new Map<number, BlockMeta[]>();
    for (const m of metas) {
      const start = Math.floor(m.minTime / r) * r;
      if (m.maxTime > start + r) continue;
      let g = groups.get(start);
      if (!g) groups.set(start, (g = []));
      g.push(m);
    }
    for (const [start, g] of [...groups.entries()].sort((a, b) => a[0] - b[0])) {
      if (g.length >= 2 && start + r <= newestEnd) return g;
    }
  }
  return null;
}
