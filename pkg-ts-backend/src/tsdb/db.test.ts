import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Labels, labelsFromRecord } from '../model/labels';
import { Matcher } from '../model/matcher';
import { float64Bits, STALE_NAN } from '../model/value';
import type { Querier } from '../storage/interface';
import { createLogger } from '../util/log';
import { TSDB, TSDBOptions } from './db';
import { listSegments, segmentName } from './wal/segment';

const L = (rec: Record<string, string>): Labels => labelsFromRecord(rec);

function dump(q: Querier, ...ms: Matcher[]): Record<string, [number, number][]> {
  const out: Record<string, [number, number][]> = {};
  for (const s of q.select(true, undefined, ms.length ? ms : [new Matcher('=~', '__name__', '.+')])) {
    const it = s.iterator();
    const pts: [number, number][] = [];
    while (it.next()) pts.push([it.t(), it.v()]);
    if (pts.length) out[JSON.stringify(s.labels)] = pts;
  }
  q.close();
  return out;
}

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-tsdb-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const SMALL: Partial<TSDBOptions> = { minBlockDurationMs: 1000, maxBlockDurationMs: 9000, retentionTimeMs: 0 };

async function fill(db: TSDB, from: number, to: number, step: number, series = 3): Promise<void> {
  for (let t = from; t < to; t += step) {
    const app = db.appender();
    for (let i = 0; i < series; i++) app.append(0, L({ __name__: 'm', i: String(i) }), t, t / 10 + i);
    await app.commit();
  }
}

