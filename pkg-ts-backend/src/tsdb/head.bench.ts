// Head memory per series and WAL replay CPU on the label layout of bench/generator.mjs as the
// side-by-side benchmark runs it (10 targets, 9 labels per series with job and instance).
// Build, then run:
//   npx tsc -p pkg-ts-backend/tsconfig.json
//   node --expose-gc pkg-ts-backend/dist/tsdb/head.bench.js [--series 100000] [--scrapes 20]
// Labels are built from fresh strings per series, as a scrape parser hands them over. Memory is
// the JS heap plus array buffers after a full GC, minus the same figures before the TSDB was
// opened, divided by the head series; replay is the CPU time of reopening the TSDB.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Label, Labels } from '../model/labels';
import { TSDB } from './db';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const TARGETS = 10;
const FAMILIES = ['gen_latency_0_seconds_bucket', 'gen_events_1_total', 'gen_events_2_total', 'gen_events_3_total', 'gen_level_4', 'gen_level_5'];
const DIMENSIONS: [string, number][] = [
  ['job_kind', 6],
  ['handler', 12],
  ['code', 4],
  ['shard', 16],
];

/** A copy that shares no memory with the literal (the parser's strings are all distinct). */
function fresh(s: string): string {
  return Buffer.from(s, 'utf8').toString('utf8');
}

function labelsOf(target: number, i: number): Labels {
  const out: Label[] = [
    { name: fresh('__name__'), value: fresh(FAMILIES[i % FAMILIES.length]) },
    { name: fresh('id'), value: fresh(`u${i}`) },
    { name: fresh('instance'), value: fresh(`127.0.0.1:${40000 + target}`) },
    { name: fresh('job'), value: fresh('gen') },
  ];
  for (const [name, cardinality] of DIMENSIONS)
    out.push({ name: fresh(name), value: fresh(`${name}${(i * 7 + name.length) % cardinality}`) });
  return out.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
}

/** Counters move by whole steps, gauges walk with two decimals, as the generator's do. */
function value(i: number, scrape: number): number {
  if (i % FAMILIES.length < 4) return scrape * (i % 13);
  return Math.round(((i * 7 + scrape * 13) % 1000) * 100) / 100;
}

function gcMemory(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with node --expose-gc');
  gc();
  gc();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

async function main(): Promise<void> {
  const series = arg('series', 100_000);
  const scrapes = arg('scrapes', 20);
  const perTarget = Math.floor(series / TARGETS);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-head-bench-'));
  try {
    const before = gcMemory();
    const db = await TSDB.open(dir, { walFsync: 'interval' });
    let labels: Labels[][] | undefined = [];
    for (let k = 0; k < TARGETS; k++) labels.push(Array.from({ length: perTarget }, (_, i) => labelsOf(k, i)));
    const refs = labels.map(() => new Array<number>(perTarget).fill(0));
    const appendStart = process.cpuUsage();
    for (let s = 0; s < scrapes; s++) {
      for (let k = 0; k < TARGETS; k++) {
        const app = db.appender();
        for (let i = 0; i < perTarget; i++)
          refs[k][i] = app.append(refs[k][i], labels[k][i], 1_700_000_000_000 + s * 5000 + k, value(i, s));
        await app.commit();
      }
    }
    const appendCpu = cpuSeconds(appendStart);
    labels = undefined;
    const headSeries = db.head.numSeries();
    const bytes = gcMemory() - before;
    await db.close();
    const replayStart = process.cpuUsage();
    const reopened = await TSDB.open(dir, { walFsync: 'interval' });
    const replayCpu = cpuSeconds(replayStart);
    const replayed = reopened.head.numSeries();
    await reopened.close();
    const samples = headSeries * scrapes;
    console.log(
      JSON.stringify({
        series: headSeries,
        samplesPerSeries: scrapes,
        headBytesPerSeries: Math.round(bytes / headSeries),
        appendCpuSecondsPerMillion: +((appendCpu / samples) * 1e6).toFixed(3),
        replayedSeries: replayed,
        replayCpuSeconds: +replayCpu.toFixed(2),
        replayCpuSecondsPerMillion: +((replayCpu / samples) * 1e6).toFixed(3),
      })
    );
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

void main();
