// Differential test of the whole query path: Debian's Prometheus 2.42 and a flint server (built
// into pkg-ts-backend/dist) receive the same seeded samples by remote write, then answer the same
// generated range and instant queries over HTTP. Results must agree (compare.ts). The Prometheus
// 2 -> 3 differences this test steers around are listed in README.md next to this file.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { snappyEncode } from '../../storage/remote/codec';
import { encodeWriteRequest, PbTimeSeries } from '../../storage/remote/prompb';
import { FLINT_BIN, freePort, instantQuery, Peer, PROMETHEUS_BIN, startPeer, waitFor } from '../../testutil/peers';
import { ApiAnswer, compareAnswers } from './compare';
import { DataLayout, generateData, GeneratedSeries } from './data';
import { DEFAULT_SEED, forPrometheus2, generateQueries } from './queries';
import { seededRandom } from './random';

const SEED = Number(process.env.FLINT_DIFFERENTIAL_SEED ?? DEFAULT_SEED);
const RANGE_QUERIES = 330;
const INSTANT_QUERIES = 100;
const INTERVAL = 15_000;
const POINTS = 240;
/** Sample timestamps end in .250 s, evaluation times in .500 s; ranges and steps are whole seconds. */
const SAMPLE_MS = 250;
const EVAL_MS = 500;

function layoutEndingNow(): DataLayout {
  const lastSample = Math.floor(Date.now() / 1000) * 1000 - 2000 + SAMPLE_MS;
  return { firstSampleMs: lastSample - (POINTS - 1) * INTERVAL, intervalMs: INTERVAL, points: POINTS };
}

function writeRequest(data: GeneratedSeries[]): Uint8Array {
  const timeseries: PbTimeSeries[] = data.map((s) => ({
    labels: Object.entries(s.labels)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => ({ name, value })),
    samples: s.samples,
  }));
  return snappyEncode(encodeWriteRequest({ timeseries }));
}

async function remoteWrite(base: string, body: Uint8Array): Promise<void> {
  const res = await fetch(`${base}/api/v1/write`, {
    method: 'POST',
    headers: {
      'Content-Encoding': 'snappy',
      'Content-Type': 'application/x-protobuf',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
    },
    body,
  });
  if (res.status !== 204) throw new Error(`remote write to ${base}: ${res.status} ${await res.text()}`);
}

async function ask(base: string, endpoint: string, params: Record<string, string>): Promise<ApiAnswer> {
  const res = await fetch(`${base}/api/v1/${endpoint}?${new URLSearchParams(params)}`);
  return (await res.json()) as ApiAnswer;
}

(fs.existsSync(PROMETHEUS_BIN) ? describe : describe.skip)('PromQL over HTTP agrees with Prometheus 2.42', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-promql-differential-'));
  const layout = layoutEndingNow();
  const data = generateData(SEED, layout);
  let prom: Peer | undefined;
  let flint: Peer | undefined;
  let promBase = '';
  let flintBase = '';

  beforeAll(async () => {
    const [promPort, flintPort] = [await freePort(), await freePort()];
    promBase = `http://127.0.0.1:${promPort}`;
    flintBase = `http://127.0.0.1:${flintPort}`;
    const config = path.join(dir, 'config.yml');
    fs.writeFileSync(config, 'global:\n  scrape_interval: 1m\n  evaluation_interval: 1m\n');
    prom = startPeer(PROMETHEUS_BIN, [
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, 'prometheus')}`,
      `--web.listen-address=127.0.0.1:${promPort}`,
      '--web.enable-remote-write-receiver',
    ]);
    flint = startPeer(process.execPath, [
      FLINT_BIN,
      `--config.file=${config}`,
      `--storage.tsdb.path=${path.join(dir, 'flint')}`,
      `--web.listen-address=127.0.0.1:${flintPort}`,
      '--web.enable-remote-write-receiver',
      '--enable-feature=promql-experimental-functions',
      '--log.level=warn',
    ]);
    for (const [name, base, peer] of [
      ['Prometheus', promBase, prom],
      ['flint', flintBase, flint],
    ] as const) {
      await waitFor(`${name} ready (${peer.output().slice(-500)})`, async () =>
        (await fetch(`${base}/-/ready`)).ok ? true : undefined
      );
    }
    const body = writeRequest(data);
    await Promise.all([remoteWrite(promBase, body), remoteWrite(flintBase, body)]);
    for (const base of [promBase, flintBase]) {
      await waitFor(`all series queryable at ${base}`, async () => {
        const r = await instantQuery(base, `count(last_over_time({__name__!=""}[1h]))`);
        return r.length === 1 && Number(r[0].value[1]) === data.length ? true : undefined;
      });
    }
  }, 60_000);

  afterAll(async () => {
    await Promise.all([prom?.stop(), flint?.stop()]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('answers the same generated range and instant queries', async () => {
    const rnd = seededRandom(SEED + 1);
    // Evaluation times: whole seconds plus EVAL_MS, starting once every window the generator
    // builds (at most 10m range + 5m offset + 1m inner range of a subquery) lies inside the data,
    // so that no counter starts inside a rate() window (README.md, extrapolation order).
    const firstEval = Math.floor(layout.firstSampleMs / 1000) * 1000 + EVAL_MS + 17 * 60_000;
    const lastEval = Math.floor((layout.firstSampleMs + (POINTS - 1) * INTERVAL) / 1000) * 1000 - 1000 + EVAL_MS;
    const evalTime = () => firstEval + rnd.int((lastEval - firstEval) / 1000) * 1000;
    const cases: { endpoint: string; params: Record<string, string>; query: string }[] = [];
    for (const query of generateQueries(SEED, RANGE_QUERIES)) {
      const step = rnd.pick([15, 20, 30, 45, 60]);
      const start = rnd.chance(0.5) ? firstEval : evalTime();
      const end = Math.max(start, rnd.chance(0.5) ? lastEval : evalTime());
      cases.push({
        endpoint: 'query_range',
        query,
        params: { query, start: `${start / 1000}`, end: `${end / 1000}`, step: `${step}` },
      });
    }
    for (const query of generateQueries(SEED + 2, INSTANT_QUERIES, true)) {
      cases.push({ endpoint: 'query', query, params: { query, time: `${evalTime() / 1000}` } });
    }
    expect(cases.filter((c) => c.endpoint === 'query_range').length).toBeGreaterThanOrEqual(300);

    const mismatches: string[] = [];
    let bothFailed = 0;
    let emptyOnBoth = 0;
    for (const c of cases) {
      const [expected, actual] = await Promise.all([
        ask(promBase, c.endpoint, { ...c.params, query: forPrometheus2(c.query) }),
        ask(flintBase, c.endpoint, c.params),
      ]);
      if (expected.status !== 'success' && actual.status !== 'success') bothFailed++;
      if (expected.status === 'success' && Array.isArray(expected.data?.result) && expected.data.result.length === 0)
        emptyOnBoth++;
      const orderMatters = c.endpoint === 'query' && /^sort(_desc)?\(/.test(c.query);
      const diff = compareAnswers(expected, actual, orderMatters);
      if (diff) mismatches.push(`${c.endpoint} ${JSON.stringify(c.params)}\n    ${diff}`);
    }
    console.log(
      `differential seed ${SEED}: ${cases.length} queries, ${mismatches.length} mismatches, ${bothFailed} failed on both sides, ${emptyOnBoth} empty on Prometheus` +
        mismatches.map((m) => `\n  ${m}`).join('')
    );
    expect(mismatches).toEqual([]);
  }, 100_000);
});
