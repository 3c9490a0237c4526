// TSDB benchmark. The workload is either an OpenMetrics dump of shared/bench/target.mjs
// (`--openmetrics FILE`, the same file `promtool tsdb create-blocks-from openmetrics` takes, so
// Prometheus's blocks can be compared byte for byte) or a built-in generator shaped like it
// (counters and gauges of 50 families, 4 labels, 15 s scrapes). Build, then run:
//   npx tsc -p pkg-ts-backend/tsconfig.json   (the full config, which includes this file)
//   node --expose-gc pkg-ts-backend/dist/tsdb/tsdb.bench.js [--series N] [--hours H] [--openmetrics FILE]
// Samples are appended time-major, one commit per scrape of all series. Prints append
// throughput, head memory per series, WAL replay time per million samples, bytes per sample
// on disk after compaction and select latency; times are wall clock and CPU (the machine is shared).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Labels, labelsFromRecord } from '../model/labels';
import { Matcher } from '../model/matcher';
import { TSDB } from './db';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/** A workload: label sets and, per scrape, a timestamp and one value per series. */
interface Source {
  readonly labels: Labels[];
  readonly scrapes: number;
  /** Timestamp of scrape k and values into `vs` (NaN-free; missing series get undefined -> skipped). */
  scrape(k: number, vs: Float64Array, present: Uint8Array): number;
}

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const enum Kind {
  IntCounter,
  FloatCounter,
  ConstGauge,
  IntWalk,
  FloatWalk,
}

class Workload implements Source {
  readonly labels: Labels[] = [];
  private readonly kind: Uint8Array;
  private readonly rate: Float64Array;
  readonly value: Float64Array;
  private readonly rand = rng(1);

  constructor(
    readonly n: number,
    readonly scrapes: number,
    private readonly start: number,
    private readonly interval: number
  ) {
    this.kind = new Uint8Array(n);
    this.rate = new Float64Array(n);
    this.value = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      const family = i % 50;
      const counter = family % 2 === 0;
      this.labels.push(
        labelsFromRecord({
          __name__: `bench_metric_${family}${counter ? '_total' : ''}`,
          series_id: String(i),
          service: `service-${(i * 7) % 10}`,
          method: `method-${(i * 11 + 1) % 4}`,
          status: `status-${(i * 13 + 2) % 5}`,
        })
      );
      const r = this.rand();
      this.kind[i] = counter
        ? r < 0.7
          ? Kind.IntCounter
          : Kind.FloatCounter
        : r < 0.4
          ? Kind.ConstGauge
          : r < 0.7
            ? Kind.IntWalk
            : Kind.FloatWalk;
      this.rate[i] = Math.pow(10, -2 + 4 * this.rand());
      this.value[i] = Math.floor(this.rand() * 1000);
    }
  }

  scrape(k: number, vs: Float64Array, present: Uint8Array): number {
    this.step(this.interval);
    vs.set(this.value);
    present.fill(1);
    return this.start + k * this.interval * 1000;
  }

  /** Advances every series by one scrape interval of `seconds`. */
  private step(seconds: number): void {
    const rand = this.rand;
    for (let i = 0; i < this.n; i++) {
      switch (this.kind[i]) {
        case Kind.IntCounter:
          this.value[i] += Math.floor(this.rate[i] * seconds * rand() * 2);
          break;
        case Kind.FloatCounter:
          this.value[i] = Math.round((this.value[i] + this.rate[i] * seconds * rand() * 0.01) * 100) / 100;
          break;
        case Kind.ConstGauge:
          if (rand() < 0.01) this.value[i] = Math.floor(rand() * 100);
          break;
        case Kind.IntWalk:
          this.value[i] += Math.floor(rand() * 3) - 1;
          break;
        case Kind.FloatWalk:
          this.value[i] = Math.round((this.value[i] + rand() - 0.5) * 1000) / 1000;
          break;
      }
    }
  }
}

/** Reads target.mjs's OpenMetrics dump (series-major) into per-series arrays. */
class OpenMetricsFile implements Source {
  readonly labels: Labels[] = [];
  readonly scrapes: number;
  private readonly ts: Float64Array[] = [];
  private readonly vs: Float64Array[] = [];
  private readonly times: number[];

  constructor(file: string) {
    const bySeries = new Map<string, { t: number[]; v: number[] }>();
    const line = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+) (\S+)$/;
    for (const l of fs.readFileSync(file, 'utf8').split('\n')) {
      if (l === '' || l.startsWith('#')) continue;
      const m = line.exec(l);
      if (!m) throw new Error(`cannot parse: ${l}`);
      const key = m[1] + '{' + (m[2] ?? '') + '}';
      let s = bySeries.get(key);
      if (!s) bySeries.set(key, (s = { t: [], v: [] }));
      s.t.push(Math.round(Number(m[4]) * 1000));
      s.v.push(Number(m[3]));
    }
    const allTimes = new Set<number>();
    for (const [key, s] of bySeries) {
      const rec: Record<string, string> = { __name__: key.slice(0, key.indexOf('{')) };
      for (const p of key.slice(key.indexOf('{') + 1, -1).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g))
        rec[p[1]] = p[2];
      this.labels.push(labelsFromRecord(rec));
      this.ts.push(Float64Array.from(s.t));
      this.vs.push(Float64Array.from(s.v));
      for (const t of s.t) allTimes.add(t);
    }
    this.times = [...allTimes].sort((a, b) => a - b);
    this.scrapes = this.times.length;
  }

  private readonly cursor: number[] = [];

  scrape(k: number, vs: Float64Array, present: Uint8Array): number {
    const t = this.times[k];
    for (let i = 0; i < this.labels.length; i++) {
      const c = this.cursor[i] ?? 0;
      present[i] = c < this.ts[i].length && this.ts[i][c] === t ? 1 : 0;
      if (present[i]) {
        vs[i] = this.vs[i][c];
        this.cursor[i] = c + 1;
      }
    }
    return t;
  }
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

