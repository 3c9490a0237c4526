#!/usr/bin/env node
// Side-by-side benchmark: flint and Prometheus scrape the same generated targets with the
// same config, then the runner measures ingestion CPU, memory, disk, WAL replay, query
// latency and API throughput, and writes the table into BENCHMARKS.md.
//
//   npm run bench               10k and 100k series (under 15 minutes on 2 cores)
//   npm run bench -- --quick    10k series only, shorter windows (under 3 minutes)
//   flags: --scales 10000,100000  --no-write  --out FILE
//          --vm   also run Debian's VictoriaMetrics (1.79) on the same targets, as a third column
import { URLSearchParams } from 'node:url';
import autocannon from 'autocannon';
import { mkdtempSync, rmSync, writeFileSync, readFileSync, existsSync } from 'node:fs';
import { cpus, totalmem, tmpdir, loadavg } from 'node:os';
import { join } from 'node:path';
import { DASHBOARD_QUERIES, GENERATOR_LAYOUT, RANGE_SECONDS, RANGE_STEP } from './queries.mjs';
import {
  ROOT,
  metricSum,
  apiQuery,
  dirBytes,
  freePort,
  processStats,
  scrapeConfig,
  sleep,
  startGeneratorProcess,
  startServer,
  waitFor,
  waitReady,
} from './lib.mjs';

const argv = process.argv.slice(2);
const quick = argv.includes('--quick');
const flagValue = (name) => {
  const i = argv.findIndex((a) => a === name || a.startsWith(`${name}=`));
  if (i < 0) return undefined;
  return argv[i].includes('=') ? argv[i].split('=')[1] : argv[i + 1];
};
const SCALES = (flagValue('--scales') ?? (quick ? '10000' : '10000,100000')).split(',').map(Number);
const OUT = flagValue('--out') ?? join(ROOT, 'BENCHMARKS.md');
const WRITE = !argv.includes('--no-write');
const INSTANCES = 10;
const PLAN = quick
  ? { windowS: 30, reps: 20, queryBudgetMs: 8_000, cannonS: 8, cannonRounds: 1 }
  : { windowS: 60, reps: 40, queryBudgetMs: 20_000, cannonS: 15, cannonRounds: 2 };
const WITH_VM = argv.includes('--vm');
const KINDS = WITH_VM ? ['flint', 'prometheus', 'victoriametrics'] : ['flint', 'prometheus'];
const NAMES = { flint: 'flint', prometheus: 'Prometheus 2.42', victoriametrics: 'VictoriaMetrics 1.79' };
const perKind = (make) => Object.fromEntries(KINDS.map((k) => [k, make(k)]));
/** The servers in a different order each round, so none always goes first. */
const rotated = (round) => KINDS.map((_, i) => KINDS[(i + round) % KINDS.length]);

const log = (msg) => console.error(`[bench ${new Date().toISOString().slice(11, 19)}] ${msg}`);

