// flint reads through remote_read from Prometheus 2.42: series only Prometheus scraped become
// queryable in flint, merged with flint's own.
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import {
  FLINT_BIN,
  freePort,
  instantQuery,
  Peer,
  PROMETHEUS_BIN,
  startPeer,
  startTextTarget,
  waitFor,
} from '../../testutil/peers';

(fs.existsSync(PROMETHEUS_BIN) ? describe : describe.skip)('remote_read from Prometheus 2.42', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-rr-interop-'));
  let target: http.Server;
  let flint: Peer;
  let prom: Peer;
  let flintBase: string;
  let promBase: string;

  beforeAll(async () => {
    let targetAddr: string;
    ({ server: target, address: targetAddr } = await startTextTarget(
      'rr_interop_value{k="a"} 7\nrr_interop_value{k="b"} 8\n'
    ));
    const [flintPort, promPort] = [await freePort(), await freePort()];
    flintBase = `http://127.0.0.1:${flintPort}`;
    promBase = `http://127.0.0.1:${promPort}`;
    fs.writeFileSync(
      path.join(dir, 'prom.yml'),
      `global: {scrape_interval: 1s, scrape_timeout: 1s}\nscrape_configs:\n  - job_name: only_prom\n    static_configs: [{targets: ['${targetAddr}']}]\n`
    );
    fs.writeFileSync(
      path.join(dir, 'flint.yml'),
      `global: {scrape_interval: 1s, scrape_timeout: 1s}\nscrape_configs:\n  - job_name: only_flint\n    static_configs: [{targets: ['${targetAddr}']}]\nremote_read:\n  - url: ${promBase}/api/v1/read\n    read_recent: true\n`
    );
    prom = startPeer(PROMETHEUS_BIN, [
      `--config.file=${path.join(dir, 'prom.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'prom-data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
    ]);
    flint = startPeer(process.execPath, [
      FLINT_BIN,
      `--config.file=${path.join(dir, 'flint.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'flint-data')}`,
      `--web.listen-address=127.0.0.1:${flintPort}`,
      '--log.level=warn',
    ]);
    await waitFor('Prometheus has scraped', async () =>
      (await instantQuery(promBase, 'rr_interop_value')).length === 2 ? true : undefined
    );
  }, 45_000);

  afterAll(async () => {
    await Promise.all([flint?.stop(), prom?.stop()]);
    target?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers with local and remote series merged', async () => {
    const got = await waitFor('both jobs in flint', async () => {
      const r = await instantQuery(flintBase, 'rr_interop_value');
      return r.length === 4 ? r : undefined;
    });
    const rows = got.map((s) => `${s.metric.job}/${s.metric.k}=${s.value[1]}`).sort();
    expect(rows).toEqual(['only_flint/a=7', 'only_flint/b=8', 'only_prom/a=7', 'only_prom/b=8']);
  }, 45_000);
});
