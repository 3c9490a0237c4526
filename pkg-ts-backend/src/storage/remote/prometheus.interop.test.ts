// flint and Prometheus 2.42 scrape the same target and remote-write to each other; afterwards
// each side holds the other's series with the same values.
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

(fs.existsSync(PROMETHEUS_BIN) ? describe : describe.skip)('remote write between flint and Prometheus 2.42', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-rw-interop-'));
  let target: http.Server;
  let flint: Peer;
  let prom: Peer;
  let flintBase: string;
  let promBase: string;

  beforeAll(async () => {
    let targetAddr: string;
    ({ server: target, address: targetAddr } = await startTextTarget(
      '# TYPE rw_interop_value gauge\nrw_interop_value{k="a"} 42\nrw_interop_value{k="b"} -1.5e-7\n# TYPE rw_interop_total counter\nrw_interop_total 1234\n'
    ));
    const flintPort = await freePort();
    const promPort = await freePort();
    flintBase = `http://127.0.0.1:${flintPort}`;
    promBase = `http://127.0.0.1:${promPort}`;
    const queue = 'queue_config: {batch_send_deadline: 1s, min_backoff: 100ms, max_backoff: 1s}';
    fs.writeFileSync(
      path.join(dir, 'flint.yml'),
      `global: {scrape_interval: 1s, scrape_timeout: 1s}\nscrape_configs:\n  - job_name: via_flint\n    static_configs: [{targets: ['${targetAddr}']}]\nremote_write:\n  - url: ${promBase}/api/v1/write\n    ${queue}\n`
    );
    fs.writeFileSync(
      path.join(dir, 'prom.yml'),
      `global: {scrape_interval: 1s, scrape_timeout: 1s}\nscrape_configs:\n  - job_name: via_prometheus\n    static_configs: [{targets: ['${targetAddr}']}]\nremote_write:\n  - url: ${flintBase}/api/v1/write\n    ${queue}\n`
    );
    prom = startPeer(PROMETHEUS_BIN, [
      `--config.file=${path.join(dir, 'prom.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'prom-data')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--web.enable-remote-write-receiver',
    ]);
    flint = startPeer(process.execPath, [
      FLINT_BIN,
      `--config.file=${path.join(dir, 'flint.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'flint-data')}`,
      `--web.listen-address=127.0.0.1:${flintPort}`,
      '--web.enable-remote-write-receiver',
      '--log.level=warn',
    ]);
  }, 30_000);

  afterAll(async () => {
    await Promise.all([flint?.stop(), prom?.stop()]);
    target?.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const byK = (xs: { metric: Record<string, string>; value: [number, string] }[]) =>
    Object.fromEntries(xs.map((s) => [`${s.metric.__name__}/${s.metric.k ?? ''}/${s.metric.job}`, s.value[1]]));

  it('Prometheus receives what flint scraped', async () => {
    const got = await waitFor(
      'flint samples in Prometheus',
      async () => {
        const r = byK(await instantQuery(promBase, '{job="via_flint", __name__=~"rw_interop_.*"}'));
        return Object.keys(r).length === 3 ? r : undefined;
      },
      45_000
    );
    expect(got).toEqual({
      'rw_interop_value/a/via_flint': '42',
      'rw_interop_value/b/via_flint': '-1.5e-07',
      'rw_interop_total//via_flint': '1234',
    });
  }, 60_000);

  it('flint receives what Prometheus scraped', async () => {
    const got = await waitFor(
      'Prometheus samples in flint',
      async () => {
        const r = byK(await instantQuery(flintBase, '{job="via_prometheus", __name__=~"rw_interop_.*"}'));
        return Object.keys(r).length === 3 ? r : undefined;
      },
      45_000
    );
    expect(got).toEqual({
      'rw_interop_value/a/via_prometheus': '42',
      'rw_interop_value/b/via_prometheus': '-1.5e-07',
      'rw_interop_total//via_prometheus': '1234',
    });
  }, 60_000);

  it('both sides agree on the up series of both jobs', async () => {
    const q = 'up{job=~"via_.*"}';
    const fromFlint = await waitFor('both up series in flint', async () => {
      const r = byK(await instantQuery(flintBase, q));
      return Object.keys(r).length === 2 ? r : undefined;
    });
    const fromProm = await waitFor('both up series in Prometheus', async () => {
      const r = byK(await instantQuery(promBase, q));
      return Object.keys(r).length === 2 ? r : undefined;
    });
    expect(fromFlint).toEqual(fromProm);
    expect(Object.values(fromFlint)).toEqual(['1', '1']);
  }, 60_000);
});