function percentile(sorted, p) {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function timedQuery(base, path, params) {
  const started = process.hrtime.bigint();
  const { status, body } = await apiQuery(base, path, params);
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return {
    ms,
    ok: status === 200 && body.status === 'success',
    series: body.data?.result?.length ?? 0,
    error: body.error,
  };
}

/** Series in the head, from /api/v1/status/tsdb (VictoriaMetrics: its series of the day). */
async function headSeries(base) {
  const { body } = await apiQuery(base, '/api/v1/status/tsdb', {});
  return Number(body.data?.headStats?.numSeries ?? body.data?.totalSeries ?? NaN);
}

/** VictoriaMetrics's own count of stored samples (it writes a sixth synthetic series per scrape). */
const vmRowsAdded = (base) => metricSum(base, 'vm_rows_added_to_storage_total');

/**
 * Samples stored with timestamps in (fromMs, toMs], from each server's own per-scrape
 * counts (flint does not export tsdb_head_samples_appended_total yet): the samples each
 * scrape appended plus the five synthetic series (up, scrape_*) every scrape writes.
 */
async function samplesBetween(base, fromMs, toMs) {
  const range = `${Math.max(1, Math.round(toMs - fromMs))}ms`;
  const query = `sum(sum_over_time(scrape_samples_post_metric_relabeling[${range}])) + 5 * sum(count_over_time(up[${range}]))`;
  const { body } = await apiQuery(base, '/api/v1/query', { query, time: String(toMs / 1000) });
  return Number(body.data?.result?.[0]?.value?.[1] ?? NaN);
}

async function startPair(dir, configFile, ports) {
  const servers = {};
  for (const kind of KINDS) {
    servers[kind] = startServer(kind, {
      configFile,
      dataDir: join(dir, kind),
      port: ports[kind],
      args: ['--web.enable-admin-api', '--web.enable-lifecycle', '--log.level=warn'],
    });
  }
  await Promise.all(KINDS.map((k) => waitReady(servers[k])));
  return servers;
}

async function measureScale(series) {
  const dir = mkdtempSync(join(tmpdir(), 'flint-bench-'));
  const perInstance = Math.round(series / INSTANCES);
  const interval = series >= 50_000 ? '5s' : '2s';
  const genPorts = [];
  for (let i = 0; i < INSTANCES; i++) genPorts.push(await freePort());
  const generator = startGeneratorProcess([
    '--ports',
    genPorts.join(','),
    '--series',
    String(perInstance),
    '--seed',
    '42',
    '--cache-ms',
    '500',
    ...GENERATOR_LAYOUT,
  ]);
  const configFile = join(dir, 'config.yml');
  writeFileSync(configFile, scrapeConfig({ targets: genPorts.map((p) => `127.0.0.1:${p}`), interval }));
  const ports = {};
  for (const kind of KINDS) ports[kind] = await freePort();
  const result = { series, interval, instances: INSTANCES, perInstance, queries: {}, notes: [] };
  let servers;
  try {
    const runStart = Date.now() - 1000;
    log(`${series} series: starting ${KINDS.length} servers (scrape interval ${interval})`);
    servers = await startPair(dir, configFile, ports);
    const target = perInstance * INSTANCES;
    for (const kind of KINDS) {
      await waitFor(
        `${kind} head series`,
        async () => ((await headSeries(servers[kind].base)) >= target ? true : undefined),
        120_000,
        500
      );
    }
    await sleep(2 * Number.parseFloat(interval) * 1000);

    // Ingestion: both run over the same window, so machine load hits both alike.
    log(`ingestion window ${PLAN.windowS}s`);
    const before = {};
    const windowStart = Date.now();
    for (const kind of KINDS) before[kind] = processStats(servers[kind].proc.pid);
    const vmRowsBefore = WITH_VM ? await vmRowsAdded(servers.victoriametrics.base) : 0;
    await sleep(PLAN.windowS * 1000);
    const after = {};
    for (const kind of KINDS) after[kind] = processStats(servers[kind].proc.pid);
    const vmRowsAfter = WITH_VM ? await vmRowsAdded(servers.victoriametrics.base) : 0;
    const windowEnd = Date.now();
    result.ingest = {};
    for (const kind of KINDS) {
      const now = after[kind];
      const samples =
        kind === 'victoriametrics'
          ? vmRowsAfter - vmRowsBefore
          : await samplesBetween(servers[kind].base, windowStart, windowEnd);
      const headSeriesNow = await headSeries(servers[kind].base);
      const up = await apiQuery(servers[kind].base, '/api/v1/query', { query: 'sum(up)' });
      result.ingest[kind] = {
        cpuPerMillion: ((now.cpuSeconds - before[kind].cpuSeconds) / samples) * 1e6,
        samples,
        rssBytes: now.rssBytes,
        headSeries: headSeriesNow,
        bytesPerSeries: now.rssBytes / headSeriesNow,
        upSum: Number(up.body.data?.result?.[0]?.value?.[1] ?? NaN),
      };
    }

    // Query latency: the servers alternate query by query, in turn order rotated each rep.
    const end = Date.now() / 1000;
    for (const q of DASHBOARD_QUERIES) {
      for (const mode of ['instant', 'range']) {
        const path = mode === 'instant' ? '/api/v1/query' : '/api/v1/query_range';
        const params =
          mode === 'instant'
            ? { query: q.expr, time: String(end) }
            : { query: q.expr, start: String(end - RANGE_SECONDS), end: String(end), step: RANGE_STEP };
        const timings = perKind(() => []);
        const seriesSeen = {};
        const errors = {};
        const deadline = Date.now() + PLAN.queryBudgetMs;
        for (let rep = 0; rep < PLAN.reps && Date.now() < deadline; rep++) {
          for (const kind of rotated(rep)) {
            const r = await timedQuery(servers[kind].base, path, params);
            if (!r.ok) errors[kind] = r.error ?? 'failed';
            timings[kind].push(r.ms);
            seriesSeen[kind] = r.series;
          }
        }
        const summary = {};
        for (const kind of KINDS) {
          const sorted = [...timings[kind]].sort((a, b) => a - b);
          summary[kind] = {
            p50: percentile(sorted, 50),
            p99: percentile(sorted, 99),
            n: sorted.length,
            series: seriesSeen[kind],
            error: errors[kind],
          };
        }
        result.queries[`${q.name} ${mode}`] = summary;
        log(`${q.name} ${mode}: p50 ${KINDS.map((k) => `${k} ${summary[k].p50.toFixed(1)}ms`).join(', ')} (${summary.flint.n} reps)`);
      }
    }

    // Throughput: one server at a time, in rotated order when there are several rounds.
    result.throughput = perKind(() => []);
    const cannonQuery = `/api/v1/query?${new URLSearchParams({ query: 'sum by (job) (rate(gen_events_1_total[5m]))' })}`;
    for (let round = 0; round < PLAN.cannonRounds; round++) {
      for (const kind of rotated(round)) {
        const r = await autocannon({
          url: `${servers[kind].base}${cannonQuery}`,
          connections: 8,
          duration: PLAN.cannonS,
        });
        result.throughput[kind].push({
          rps: r.requests.average,
          p99: r.latency.p99,
          non2xx: r.non2xx,
          errors: r.errors,
        });
        log(`throughput ${kind}: ${r.requests.average} req/s, ${r.non2xx} non-2xx, ${r.errors} errors`);
      }
    }

    // Disk: a snapshot with the head writes what is in memory as a block in each server's
    // own format; WAL size is reported beside it. VictoriaMetrics has no WAL: its whole data
    // directory after a flush is the figure.
    result.disk = {};
    for (const kind of KINDS) {
      if (kind === 'victoriametrics') {
        const { base } = servers[kind];
        await fetch(`${base}/internal/force_flush`);
        const samples = await vmRowsAdded(base);
        const bytes = dirBytes(join(dir, kind));
        result.disk[kind] = { samples, snapshotBytes: bytes, walBytes: NaN, blockBytesPerSample: bytes / samples, walBytesPerSample: NaN };
        continue;
      }
      const samples = await samplesBetween(servers[kind].base, runStart, Date.now());
      const res = await fetch(`${servers[kind].base}/api/v1/admin/tsdb/snapshot`, { method: 'POST' });
      const body = await res.json();
      const snapDir = join(dir, kind, 'snapshots', body.data?.name ?? 'missing');
      const snapshotBytes = existsSync(snapDir) ? dirBytes(snapDir) : NaN;
      const walBytes = dirBytes(join(dir, kind, 'wal'));
      result.disk[kind] = {
        samples,
        snapshotBytes,
        walBytes,
        blockBytesPerSample: snapshotBytes / samples,
        walBytesPerSample: walBytes / samples,
      };
    }

    // WAL replay: stop both, then restart each alone and time until /-/ready.
    await Promise.all(KINDS.map((k) => servers[k].stop()));
    result.replay = {};
    for (const kind of KINDS) {
      rmSync(join(dir, kind, 'snapshots'), { recursive: true, force: true });
      const restarted = startServer(kind, {
        configFile,
        dataDir: join(dir, kind),
        port: ports[kind],
        args: ['--log.level=warn'],
      });
      servers[kind] = restarted;
      await waitReady(restarted, 300_000);
      result.replay[kind] = { seconds: (Date.now() - restarted.startedAt) / 1000 };
      const head = await headSeries(restarted.base);
      result.replay[kind].headSeries = head;
      await restarted.stop();
      log(`replay ${kind}: ${result.replay[kind].seconds}s, ${head} head series`);
    }
  } finally {
    if (servers) await Promise.all(KINDS.map((k) => servers[k].stop()));
    await generator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
  return result;
}

const fmt = (v, digits = 2) => (Number.isFinite(v) ? (Math.abs(v) >= 100 ? v.toFixed(0) : v.toFixed(digits)) : 'n/a');
const ratio = (a, b) => (Number.isFinite(a) && Number.isFinite(b) && b !== 0 ? `${(a / b).toFixed(2)}x` : 'n/a');
const mean = (xs) => xs.reduce((s, x) => s + x, 0) / xs.length;

function tableFor(r) {
  const rows = [];
  const [flint, ...peers] = KINDS;
  // One row: each server's figure, then flint's ratio to each peer.
  const row = (label, get, digits) => {
    const vals = KINDS.map((k) => get(k));
    rows.push(`| ${label} | ${vals.map((v) => fmt(v, digits)).join(' | ')} | ${peers.map((_, i) => ratio(vals[0], vals[i + 1])).join(' | ')} |`);
  };
  row('ingestion CPU seconds per million samples', (k) => r.ingest[k].cpuPerMillion);
  row('resident memory per head series (bytes, VmRSS / head series)', (k) => r.ingest[k].bytesPerSeries);
  row('resident memory (MiB)', (k) => r.ingest[k].rssBytes / 2 ** 20, 1);
  row('bytes per sample, head persisted as a block (snapshot)', (k) => r.disk[k].blockBytesPerSample);
  row('bytes per sample, WAL', (k) => r.disk[k].walBytesPerSample);
  row('WAL replay: restart until /-/ready (s)', (k) => r.replay[k].seconds);
  for (const [name, s] of Object.entries(r.queries)) {
    const marks = KINDS.map((k) => (s[k].error ? ` (${k} error: ${String(s[k].error).slice(0, 60)})` : '')).join('');
    row(`${name}: p50 ms${marks}`, (k) => s[k].p50);
    row(`${name}: p99 ms (${s[flint].n} runs, ${s[flint].series} series out)`, (k) => s[k].p99);
  }
  const tp = (k) => mean(r.throughput[k].map((t) => t.rps));
  const bad = (k) => r.throughput[k].reduce((s, t) => s + t.non2xx + t.errors, 0);
  row(
    `API throughput, req/s (8 connections, sum by (job)(rate), non-2xx/errors: ${KINDS.map((k) => `${NAMES[k]} ${bad(k)}`).join(', ')})`,
    tp,
    1
  );
  const per = (f) => KINDS.map((k) => `${NAMES[k]} ${f(k)}`).join(', ');
  return [
    `### ${r.series.toLocaleString('en')} series (${r.instances} targets x ${r.perInstance}, scrape interval ${r.interval})`,
    '',
    `Samples ingested in the measured window: ${per((k) => r.ingest[k].samples)}; head series ${per((k) => r.ingest[k].headSeries)}; sum(up) ${per((k) => r.ingest[k].upSum)}. Head series after replay: ${per((k) => r.replay[k].headSeries)}.`,
    '',
    `| measure | ${KINDS.map((k) => NAMES[k]).join(' | ')} | ${peers.map((p) => `flint / ${NAMES[p].split(' ')[0]}`).join(' | ')} |`,
    `| --- | ${KINDS.map(() => '---:').join(' | ')} | ${peers.map(() => '---:').join(' | ')} |`,
    ...rows,
    '',
  ].join('\n');
}

const startedAt = Date.now();
const load = loadavg()[0];
const results = [];
for (const scale of SCALES) results.push(await measureScale(scale));
const elapsed = (Date.now() - startedAt) / 1000;
const command = `npm run bench${argv.length ? ` -- ${argv.join(' ')}` : ''}`;
const section = [
  `## Run of ${new Date().toISOString().slice(0, 16).replace('T', ' ')} UTC${quick ? ' (--quick)' : ''}`,
  '',
  `Command: \`${command}\` (took ${Math.round(elapsed)} s). Machine: ${cpus().length} cores (${cpus()[0]?.model ?? 'unknown'}), ${Math.round(totalmem() / 2 ** 30)} GiB memory, load average ${load.toFixed(1)} at start. Node ${process.version}; Prometheus is Debian's /usr/bin/prometheus${WITH_VM ? "; VictoriaMetrics is Debian's /usr/bin/victoria-metrics (MetricsQL: its rate() does not extrapolate, so its values differ; its response cache is off)" : ''}.`,
  '',
  ...results.map(tableFor),
].join('\n');
console.log(section);
if (WRITE) {
  const marker = '<!-- bench:results -->';
  const existing = existsSync(OUT) ? readFileSync(OUT, 'utf8') : '';
  const at = existing.indexOf(marker);
  const head = at >= 0 ? existing.slice(0, at + marker.length) : `${existing.trimEnd()}\n\n${marker}`;
  writeFileSync(OUT, `${head}\n\n${section}`);
  log(`wrote ${OUT}`);
}
