// Background work (head cuts, merges, checkpoints) runs in slices: the event loop keeps
// turning while a large block is written, and appends and queries made meanwhile see each
// sample exactly once. `workSliceMs: 0` yields at every step, which makes the interleaving
// deterministic instead of dependent on the machine's speed.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { setImmediate as nextTurn, setTimeout as sleep } from 'node:timers/promises';
import { Labels, labelsFromRecord } from '../model/labels';
import { Matcher } from '../model/matcher';
import { TSDB, TSDBOptions } from './db';

const OPTS: Partial<TSDBOptions> = {
  minBlockDurationMs: 1000,
  maxBlockDurationMs: 3000,
  retentionTimeMs: 0,
  walFsync: 'interval',
  workSliceMs: 0,
};
const STEP = 100;

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-tsdb-bg-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

function seriesLabels(n: number): Labels[] {
  return Array.from({ length: n }, (_, i) => labelsFromRecord({ __name__: `m${i % 7}`, i: String(i) }));
}

/** Appends one sample at `t` to every series in one commit. */
async function appendAll(db: TSDB, labels: readonly Labels[], t: number): Promise<void> {
  const app = db.appender();
  for (let i = 0; i < labels.length; i++) app.append(0, labels[i], t, t + i);
  await app.commit();
}

/** Timestamps per series label `i`, checking each sample's value on the way. */
function readAll(db: TSDB): Map<string, number[]> {
  const q = db.querier(-Infinity, Infinity);
  const out = new Map<string, number[]>();
  for (const s of q.select(false, undefined, [new Matcher('=~', 'i', '.+')])) {
    const i = Number(s.labels.find((l) => l.name === 'i')!.value);
    const it = s.iterator();
    const ts: number[] = [];
    while (it.next()) {
      if (it.v() !== it.t() + i) throw new Error(`series ${i} at ${it.t()} holds ${it.v()}`);
      ts.push(it.t());
    }
    out.set(String(i), ts);
  }
  q.close();
  return out;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t += STEP) out.push(t);
  return out;
}

/**
 * Runs `fn`, then waits for the next event-loop turn (or `delayMs` on a timer), until `done`
 * settles; returns the number of rounds.
 */
async function whileRunning(done: Promise<unknown>, fn: () => Promise<void> | void, delayMs = 0): Promise<number> {
  let settled = false;
  void done.then(
    () => (settled = true),
    () => (settled = true)
  );
  let turns = 0;
  while (!settled) {
    await fn();
    await (delayMs > 0 ? sleep(delayMs) : nextTurn());
    turns++;
  }
  await done;
  return turns;
}

describe('TSDB background work', () => {
  it('lets the event loop turn many times while a large head block is written', async () => {
    const db = await TSDB.open(dir, OPTS);
    const labels = seriesLabels(1000);
    for (let t = 0; t < 1700; t += STEP) await appendAll(db, labels, t);
    const turns = await whileRunning(db.compact(), () => undefined);
    expect(db.blocks()).toHaveLength(1);
    expect(db.blocks()[0].stats.numSeries).toBe(1000);
    // A cut that held the loop would let no turn through; sliced, it yields between series.
    expect(turns).toBeGreaterThan(500);
    await db.close();
  }, 20_000);

  it('sees every sample exactly once while appends, queries and a deletion run during compaction', async () => {
    const db = await TSDB.open(dir, OPTS);
    const labels = seriesLabels(60);
    let next = 0;
    for (; next < 2900; next += STEP) await appendAll(db, labels, next);
    await db.compact();
    const first = db.blocks().length;
    expect(first).toBeGreaterThan(0);
    for (; next < 4100; next += STEP) await appendAll(db, labels, next);
    // Another head cut, then a merge of three 1 s blocks into a 3 s one, all while appending.
    let checks = 0;
    let deleted = false;
    const turns = await whileRunning(db.compact(), async () => {
      // Appends stop at some point: a head that outgrows the block length as fast as blocks are
      // cut keeps the compaction going.
      if (next < 4800) {
        await appendAll(db, labels, next);
        next += STEP;
      }
      if (!deleted && checks === 20) {
        await db.deleteSeries([new Matcher('=', 'i', '7')], 0, 2500);
        deleted = true;
      }
      const seen = readAll(db);
      const wrong: string[] = [];
      for (const [i, ts] of seen) {
        const want = range(deleted && i === '7' ? 2600 : 0, next);
        if (ts.join() !== want.join()) wrong.push(`series ${i}: ${ts.join()}`);
      }
      expect(seen.size).toBe(labels.length);
      expect(wrong).toEqual([]);
      checks++;
    }, 1);
    expect(turns).toBeGreaterThan(20);
    expect(db.blocks().some((b) => b.compaction.level > 1)).toBe(true);
    expect(db.head.minT()).toBeGreaterThanOrEqual(3000);
    const after = readAll(db);
    expect(after.get('7')).toEqual(range(2600, next));
    expect(after.get('8')).toEqual(range(0, next));
    await db.close();
    const again = await TSDB.open(dir, OPTS);
    expect(readAll(again)).toEqual(after);
    await again.close();
  }, 20_000);

  it('discards an unfinished block when closed mid-write and keeps the data in the WAL', async () => {
    let db = await TSDB.open(dir, OPTS);
    const labels = seriesLabels(500);
    for (let t = 0; t < 1700; t += STEP) await appendAll(db, labels, t);
    const compaction = db.compact();
    for (let i = 0; i < 20; i++) await nextTurn();
    await db.close();
    await compaction;
    expect(fs.readdirSync(dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    db = await TSDB.open(dir, OPTS);
    expect(db.blocks()).toEqual([]);
    const seen = readAll(db);
    expect(seen.size).toBe(500);
    for (const ts of seen.values()) expect(ts).toEqual(range(0, 1700));
    await db.close();
  }, 20_000);
});
