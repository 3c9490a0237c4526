import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Matcher } from '../model/matcher';
import { MemoryStorage } from '../storage/memory';
import { formatBase2Bytes, storageRetention } from './status';
import { baseDeps, getJSON, postForm, startApiServer, TestServer } from './testing/server';
import type { TsdbAdmin, TsdbStatus } from './types';

class FakeTsdb implements TsdbAdmin {
  deletes: Array<{ matchers: string[]; mint: number; maxt: number }> = [];
  cleaned = 0;
  snapshots: Array<{ dir: string; withHead: boolean }> = [];
  statusLimit = 0;

  status(limit: number): TsdbStatus {
    this.statusLimit = limit;
    return {
      headStats: { numSeries: 3, numLabelPairs: 5, chunkCount: 4, minTime: 1000, maxTime: 2000 },
      seriesCountByMetricName: [{ name: 'up', value: 2 }].slice(0, limit),
      labelValueCountByLabelName: [],
      memoryInBytesByLabelName: [],
      seriesCountByLabelValuePair: [],
    };
  }
  walReplayStatus() {
    return { min: 0, max: 3, current: 3 };
  }
  async deleteSeries(matchers: readonly Matcher[], mint: number, maxt: number) {
    this.deletes.push({ matchers: matchers.map(String), mint, maxt });
  }
  async cleanTombstones() {
    this.cleaned++;
  }
  async snapshot(dir: string, withHead: boolean) {
    this.snapshots.push({ dir, withHead });
  }
}

