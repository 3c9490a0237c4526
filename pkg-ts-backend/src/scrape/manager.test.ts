import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { parseConfig } from '../config/load';
import { formatLabels, Labels, labelsFromRecord, labelsToRecord } from '../model/labels';
import { isStaleNaN } from '../model/value';
import { Appendable, Appender } from '../storage/interface';
import { createLogger } from '../util/log';
import { ScrapeManager } from './manager';

class RecordingStorage implements Appendable {
  samples: Array<{ series: string; t: number; v: number }> = [];
  appender(): Appender {
    const staged: Array<{ series: string; t: number; v: number }> = [];
    return {
      append: (_ref, labels: Labels, t, v) => {
        staged.push({ series: formatLabels(labels), t, v });
        return 1;
      },
      commit: async () => {
        this.samples.push(...staged);
      },
      rollback: () => {
        staged.length = 0;
      },
    };
  }
  values(series: string): number[] {
    return this.samples.filter((s) => s.series === series).map((s) => s.v);
  }
}

const servers: http.Server[] = [];
async function startServer(handler: http.RequestListener): Promise<string> {
  const s = http.createServer(handler);
  servers.push(s);
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  return `127.0.0.1:${(s.address() as AddressInfo).port}`;
}
afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise((r) => s.close(r));
  }
});

const logger = createLogger({ level: 'error', write: () => undefined });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const TEXT = { 'content-type': 'text/plain; version=0.0.4' };

function config(jobs: string[]) {
  return parseConfig(
    'scrape_configs:\n' +
      jobs
        .map(
          (j) =>
            `  - job_name: ${j}\n    scrape_interval: 100ms\n    scrape_timeout: 80ms\n    relabel_configs:\n      - {source_labels: [drop], regex: yes, action: drop}\n`
        )
        .join(''),
    'test.yml'
  );
}

async function waitFor(cond: () => boolean, ms = 10000): Promise<void> {
  const until = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > until) throw new Error('condition not met in time');
    await sleep(20);
  }
}

describe('ScrapeManager', () => {
  test('scrapes discovered targets; a hanging target does not hold up a fast one; removal writes stale markers', async () => {
    const fast = await startServer((_req, res) => {
      res.writeHead(200, TEXT);
      res.end('# HELP m A metric.\n# TYPE m gauge\nm 1\n');
    });
    const slow = await startServer(() => {
      /* never answers */
    });
    const storage = new RecordingStorage();
    const mgr = new ScrapeManager(storage, { logger });
    mgr.applyConfig(config(['a']));
    mgr.onTargetGroups(
      new Map([
        [
          'a',
          [
            {
              source: 'static/0',
              targets: [
                labelsFromRecord({ __address__: fast }),
                labelsFromRecord({ __address__: slow }),
                labelsFromRecord({ __address__: 'x:1', drop: 'yes' }),
              ],
              labels: labelsFromRecord({ env: 'test' }),
            },
          ],
        ],
      ])
    );
    await mgr.settled();
    expect(mgr.pools()).toEqual(['a']);
    const upFast = `up{env="test", instance="${fast}", job="a"}`;
    const upSlow = `up{env="test", instance="${slow}", job="a"}`;
    await waitFor(() => storage.values(upFast).length >= 4 && storage.values(upSlow).length >= 1);
    expect(storage.values(upFast).every((v) => v === 1)).toBe(true);
    expect(storage.values(upSlow)[0]).toBe(0);

    const active = mgr.activeTargets();
    expect(active).toHaveLength(2);
    const fastInfo = active.find((t) => t.scrapeUrl === `http://${fast}/metrics`);
    expect(fastInfo).toMatchObject({
      health: 'up',
      lastError: '',
      scrapePool: 'a',
      scrapeInterval: '100ms',
      scrapeTimeout: '80ms',
    });
    expect(fastInfo?.lastScrape).toBeGreaterThan(0);
    expect(labelsToRecord(fastInfo?.labels ?? [])).toEqual({ env: 'test', instance: fast, job: 'a' });
    const slowInfo = active.find((t) => t.scrapeUrl === `http://${slow}/metrics`);
    expect(slowInfo?.health).toBe('down');
    expect(slowInfo?.lastError).toContain('context deadline exceeded');
    expect(mgr.droppedTargets().map((d) => labelsToRecord(d.discoveredLabels).__address__)).toEqual(['x:1']);
    expect(mgr.droppedTargetCounts()).toEqual({ a: 1 });
    expect(mgr.metadata().get('m')).toEqual([{ type: 'gauge', help: 'A metric.', unit: '' }]);
    expect(mgr.targetMetadata().find((e) => e.metric === 'm')).toMatchObject({ type: 'gauge', help: 'A metric.' });

    // The fast target disappears from discovery: its series go stale.
    mgr.onTargetGroups(
      new Map([
        [
          'a',
          [
            {
              source: 'static/0',
              targets: [labelsFromRecord({ __address__: slow })],
              labels: labelsFromRecord({ env: 'test' }),
            },
          ],
        ],
      ])
    );
    await mgr.settled();
    expect(isStaleNaN(storage.values(`m{env="test", instance="${fast}", job="a"}`).at(-1) as number)).toBe(true);
    expect(isStaleNaN(storage.values(upFast).at(-1) as number)).toBe(true);
    expect(mgr.activeTargets()).toHaveLength(1);

    // Removing the job from the config stops its pool.
    mgr.applyConfig(config([]));
    await mgr.settled();
    expect(mgr.pools()).toEqual([]);
    await mgr.stop();
  });

  test('groups that arrive before the config are used when the pool starts; reload keeps scraping', async () => {
    let hits = 0;
    const target = await startServer((_req, res) => {
      hits++;
      res.writeHead(200, TEXT);
      res.end('x 1\n');
    });
    const storage = new RecordingStorage();
    const mgr = new ScrapeManager(storage, { logger });
    mgr.onTargetGroups(
      new Map([['b', [{ source: 's', targets: [labelsFromRecord({ __address__: target })], labels: [] }]]])
    );
    mgr.applyConfig(config(['b']));
    await mgr.settled();
    await waitFor(() => hits >= 2);
    const reloaded = parseConfig(
      `scrape_configs:\n  - job_name: b\n    scrape_interval: 50ms\n    scrape_timeout: 40ms\n`,
      'test.yml'
    );
    mgr.applyConfig(reloaded);
    await mgr.settled();
    expect(mgr.activeTargets()[0].scrapeInterval).toBe('50ms');
    const before = hits;
    await waitFor(() => hits >= before + 2);
    await mgr.stop();
    const after = hits;
    await sleep(150);
    expect(hits).toBe(after);
    // Shutdown writes no stale markers.
    expect(storage.values(`x{instance="${target}", job="b"}`).some((v) => isStaleNaN(v))).toBe(false);
  });
});