describe('TSDB', () => {
  it('replays committed samples from the WAL after a restart, stale markers bit-exact', async () => {
    let db = await TSDB.open(dir);
    const app = db.appender();
    app.append(0, L({ __name__: 'up', job: 'a' }), 1000, 1);
    app.append(0, L({ __name__: 'up', job: 'a' }), 2000, STALE_NAN);
    app.append(0, L({ __name__: 'up', job: 'b' }), 1000, 3);
    await app.commit();
    const pending = db.appender();
    pending.append(0, L({ __name__: 'up', job: 'c' }), 1000, 1);
    await db.close();
    db = await TSDB.open(dir);
    const data = dump(db.querier(0, 10_000));
    expect(Object.keys(data)).toHaveLength(2);
    const a = data[JSON.stringify(L({ __name__: 'up', job: 'a' }))];
    expect(a[0]).toEqual([1000, 1]);
    const it = db
      .querier(0, 10_000)
      .select(false, undefined, [new Matcher('=', 'job', 'a')])[0]
      .iterator();
    expect(it.seek(2000)).toBe(true);
    expect(float64Bits(it.v())).toEqual([0x7ff00000, 2]);
    expect(db.walReplayStatus().max).toBeGreaterThanOrEqual(0);
    const again = db.appender();
    expect(() => again.append(0, L({ __name__: 'up', job: 'b' }), 1000, 4)).toThrow('duplicate sample for timestamp');
    await db.close();
  });

  it('repairs a torn WAL tail and keeps everything before it', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'warn', write: (l) => lines.push(l) });
    let db = await TSDB.open(dir, { logger });
    await fill(db, 0, 10_000, 1000);
    await db.close();
    const walDir = path.join(dir, 'wal');
    const last = listSegments(walDir).pop()!;
    const file = path.join(walDir, segmentName(last));
    const size = fs.statSync(file).size;
    fs.truncateSync(file, size - 5);
    fs.appendFileSync(file, Buffer.from([2, 200, 0, 0, 0, 1, 2, 3]));
    db = await TSDB.open(dir, { logger });
    const data = dump(db.querier(0, 100_000));
    expect(data[JSON.stringify(L({ __name__: 'm', i: '0' }))].length).toBe(9);
    expect(lines.join('')).toMatch(/WAL corruption detected.*segment=\d{8}.*offset=\d+/);
    await fill(db, 10_000, 12_000, 1000);
    await db.close();
    db = await TSDB.open(dir, { logger });
    expect(dump(db.querier(0, 100_000))[JSON.stringify(L({ __name__: 'm', i: '2' }))].map(([t]) => t)).toEqual([
      0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 10_000, 11_000,
    ]);
    await db.close();
  });

  it('cuts the head into blocks, merges them, checkpoints the WAL and reads it all back', async () => {
    let db = await TSDB.open(dir, SMALL);
    await fill(db, 0, 20_000, 100);
    await db.compact();
    const blocks = db.blocks();
    expect(blocks.length).toBeGreaterThan(0);
    expect(blocks.some((b) => b.compaction.level > 1)).toBe(true);
    for (let i = 1; i < blocks.length; i++) expect(blocks[i].minTime).toBeGreaterThanOrEqual(blocks[i - 1].maxTime);
    expect(fs.readdirSync(path.join(dir, 'wal')).some((n) => n.startsWith('checkpoint.'))).toBe(true);
    const before = dump(db.querier(0, 100_000));
    expect(before[JSON.stringify(L({ __name__: 'm', i: '1' }))]).toHaveLength(200);
    await db.close();
    db = await TSDB.open(dir, SMALL);
    expect(dump(db.querier(0, 100_000))).toEqual(before);
    expect(dump(db.querier(5050, 5250))[JSON.stringify(L({ __name__: 'm', i: '0' }))].map(([t]) => t)).toEqual([
      5100, 5200,
    ]);
    expect(db.querier(0, 100_000).labelValues('i')).toEqual(['0', '1', '2']);
    await db.close();
  });

  it('rejects samples older than the head allows', async () => {
    const db = await TSDB.open(dir, SMALL);
    await fill(db, 0, 5000, 100, 1);
    await db.compact();
    const app = db.appender();
    expect(() => app.append(0, L({ __name__: 'm', i: '0' }), 100, 1)).toThrow('out of bounds');
    await db.close();
  });

  it('drops blocks beyond time and size retention', async () => {
    let db = await TSDB.open(dir, { ...SMALL, maxBlockDurationMs: 1000, retentionTimeMs: 5000 });
    await fill(db, 0, 20_000, 100);
    await db.compact();
    expect(Math.min(...db.blocks().map((b) => b.minTime))).toBeGreaterThanOrEqual(20_000 - 5000 - 3000);
    await db.close();
    db = await TSDB.open(dir, { ...SMALL, maxBlockDurationMs: 1000, retentionSizeBytes: 1 });
    await db.compact();
    expect(db.blocks()).toHaveLength(0);
    await db.close();
  });

  it('deletes series ranges in head and blocks, survives restarts, and cleans tombstones', async () => {
    let db = await TSDB.open(dir, SMALL);
    await fill(db, 0, 6000, 100);
    await db.compact();
    await db.deleteSeries([new Matcher('=', 'i', '1')], 500, 5500);
    const check = (data: Record<string, [number, number][]>): void => {
      const ts = data[JSON.stringify(L({ __name__: 'm', i: '1' }))].map(([t]) => t);
      expect(ts.filter((t) => t >= 500 && t <= 5500)).toEqual([]);
      expect(ts).toContain(400);
      expect(ts).toContain(5600);
      expect(data[JSON.stringify(L({ __name__: 'm', i: '0' }))]).toHaveLength(60);
    };
    check(dump(db.querier(0, 100_000)));
    await db.close();
    db = await TSDB.open(dir, SMALL);
    check(dump(db.querier(0, 100_000)));
    const before = db.blocks().map((b) => b.ulid);
    await db.cleanTombstones();
    expect(db.blocks().map((b) => b.ulid)).not.toEqual(before);
    expect(db.blocks().every((b) => b.stats.numTombstones === 0)).toBe(true);
    check(dump(db.querier(0, 100_000)));
    await db.close();
  });

  it('takes snapshots that open as a database of their own', async () => {
    const db = await TSDB.open(dir, SMALL);
    await fill(db, 0, 4000, 100);
    await db.compact();
    const all = dump(db.querier(0, 100_000));
    const snap = path.join(dir, 'snapshots', 'x');
    await db.snapshot(snap, true);
    await db.close();
    const copy = await TSDB.open(snap, SMALL);
    expect(dump(copy.querier(0, 100_000))).toEqual(all);
    await copy.close();
  });

  it('skips a corrupt block and reports it', async () => {
    let db = await TSDB.open(dir, SMALL);
    await fill(db, 0, 4000, 100);
    await db.compact();
    const ulid = db.blocks()[0].ulid;
    await db.close();
    const index = path.join(dir, ulid, 'index');
    const data = fs.readFileSync(index);
    data[20] ^= 0xff;
    fs.writeFileSync(index, data);
    const lines: string[] = [];
    db = await TSDB.open(dir, { ...SMALL, logger: createLogger({ write: (l) => lines.push(l) }) });
    expect(db.blocks().map((b) => b.ulid)).not.toContain(ulid);
    expect(lines.join('')).toContain('Skipping unreadable block');
    await db.close();
  });

  it('reports head statistics in the shape of the status API', async () => {
    const db = await TSDB.open(dir);
    expect(JSON.stringify(db.status().headStats)).toBe(
      '{"numSeries":0,"numLabelPairs":0,"chunkCount":0,"minTime":9223372036854776000,"maxTime":-9223372036854776000}'
    );
    await fill(db, 0, 3000, 1000);
    const st = db.status(2);
    expect(st.headStats).toEqual({ numSeries: 3, numLabelPairs: 4, chunkCount: 3, minTime: 0, maxTime: 2000 });
    expect(st.seriesCountByMetricName).toEqual([{ name: 'm', value: 3 }]);
    expect(st.labelValueCountByLabelName).toEqual([
      { name: 'i', value: 3 },
      { name: '__name__', value: 1 },
    ]);
    expect(st.seriesCountByLabelValuePair[0]).toEqual({ name: '__name__=m', value: 3 });
    expect(st.memoryInBytesByLabelName).toEqual([
      { name: 'i', value: 3 },
      { name: '__name__', value: 1 },
    ]);
    await db.close();
  });

  it('refuses a directory another live process holds and takes over a stale lock', async () => {
    const db = await TSDB.open(dir);
    await expect(TSDB.open(dir)).rejects.toThrow(/in use by process/);
    await db.close();
    fs.writeFileSync(path.join(dir, 'lock'), '999999999');
    const again = await TSDB.open(dir);
    await again.close();
  });

  it('lets an open querier finish reading a block that was replaced meanwhile', async () => {
    const db = await TSDB.open(dir, SMALL);
    await fill(db, 0, 2500, 100, 2);
    await db.compact();
    const [oldBlock] = db.blocks();
    const q = db.querier(0, 100_000);
    const series = q.select(true, undefined, [new Matcher('=', 'i', '0')]);
    await db.deleteSeries([new Matcher('=', 'i', '1')], 0, 100_000);
    await db.cleanTombstones();
    expect(db.blocks().map((b) => b.ulid)).not.toContain(oldBlock.ulid);
    expect(fs.existsSync(path.join(dir, oldBlock.ulid))).toBe(false);
    const it = series[0].iterator();
    let n = 0;
    while (it.next()) n++;
    expect(n).toBe(25);
    q.close();
    await db.close();
  });
});