describe('/api/v1/status/* and /admin/tsdb/*', () => {
  let server: TestServer;
  let disabled: TestServer;
  let noTsdb: TestServer;
  const tsdb = new FakeTsdb();
  const dataDir = mkdtempSync(join(tmpdir(), 'flint-api-'));

  beforeAll(async () => {
    const storage = new MemoryStorage();
    server = await startApiServer(baseDeps(storage, { tsdb, enableAdminApi: true, retentionTimeMs: 14 * 86_400_000, storagePath: dataDir, now: () => Date.UTC(2024, 4, 6, 7, 8, 9) }));
    disabled = await startApiServer(baseDeps(storage, { tsdb }));
    noTsdb = await startApiServer(baseDeps(storage, { enableAdminApi: true }));
  });
  afterAll(async () => {
    await Promise.all([server.close(), disabled.close(), noTsdb.close()]);
    rmSync(dataDir, { recursive: true, force: true });
  });

  it('config, flags, buildinfo', async () => {
    expect((await getJSON(server.base, '/api/v1/status/config')).body).toEqual({ status: 'success', data: { yaml: 'global:\n  scrape_interval: 15s\n' } });
    expect((await getJSON(server.base, '/api/v1/status/flags')).body.data).toEqual({ 'web.enable-admin-api': 'false', 'query.lookback-delta': '5m' });
    const build = (await getJSON(server.base, '/api/v1/status/buildinfo')).body.data as Record<string, string>;
    expect(build.version).toMatch(/^3\.\d+\.\d+$/);
    expect(build).toMatchObject({ revision: 'abc', branch: 'main', flintVersion: '0.1.0' });
  });

  it('runtimeinfo', async () => {
    const info = (await getJSON(server.base, '/api/v1/status/runtimeinfo')).body.data as Record<string, unknown>;
    expect(info).toMatchObject({
      startTime: '2024-01-01T00:00:00Z',
      CWD: process.cwd(),
      reloadConfigSuccess: true,
      lastConfigTime: '2024-01-01T00:00:00Z',
      corruptionCount: 0,
      storageRetention: '2w',
    });
    expect(info.GOMAXPROCS).toBeGreaterThan(0);
  });

  it('formats retention like Prometheus', () => {
    expect(formatBase2Bytes(512 * 1024 ** 2)).toBe('512MiB');
    expect(formatBase2Bytes(1.5 * 1024 ** 3)).toBe('1GiB512MiB');
    expect(storageRetention(14 * 86_400_000, 1024 ** 3)).toBe('2w or 1GiB');
    expect(storageRetention(0, 512 * 1024 ** 2)).toBe('512MiB');
  });

  it('tsdb status with limit, walreplay', async () => {
    const r = await getJSON(server.base, '/api/v1/status/tsdb?limit=1');
    expect(tsdb.statusLimit).toBe(1);
    expect((r.body.data as TsdbStatus).headStats.numSeries).toBe(3);
    await getJSON(server.base, '/api/v1/status/tsdb');
    expect(tsdb.statusLimit).toBe(10);
    const bad = await getJSON(server.base, '/api/v1/status/tsdb?limit=0');
    expect(bad.body).toEqual({ status: 'error', errorType: 'bad_data', error: 'limit must be a positive number' });
    expect((await getJSON(server.base, '/api/v1/status/walreplay')).body.data).toEqual({ min: 0, max: 3, current: 3 });
    const notReady = await getJSON(noTsdb.base, '/api/v1/status/tsdb');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toEqual({ status: 'error', errorType: 'unavailable', error: 'TSDB not ready' });
  });

  it('refuses admin calls unless enabled', async () => {
    for (const path of ['delete_series?match[]=up', 'clean_tombstones', 'snapshot']) {
      const r = await getJSON(disabled.base, `/api/v1/admin/tsdb/${path}`, { method: 'POST' });
      expect(r.status).toBe(503);
      expect(r.body).toEqual({ status: 'error', errorType: 'unavailable', error: 'admin APIs disabled' });
    }
    expect(tsdb.deletes).toEqual([]);
  });

  it('delete_series: 204, every match[] with the time range', async () => {
    const res = await fetch(`${server.base}/api/v1/admin/tsdb/delete_series?match[]=up&match[]=${encodeURIComponent('{job="x"}')}&start=1&end=2`, { method: 'PUT' });
    expect(res.status).toBe(204);
    expect(await res.text()).toBe('');
    expect(tsdb.deletes).toEqual([
      { matchers: ['__name__="up"'], mint: 1000, maxt: 2000 },
      { matchers: ['job="x"'], mint: 1000, maxt: 2000 },
    ]);
    const missing = await postForm(server.base, '/api/v1/admin/tsdb/delete_series', []);
    expect(missing.body.error).toBe('no match[] parameter provided');
  });

  it('clean_tombstones: 204', async () => {
    const res = await fetch(`${server.base}/api/v1/admin/tsdb/clean_tombstones`, { method: 'POST' });
    expect(res.status).toBe(204);
    expect(tsdb.cleaned).toBe(1);
  });

  it('snapshot: named by time and random hex, under <storage>/snapshots', async () => {
    const r = await postForm(server.base, '/api/v1/admin/tsdb/snapshot', [['skip_head', 'true']]);
    const name = (r.body.data as { name: string }).name;
    expect(name).toMatch(/^20240506T070809Z-[0-9a-f]{16}$/);
    expect(tsdb.snapshots).toEqual([{ dir: join(dataDir, 'snapshots', name), withHead: false }]);
    expect(existsSync(join(dataDir, 'snapshots', name))).toBe(true);
    const bad = await postForm(server.base, '/api/v1/admin/tsdb/snapshot', [['skip_head', 'nah']]);
    expect(bad.body.error).toBe('invalid parameter "skip_head": unable to parse boolean: strconv.ParseBool: parsing "nah": invalid syntax');
  });

  it('answers OPTIONS with 204 and unknown API paths with 404', async () => {
    expect((await fetch(`${server.base}/api/v1/query`, { method: 'OPTIONS' })).status).toBe(204);
    expect((await fetch(`${server.base}/api/v1/nope`)).status).toBe(404);
  });
});

describe('readiness', () => {
  it('answers 503 while the server is not ready', async () => {
    let ready = false;
    const s = await startApiServer(baseDeps(new MemoryStorage(), { ready: () => ready }));
    try {
      const r = await fetch(`${s.base}/api/v1/labels`);
      expect(r.status).toBe(503);
      expect((await fetch(`${s.base}/federate?match[]=up`)).status).toBe(503);
      ready = true;
      expect((await fetch(`${s.base}/api/v1/labels`)).status).toBe(200);
      expect((await fetch(`${s.base}/federate?match[]=up`)).status).toBe(200);
    } finally {
      await s.close();
    }
  });
});
