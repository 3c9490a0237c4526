// Out-of-order samples through the whole database: the WAL, checkpoints, head cuts into blocks.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Labels, labelsFromRecord } from '../model/labels';
import { Matcher } from '../model/matcher';
import { registry } from '../util/metrics';
import { TSDB, TSDBOptions } from './db';

const M: Labels = labelsFromRecord({ __name__: 'm' });
const OPTS: Partial<TSDBOptions> = {
  minBlockDurationMs: 1000,
  maxBlockDurationMs: 9000,
  retentionTimeMs: 0,
  outOfOrderTimeWindowMs: 5000,
};

function times(db: TSDB, mint = -Infinity, maxt = Infinity): number[] {
  const q = db.querier(mint, maxt);
  const out: number[] = [];
  for (const s of q.select(false, undefined, [new Matcher('=', '__name__', 'm')])) {
    const it = s.iterator();
    while (it.next()) {
      expect(it.v()).toBe(it.t() / 10);
      out.push(it.t());
    }
  }
  q.close();
  return out;
}

async function append(db: TSDB, ts: number[]): Promise<void> {
  const app = db.appender();
  for (const t of ts) app.append(0, M, t, t / 10);
  await app.commit();
}

function range(from: number, to: number, step: number): number[] {
  const out: number[] = [];
  for (let t = from; t < to; t += step) out.push(t);
  return out;
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-tsdb-ooo-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('TSDB out-of-order ingestion', () => {
  it('replays out-of-order samples from the WAL after a restart', async () => {
    let db = await TSDB.open(dir, OPTS);
    await append(db, [100, 400, 500]);
    await append(db, [300, 200]);
    await append(db, [600, 250]);
    expect(times(db)).toEqual([100, 200, 250, 300, 400, 500, 600]);
    await db.close();
    db = await TSDB.open(dir, OPTS);
    expect(times(db)).toEqual([100, 200, 250, 300, 400, 500, 600]);
    await append(db, [350]);
    expect(() => db.appender().append(0, M, 300, 1)).toThrow('duplicate sample for timestamp');
    await db.close();
    db = await TSDB.open(dir, OPTS);
    expect(times(db)).toEqual([100, 200, 250, 300, 350, 400, 500, 600]);
    await db.close();
  });

  it('writes out-of-order samples into the block cut from the head, and keeps the rest through the checkpoint', async () => {
    let db = await TSDB.open(dir, OPTS);
    // Up to 1.5 block lengths: no head cut starts yet.
    await append(db, range(100, 1600, 100));
    await append(db, [0, 50, 150, 950, 1050]);
    // Then one commit that makes the head cuttable, with out-of-order samples of its own.
    await append(db, [...range(1600, 3000, 100), 2050, 2850]);
    const all = [...range(0, 3000, 100), 50, 150, 950, 1050, 2050, 2850].sort((a, b) => a - b);
    expect(times(db)).toEqual(all);
    await db.compact();
    const blocks = db.blocks();
    expect(blocks.map((b) => [b.minTime, b.maxTime])).toEqual([
      [0, 1000],
      [1000, 2000],
    ]);
    expect(blocks.map((b) => b.stats.numSamples)).toEqual([10 + 3, 10 + 1]);
    expect(db.head.outOfOrderCount(db.head.getOrCreate(M))).toBe(2);
    expect(times(db)).toEqual(all);
    expect(fs.readdirSync(path.join(dir, 'wal')).some((n) => n.startsWith('checkpoint.'))).toBe(true);
    // The block's range is closed to out-of-order samples, even within the window.
    expect(() => db.appender().append(0, M, 1975, 197.5)).toThrow('out of bounds');
    await append(db, [2075]);
    all.push(2075);
    all.sort((a, b) => a - b);
    await db.close();
    db = await TSDB.open(dir, OPTS);
    expect(times(db)).toEqual(all);
    expect(times(db, 1000, 1100)).toEqual([1000, 1050, 1100]);
    await db.close();
  });

  it('follows a reloaded window and counts out-of-order samples', async () => {
    const db = await TSDB.open(dir, { ...OPTS, outOfOrderTimeWindowMs: 0 });
    await append(db, [1000, 2000]);
    expect(() => db.appender().append(0, M, 1500, 150)).toThrow('out of order sample');
    const metric = registry.getSingleMetric('flint_tsdb_head_out_of_order_samples_appended_total')!;
    const before = (await metric.get()).values.find((v) => v.labels.type === 'float')?.value ?? 0;
    db.setOutOfOrderTimeWindow(600);
    await append(db, [1500]);
    expect(() => db.appender().append(0, M, 1300, 130)).toThrow('too old sample');
    const after = (await metric.get()).values.find((v) => v.labels.type === 'float')?.value ?? 0;
    expect(after - before).toBe(1);
    expect(times(db)).toEqual([1000, 1500, 2000]);
    await db.close();
  });
});
