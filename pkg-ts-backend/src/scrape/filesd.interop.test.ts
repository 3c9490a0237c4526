// The built flint server scrapes targets listed in a file_sd file; rewriting the file adds and
// removes targets. A removed target's series must disappear from instant queries within one
// scrape interval of the target leaving /api/v1/targets while its samples are still inside the
// 5m lookback window: only a staleness marker can hide them that fast.
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { FLINT_BIN, freePort, instantQuery, Peer, startPeer, waitFor } from '../testutil/peers';

const SCRAPE_INTERVAL_MS = 1000;

interface ActiveTarget {
  labels: Record<string, string>;
  health: string;
}

async function activeInstances(base: string): Promise<string[]> {
  const res = await fetch(`${base}/api/v1/targets?state=active`);
  const body = (await res.json()) as { data: { activeTargets: ActiveTarget[] } };
  return body.data.activeTargets
    .filter((t) => t.labels.job === 'files')
    .map((t) => t.labels.instance)
    .sort();
}

async function serveValue(value: number): Promise<{ server: http.Server; address: string }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(`# TYPE filesd_value gauge\nfilesd_value ${value}\n`);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}

(fs.existsSync(FLINT_BIN) ? describe : describe.skip)('file_sd changes add and remove scrape targets', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-filesd-interop-'));
  const sdFile = path.join(dir, 'targets.json');
  const targets: Array<{ server: http.Server; address: string }> = [];
  let flint: Peer;
  let base = '';

  /** Replaces the file in one step, as configuration tools do, so flint never reads half of it. */
  function writeTargets(addresses: string[]): void {
    const tmp = `${sdFile}.tmp`;
    fs.writeFileSync(tmp, JSON.stringify([{ targets: addresses, labels: { source: 'file' } }]));
    fs.renameSync(tmp, sdFile);
  }

  const instantFor = async (query: string, address: string) =>
    (await instantQuery(base, query)).filter((s) => s.metric.instance === address);

  beforeAll(async () => {
    for (const v of [1, 2, 3]) targets.push(await serveValue(v));
    writeTargets([targets[0].address, targets[1].address]);
    fs.writeFileSync(
      path.join(dir, 'flint.yml'),
      `global: {scrape_interval: ${SCRAPE_INTERVAL_MS}ms, scrape_timeout: ${SCRAPE_INTERVAL_MS}ms}
scrape_configs:
  - job_name: files
    file_sd_configs: [{files: ['${sdFile}'], refresh_interval: 1s}]
`
    );
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    flint = startPeer(process.execPath, [
      FLINT_BIN,
      `--config.file=${path.join(dir, 'flint.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
    ]);
  }, 10_000);

  afterAll(async () => {
    await flint?.stop();
    for (const t of targets) {
      t.server.closeAllConnections();
      await new Promise((r) => t.server.close(r));
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('added targets are scraped; removed targets go stale at once', async () => {
    const [a, b, c] = targets.map((t) => t.address);
    const upOf = async (address: string) => (await instantFor('up{job="files"}', address))[0]?.value[1];
    await waitFor(
      'both first targets up',
      async () => ((await upOf(a)) === '1' && (await upOf(b)) === '1' ? true : undefined),
      15_000
    );
    expect((await instantFor('filesd_value', b))[0]?.metric).toEqual({
      __name__: 'filesd_value',
      instance: b,
      job: 'files',
      source: 'file',
    });

    writeTargets([a, c]);
    await waitFor(
      'b replaced by c in /api/v1/targets',
      async () => {
        const now = await activeInstances(base);
        return JSON.stringify(now) === JSON.stringify([a, c].sort()) ? true : undefined;
      },
      15_000
    );
    // From here at most one scrape interval for b to vanish.
    await waitFor(
      "b's series gone from instant queries",
      async () =>
        (await instantFor('up', b)).length === 0 && (await instantFor('filesd_value', b)).length === 0
          ? true
          : undefined,
      SCRAPE_INTERVAL_MS
    );
    // Its samples are still well inside the lookback window: they were hidden by stale markers.
    const stored = await instantFor('count_over_time(filesd_value[1m])', b);
    expect(Number(stored[0]?.value[1])).toBeGreaterThan(0);
    expect((await instantFor('count_over_time(up[1m])', b)).length).toBe(1);

    await waitFor('c scraped', async () => ((await upOf(c)) === '1' ? true : undefined), 10_000);
    expect((await instantFor('filesd_value', c))[0]?.value[1]).toBe('3');
    expect((await instantFor('filesd_value', a))[0]?.value[1]).toBe('1');

    // Emptying the file ends every target; putting b back brings its series back.
    writeTargets([]);
    await waitFor(
      'no targets left',
      async () => ((await activeInstances(base)).length === 0 ? true : undefined),
      15_000
    );
    await waitFor(
      'a and c stale',
      async () => ((await instantQuery(base, '{job="files"}')).length === 0 ? true : undefined),
      SCRAPE_INTERVAL_MS
    );
    writeTargets([b]);
    await waitFor('b up again', async () => ((await upOf(b)) === '1' ? true : undefined), 15_000);
    expect((await instantFor('filesd_value', b))[0]?.value[1]).toBe('2');
    expect(await instantFor('up', a)).toEqual([]);
  }, 55_000);
});
