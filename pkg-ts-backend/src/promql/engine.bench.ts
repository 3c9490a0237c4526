// Query benchmark: the dashboard queries of bench/queries.mjs over a head filled the way the
// side-by-side bench fills it (bench/generator.mjs's layout: 10 instances, families 6,
// hist-frac 0.17, counter-frac 0.6, buckets 4; a few minutes of scrapes), run through the
// engine and the API's JSON encoding. Reports CPU milliseconds per query (median of --reps),
// since wall time is noise on a shared machine. Build, then run:
//   npx tsc -p pkg-ts-backend/tsconfig.json
//   node pkg-ts-backend/dist/promql/engine.bench.js [--series 10000] [--scrapes 40]
//     [--interval 2000] [--reps 15] [--only NAME] [--cpu-prof-loop NAME]
import { jsonWithRawBytes, RawJSON, resultBytes } from '../api/encode';
import { labelsFromRecord, Labels } from '../model/labels';
import { Head } from '../tsdb/head';
import { Engine } from './engine';
import type { QueryResult } from './value';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : fallback;
}

const INSTANCES = 10;
const BUCKETS = 4;
const FAMILIES = 6;
const DIMENSIONS: [string, number][] = [
  ['job_kind', 6],
  ['handler', 12],
  ['code', 4],
  ['shard', 16],
];

function seededRandom(seed: number): () => number {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
    x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
    return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
  };
}

interface Unit {
  kind: 'histogram' | 'counter' | 'gauge';
  series: Labels[];
  /** Head references of the series, learned on the first scrape. */
  refs: number[];
  value: number;
  step: number;
  buckets: Float64Array;
  sum: number;
}

/** The label sets and value state of one generator instance (same dealing as bench/generator.mjs). */
function layOut(instance: number, perInstance: number): Unit[] {
  const random = seededRandom(42 * 2654435761 + instance * 40503 + 17);
  const kinds: Unit['kind'][] = [];
  const histograms = Math.round(FAMILIES * 0.17);
  for (let f = 0; f < FAMILIES; f++) {
    if (f < histograms) kinds.push('histogram');
    else kinds.push((f - histograms) / (FAMILIES - histograms) < 0.6 ? 'counter' : 'gauge');
  }
  const names = kinds.map((k, f) =>
    k === 'histogram' ? `gen_latency_${f}_seconds` : k === 'counter' ? `gen_events_${f}_total` : `gen_level_${f}`
  );
  const bounds: string[] = [];
  for (let b = 0; b < BUCKETS - 1; b++) bounds.push(String((2 ** (b + 1) - 1) / 100));
  bounds.push('+Inf');
  const units: Unit[] = [];
  let remaining = perInstance;
  let id = 0;
  for (let f = 0; remaining > 0; f = (f + 1) % FAMILIES) {
    const cost = kinds[f] === 'histogram' ? BUCKETS + 2 : 1;
    if (cost > remaining) continue;
    remaining -= cost;
    const base: Record<string, string> = { id: `u${id}`, instance: `127.0.0.1:${19100 + instance}`, job: 'gen' };
    for (const [name, card] of DIMENSIONS) base[name] = `${name}${(id * 7 + name.length) % card}`;
    id++;
    const series: Labels[] = [];
    if (kinds[f] === 'histogram') {
      for (const le of bounds) series.push(labelsFromRecord({ ...base, __name__: `${names[f]}_bucket`, le }));
      series.push(labelsFromRecord({ ...base, __name__: `${names[f]}_sum` }));
      series.push(labelsFromRecord({ ...base, __name__: `${names[f]}_count` }));
    } else series.push(labelsFromRecord({ ...base, __name__: names[f] }));
    units.push({
      kind: kinds[f],
      series,
      refs: series.map(() => 0),
      value: kinds[f] === 'gauge' ? Math.round(random() * 1000) : 0,
      step: 0.5 + random() * 20,
      buckets: new Float64Array(BUCKETS),
      sum: 0,
    });
  }
  return units;
}

