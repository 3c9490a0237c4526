// The API over flint's real subsystems: the TSDB (status, admin), the scrape manager, the rule
// manager and the notifier, so their shapes and the API's views cannot drift apart.
import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { labelsFromRecord } from '../model/labels';
import { Notifier } from '../notifier/notifier';
import { Engine } from '../promql/engine';
import { engineQueryFunc } from '../rules/engineQuery';
import { RuleManager } from '../rules/manager';
import { ScrapeManager } from '../scrape/manager';
import { TSDB } from '../tsdb/db';
import { createLogger } from '../util/log';
import { promqlParser } from './promqlParser';
import { baseDeps, getJSON, startApiServer, TestServer } from './testing/server';

describe('the API over the real TSDB, scrape manager and rule manager', () => {
  const dir = mkdtempSync(join(tmpdir(), 'flint-api-subsystems-'));
  const logger = createLogger({ write: () => undefined });
  let db: TSDB;
  let server: TestServer;

  beforeAll(async () => {
    db = await TSDB.open(join(dir, 'data'), { logger });
    const app = db.appender();
    for (const [job, v] of [
      ['api', 1],
      ['db', 0],
    ] as const) {
      for (let t = 0; t <= 60_000; t += 15_000) app.append(0, labelsFromRecord({ __name__: 'up', job, instance: `${job}:1` }), t, v);
    }
    await app.commit();
    const engine = new Engine();
    const rules = new RuleManager({
      appendable: db,
      queryable: db,
      query: engineQueryFunc(engine, db),
      logger,
      externalLabels: labelsFromRecord({}),
      externalUrl: 'http://localhost:9090',
      forOutageToleranceMs: 3_600_000,
      forGracePeriodMs: 600_000,
      resendDelayMs: 60_000,
      defaultEvaluationIntervalMs: 60_000,
    });
    const scrape = new ScrapeManager(db, { logger });
    const notifier = new Notifier({ logger, queueCapacity: 10_000, externalLabels: labelsFromRecord({}) });
    server = await startApiServer(
      baseDeps(db, { tsdb: db, scrape, rules, alertmanagers: notifier, engine, parser: promqlParser, enableAdminApi: true, storagePath: join(dir, 'data') })
    );
  });
  afterAll(async () => {
    await server.close();
    await db.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('queries the TSDB', async () => {
    const r = await getJSON(server.base, '/api/v1/query?query=up&time=60');
    expect((r.body.data as { result: unknown[] }).result).toHaveLength(2);
  });

  it('reports TSDB status and WAL replay', async () => {
    const r = await getJSON(server.base, '/api/v1/status/tsdb');
    const data = r.body.data as { headStats: { numSeries: number }; seriesCountByMetricName: unknown[] };
    expect(data.headStats.numSeries).toBe(2);
    expect(data.seriesCountByMetricName).toEqual([{ name: 'up', value: 2 }]);
    expect((await getJSON(server.base, '/api/v1/status/walreplay')).status).toBe(200);
  });

  it('lists no targets and no rules before any configuration', async () => {
    expect((await getJSON(server.base, '/api/v1/targets')).body.data).toEqual({ activeTargets: [], droppedTargets: [], droppedTargetCounts: {} });
    expect((await getJSON(server.base, '/api/v1/rules')).body.data).toEqual({ groups: [] });
    expect((await getJSON(server.base, '/api/v1/alerts')).body.data).toEqual({ alerts: [] });
    expect((await getJSON(server.base, '/api/v1/alertmanagers')).body.data).toEqual({ activeAlertmanagers: [], droppedAlertmanagers: [] });
  });

  it('snapshots the head and deletes series', async () => {
    const snap = await getJSON(server.base, '/api/v1/admin/tsdb/snapshot', { method: 'POST' });
    const name = (snap.body.data as { name: string }).name;
    expect(readdirSync(join(dir, 'data', 'snapshots', name)).length).toBe(1);

    const del = await fetch(`${server.base}/api/v1/admin/tsdb/delete_series?match[]=${encodeURIComponent('up{job="db"}')}`, { method: 'POST' });
    expect(del.status).toBe(204);
    const r = await getJSON(server.base, '/api/v1/query?query=up&time=60');
    expect((r.body.data as { result: Array<{ metric: Record<string, string> }> }).result.map((s) => s.metric.job)).toEqual(['api']);
    expect((await fetch(`${server.base}/api/v1/admin/tsdb/clean_tombstones`, { method: 'POST' })).status).toBe(204);
  });
});
