// Overload: queries over --query.max-samples, over --query.timeout, and more at once than
// --query.max-concurrency, while flint keeps scraping two healthy targets. Each query must
// get Prometheus's error for its case, scraping must not miss (up stays 1), and resident
// memory must stay under the stated bound.
import { apiQuery, freePort, processStats, sleep, startGeneratorProcess } from '../bench/lib.mjs';
import { expect, scratch, startFlint } from './harness.mjs';

const MAX_SAMPLES = 200_000;
const TIMEOUT = '1s';
const MAX_CONCURRENCY = 2;
const RSS_BOUND_MIB = 1024;

// Loads far more than MAX_SAMPLES points (a 1 ms subquery over 10 minutes per series).
const OVER_SAMPLES = 'count_over_time(({__name__=~"gen_.+"})[10m:10ms])';
// Stays far under MAX_SAMPLES at every step but costs a regex rewrite per series per step.
const SLOW = 'count(sort_desc(label_replace({__name__=~"gen_.+"}, "copy", "$1", "id", "(.*)")))';

export async function overload(suite) {
  const part = 'overload';
  const { dir, cleanup } = scratch('overload');
  const ports = [await freePort(), await freePort()];
  const generator = startGeneratorProcess(['--ports', ports.join(','), '--series', '1500', '--seed', '11', '--cache-ms', '0']);
  const config = ['global:', '  scrape_interval: 500ms', '  scrape_timeout: 500ms', 'scrape_configs:', '  - job_name: gen', '    static_configs:', `      - targets: [${ports.map((p) => `'127.0.0.1:${p}'`).join(', ')}]`, ''].join('\n');
  let server;
  let peakRss = 0;
  let sampler;
  try {
    server = await startFlint(dir, config, [`--query.max-samples=${MAX_SAMPLES}`, `--query.timeout=${TIMEOUT}`, `--query.max-concurrency=${MAX_CONCURRENCY}`]);
    sampler = setInterval(() => {
      if (server.alive()) peakRss = Math.max(peakRss, processStats(server.proc.pid).rssBytes);
    }, 100);
    await sleep(4000);
    const overloadStart = Date.now();

    await suite.check(part, `query over --query.max-samples=${MAX_SAMPLES}`, async () => {
      const r = await apiQuery(server.base, '/api/v1/query', { query: OVER_SAMPLES }, { signal: AbortSignal.timeout(30_000) });
      expect(r.status === 422 && r.body.errorType === 'execution', `answered ${r.status} ${JSON.stringify(r.body).slice(0, 200)}`);
      expect(/too many samples/.test(r.body.error), `error text: ${r.body.error}`);
      return { held: `422 execution: ${r.body.error}` };
    });

    await suite.check(part, `query slower than --query.timeout=${TIMEOUT} (5m range at 30 ms step, data at every step)`, async () => {
      const end = Date.now() / 1000;
      const started = Date.now();
      const r = await apiQuery(server.base, '/api/v1/query_range', { query: SLOW, start: String(end - 300), end: String(end), step: '0.03' }, { signal: AbortSignal.timeout(30_000) });
      const took = Date.now() - started;
      expect(r.status === 503 && r.body.errorType === 'timeout', `answered ${r.status} after ${took} ms: ${JSON.stringify(r.body).slice(0, 200)}`);
      expect(took < 6000, `the timeout answer took ${took} ms`);
      return { held: `503 timeout after ${took} ms: ${r.body.error}` };
    });

    await suite.check(part, `12 concurrent heavy queries with --query.max-concurrency=${MAX_CONCURRENCY}`, async () => {
      const end = Date.now() / 1000;
      const started = Date.now();
      const answers = await Promise.all(
        Array.from({ length: 12 }, (_, i) =>
          apiQuery(server.base, '/api/v1/query_range', { query: i % 2 ? SLOW : 'sum(rate({__name__=~"gen_events.+"}[1m]))', start: String(end - 300), end: String(end), step: '0.1' }, { signal: AbortSignal.timeout(30_000) }),
        ),
      );
      const took = Date.now() - started;
      const kinds = {};
      for (const a of answers) {
        const key = a.status === 200 ? '200' : `${a.status} ${a.body.errorType}`;
        kinds[key] = (kinds[key] ?? 0) + 1;
        expect(a.status === 200 || (a.status === 503 && a.body.errorType === 'timeout'), `answered ${a.status} ${JSON.stringify(a.body).slice(0, 200)}`);
      }
      expect(kinds['200'] > 0, 'no query succeeded');
      return { held: `answers ${JSON.stringify(kinds)} within ${took} ms (queued, or timed out in the queue)` };
    });

    await suite.check(part, 'healthy targets stayed up=1 through the overload', async () => {
      await sleep(1500);
      const windowMs = Date.now() - overloadStart;
      const r = await apiQuery(server.base, '/api/v1/query', { query: `min_over_time(up[${windowMs}ms])` });
      const values = r.body.data.result.map((s) => Number(s.value[1]));
      const scrapes = await apiQuery(server.base, '/api/v1/query', { query: `count_over_time(up[${windowMs}ms])` });
      const counts = scrapes.body.data.result.map((s) => Number(s.value[1]));
      expect(values.length === 2 && values.every((v) => v === 1), `min up over the overload: ${JSON.stringify(values)}`);
      const expected = Math.floor(windowMs / 500);
      expect(counts.every((c) => c >= expected * 0.8), `scrapes over ${windowMs} ms: ${JSON.stringify(counts)} (expected about ${expected} each)`);
      return { held: `min(up)=1 for both; scrapes per target ${JSON.stringify(counts)} of about ${expected}` };
    });

    await suite.check(part, `resident memory under ${RSS_BOUND_MIB} MiB throughout`, () => {
      expect(server.alive(), `flint exited:\n${server.output().slice(-1500)}`);
      expect(peakRss < RSS_BOUND_MIB * 2 ** 20, `peak RSS ${Math.round(peakRss / 2 ** 20)} MiB`);
      return { held: `peak RSS ${Math.round(peakRss / 2 ** 20)} MiB` };
    });
  } finally {
    clearInterval(sampler);
    if (server) await server.stop();
    await generator.stop();
    cleanup();
  }
}