async function fill(head: Head, series: number, scrapes: number, interval: number, end: number): Promise<void> {
  const random = seededRandom(7);
  const units = [];
  for (let i = 0; i < INSTANCES; i++) units.push(...layOut(i, Math.round(series / INSTANCES)));
  for (let k = 0; k < scrapes; k++) {
    const t = end - (scrapes - 1 - k) * interval;
    const app = head.appender();
    for (const u of units) {
      if (u.kind === 'counter') {
        u.value += Math.floor(random() * u.step);
        u.refs[0] = app.append(u.refs[0], u.series[0], t, u.value);
      } else if (u.kind === 'gauge') {
        u.value = Math.round((u.value + (random() - 0.5) * u.step) * 100) / 100;
        u.refs[0] = app.append(u.refs[0], u.series[0], t, u.value);
      } else {
        const observations = 1 + Math.floor(random() * u.step);
        for (let o = 0; o < observations; o++) {
          const seconds = Math.exp(random() * 6 - 5);
          u.sum += seconds;
          u.buckets[Math.min(BUCKETS - 1, Math.floor(Math.log2(1 + seconds * 100)))] += 1;
        }
        let cumulative = 0;
        for (let b = 0; b < BUCKETS; b++) {
          cumulative += u.buckets[b];
          u.refs[b] = app.append(u.refs[b], u.series[b], t, cumulative);
        }
        u.refs[BUCKETS] = app.append(u.refs[BUCKETS], u.series[BUCKETS], t, Math.round(u.sum * 1000) / 1000);
        u.refs[BUCKETS + 1] = app.append(u.refs[BUCKETS + 1], u.series[BUCKETS + 1], t, cumulative);
      }
    }
    await app.commit();
  }
}

const QUERIES: [string, string][] = [
  ['selector', 'gen_events_1_total'],
  ['sum(rate)', 'sum(rate(gen_events_1_total[5m]))'],
  ['sum by (job)(rate)', 'sum by (job) (rate(gen_events_1_total[5m]))'],
  ['topk(10)', 'topk(10, rate(gen_events_2_total[5m]))'],
  ['histogram_quantile', 'histogram_quantile(0.9, sum by (le) (rate(gen_latency_0_seconds_bucket[5m])))'],
  ['one-to-one join', 'rate(gen_events_1_total[5m]) / on (instance, id) (gen_events_1_total + 1)'],
];

/** What the API does with a result: the JSON body as the server sends it (uncompressed). */
function encode(r: QueryResult): Buffer {
  const data = { resultType: r.value.type, result: new RawJSON(resultBytes(r.value)) };
  return jsonWithRawBytes({ status: 'success', data, warnings: undefined, infos: undefined });
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function main(): Promise<void> {
  const series = Number(arg('series', '10000'));
  const scrapes = Number(arg('scrapes', '40'));
  const interval = Number(arg('interval', series >= 50_000 ? '5000' : '2000'));
  const reps = Number(arg('reps', '15'));
  const only = arg('only', '');
  const loop = arg('cpu-prof-loop', '');
  const lastScrape = Date.UTC(2026, 10, 22, 3, 0, 0);
  const head = new Head({ chunkRangeMs: 2 * 3600_000 });
  const fillStart = cpuMs();
  await fill(head, series, scrapes, interval, lastScrape);
  console.error(`filled ${head.numSeries()} series x ${scrapes} scrapes in ${(cpuMs() - fillStart).toFixed(0)} CPU ms`);
  const engine = new Engine({ maxConcurrency: 20 });
  // The bench queries a little after the last scrape, at "now".
  const end = lastScrape + interval / 2;
  const modes: ['instant' | 'range', (q: string) => Promise<QueryResult>][] = [
    ['instant', (q) => engine.instantQuery(head, q, end)],
    ['range', (q) => engine.rangeQuery(head, q, end - 3600_000, end, 15_000)],
  ];
  if (loop !== '') {
    const [name, mode] = loop.split(':');
    const q = QUERIES.find(([n]) => n === name);
    const run = modes.find(([m]) => m === (mode ?? 'instant'));
    if (!q || !run) throw new Error(`unknown --cpu-prof-loop ${loop}`);
    for (let i = 0; i < reps; i++) encode(await run[1](q[1]));
    return;
  }
  console.log(`| query | instant CPU ms | range CPU ms | bytes (instant / range) |`);
  console.log(`| --- | ---: | ---: | ---: |`);
  for (const [name, q] of QUERIES) {
    if (only !== '' && only !== name) continue;
    const cells: string[] = [];
    const sizes: number[] = [];
    for (const [, run] of modes) {
      encode(await run(q)); // warm-up
      const times: number[] = [];
      let bytes = 0;
      for (let i = 0; i < reps; i++) {
        const before = cpuMs();
        bytes = encode(await run(q)).length;
        times.push(cpuMs() - before);
      }
      times.sort((a, b) => a - b);
      cells.push(times[Math.floor(times.length / 2)].toFixed(1));
      sizes.push(bytes);
    }
    console.log(`| ${name} | ${cells[0]} | ${cells[1]} | ${sizes.join(' / ')} |`);
  }
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