function dirSize(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirSize(p) : fs.statSync(p).size;
  }
  return total;
}

function heapUsed(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (gc) {
    gc();
    gc();
  }
  return process.memoryUsage().heapUsed + process.memoryUsage().arrayBuffers;
}

async function main(): Promise<void> {
  const interval = 15;
  const om = arg('openmetrics');
  const hours = Number(arg('hours') ?? 4);
  const start = 1_700_000_000_000;
  const source: Source = om
    ? new OpenMetricsFile(om)
    : new Workload(Number(arg('series') ?? 10_000), Math.floor((hours * 3600) / interval), start, interval);
  const nSeries = source.labels.length;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-tsdb-bench-'));
  const heapBefore = heapUsed();
  let db = await TSDB.open(dir, { retentionTimeMs: 0 });
  const refs = new Float64Array(nSeries);
  const values = new Float64Array(nSeries);
  const present = new Uint8Array(nSeries);
  console.log(`workload: ${om ?? 'generator'}: ${nSeries} series, ${source.scrapes} scrapes`);

  // 1. Append throughput, one commit per scrape as a scrape loop does.
  const oneHour = Math.min(source.scrapes, Math.floor(3600 / interval));
  let appendMs = 0;
  let appendCpu = 0;
  let appended = 0;
  let end = start;
  const appendScrapes = async (from: number, to: number): Promise<void> => {
    for (let k = from; k < to; k++) {
      const t = source.scrape(k, values, present);
      end = t;
      const t0 = performance.now();
      const c0 = cpuMs();
      const app = db.appender();
      for (let i = 0; i < nSeries; i++) {
        if (!present[i]) continue;
        refs[i] = app.append(refs[i], source.labels[i], t, values[i]);
        appended++;
      }
      await app.commit();
      appendMs += performance.now() - t0;
      appendCpu += cpuMs() - c0;
    }
  };
  await appendScrapes(0, oneHour);
  const heapAfter = heapUsed();
  console.log(
    `append: ${appended} samples, ${Math.round((appended / appendMs) * 1000)} samples/s wall, ${Math.round((appended / appendCpu) * 1000)} samples/s CPU`
  );
  console.log(
    `head memory: ${((heapAfter - heapBefore) / nSeries).toFixed(0)} bytes/series (JS heap + array buffers, ${oneHour} samples per series)`
  );

  // 2. WAL replay.
  await db.close();
  const walBytes = dirSize(path.join(dir, 'wal'));
  const r0 = performance.now();
  const rc0 = cpuMs();
  db = await TSDB.open(dir, { retentionTimeMs: 0 });
  const replayMs = performance.now() - r0;
  const replayCpu = cpuMs() - rc0;
  console.log(
    `WAL replay: ${appended} samples (${(walBytes / appended).toFixed(2)} WAL bytes/sample): ${((replayMs * 1e6) / appended).toFixed(0)} ms wall, ${((replayCpu * 1e6) / appended).toFixed(0)} ms CPU per million samples`
  );

  // 3. The rest of the data, then compaction into blocks.
  await appendScrapes(oneHour, source.scrapes);
  console.log(
    `append (all): ${appended} samples, ${Math.round((appended / appendMs) * 1000)} samples/s wall, ${Math.round((appended / appendCpu) * 1000)} samples/s CPU`
  );
  await db.compact();
  for (const b of db.blocks()) {
    const bytes = dirSize(path.join(dir, b.ulid));
    const chunkBytes = dirSize(path.join(dir, b.ulid, 'chunks'));
    console.log(
      `block ${b.minTime}-${b.maxTime}: ${b.stats.numSamples} samples, ${b.stats.numSeries} series, ${bytes} bytes = ${(bytes / b.stats.numSamples).toFixed(3)} bytes/sample (chunks alone ${(chunkBytes / b.stats.numSamples).toFixed(3)})`
    );
  }

  // 4. Select latency over blocks and head.
  const timeSelect = (label: string, matchers: Matcher[], mint: number): void => {
    const runs = 5;
    let samples = 0;
    let t0 = 0;
    // Run 0 warms up the JIT and is not timed.
    for (let r = -1; r < runs; r++) {
      if (r === 0) {
        t0 = performance.now();
        samples = 0;
      }
      const q = db.querier(mint, end);
      for (const s of q.select(true, undefined, matchers)) {
        const it = s.iterator();
        while (it.next()) samples++;
      }
      q.close();
    }
    const ms = (performance.now() - t0) / runs;
    console.log(`select ${label}: ${ms.toFixed(2)} ms (${samples / runs} samples)`);
  };
  const someName = source.labels[3].find((l) => l.name === '__name__')!.value;
  timeSelect(
    'one series, last 1h',
    [
      new Matcher('=', 'series_id', '42'),
      new Matcher('=', '__name__', source.labels[42].find((l) => l.name === '__name__')!.value),
    ],
    end - 3600_000
  );
  timeSelect(`one metric name, last 1h`, [new Matcher('=', '__name__', someName)], end - 3600_000);
  timeSelect(`one metric name, everything`, [new Matcher('=', '__name__', someName)], -Infinity);
  timeSelect(
    'regex on two labels, last 5m',
    [new Matcher('=~', 'service', 'service-[1-3]'), new Matcher('=', 'method', 'method-1')],
    end - 300_000
  );

  await db.close();
  fs.rmSync(dir, { recursive: true, force: true });
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
