// Head-cut benchmark: how long the event loop stalls while a large head is written as a block
// (with the WAL checkpoint and head truncation that follow), and the block's bytes per sample.
// Build with the full config, then run:
//   npx tsc -p pkg-ts-backend/tsconfig.json
//   node pkg-ts-backend/dist/tsdb/cut.bench.js [--series 100000] [--scrapes 20] [--interval-ms 5000] [--turns 0]
// Blocks are 60 s long here, so 20 scrapes 5 s apart make one cut of 12 samples per series,
// the shape of a short head snapshotted by the benchmark against Prometheus. The stall is the
// longest gap between event-loop turns (a setImmediate chain) and the maximum of
// perf_hooks.monitorEventLoopDelay, both wall clock (inflated on a loaded machine). The turn
// chain spins while the cut waits for the disk and costs CPU itself: `--turns 0` leaves it
// out to measure the cut's own CPU time.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { Labels, labelsFromRecord } from '../model/labels';
import { TSDB } from './db';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const BLOCK_MS = 60_000;

function dirBytes(dir: string): number {
  let total = 0;
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    total += e.isDirectory() ? dirBytes(p) : fs.statSync(p).size;
  }
  return total;
}

/** Counts event-loop turns and the longest gap between two, until stopped. */
class TurnCounter {
  turns = 0;
  maxGapMs = 0;
  private last = performance.now();
  private running = true;

  constructor() {
    setImmediate(() => this.tick());
  }

  private tick(): void {
    const now = performance.now();
    this.maxGapMs = Math.max(this.maxGapMs, now - this.last);
    this.last = now;
    this.turns++;
    if (this.running) setImmediate(() => this.tick());
  }

  stop(): void {
    this.running = false;
  }
}

async function main(): Promise<void> {
  const n = arg('series', 100_000);
  const scrapes = arg('scrapes', 20);
  const intervalMs = arg('interval-ms', 5000);
  const countTurns = arg('turns', 1) !== 0;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-cut-bench-'));
  const db = await TSDB.open(dir, { minBlockDurationMs: BLOCK_MS, walFsync: 'interval', retentionTimeMs: 0 });
  try {
    const labels: Labels[] = Array.from({ length: n }, (_, i) =>
      labelsFromRecord({
        __name__: `bench_metric_${i % 50}`,
        instance: `host-${Math.floor(i / 10_000)}:9100`,
        job: 'bench',
        series_id: String(i % 10_000),
        method: `method-${i % 4}`,
      })
    );
    const refs = new Array<number>(n).fill(0);
    const start = 1_700_000_040_000;
    let delay: ReturnType<typeof monitorEventLoopDelay> | undefined;
    let turns: TurnCounter | undefined;
    for (let k = 0; k < scrapes; k++) {
      const last = k === scrapes - 1;
      const app = db.appender();
      const t = start + k * intervalMs;
      for (let i = 0; i < n; i++) refs[i] = app.append(refs[i], labels[i], t, (i % 1000) + k * (i % 7));
      if (last) {
        // The histogram needs a few idle samples before the measured stretch.
        delay = monitorEventLoopDelay({ resolution: 1 });
        delay.enable();
        await sleep(50);
        if (countTurns) turns = new TurnCounter();
      }
      await app.commit();
    }
    const cpu0 = process.cpuUsage();
    const wall0 = performance.now();
    await db.compact();
    await sleep(20);
    turns?.stop();
    delay!.disable();
    const cpu = process.cpuUsage(cpu0);
    const metas = db.blocks();
    const samples = metas.reduce((s, m) => s + m.stats.numSamples, 0);
    let blockBytes = 0;
    let indexBytes = 0;
    for (const m of metas) {
      blockBytes += dirBytes(path.join(dir, m.ulid));
      indexBytes += fs.statSync(path.join(dir, m.ulid, 'index')).size;
    }
    console.log(
      JSON.stringify({
        series: n,
        blocks: metas.length,
        samples,
        cutWallMs: Math.round(performance.now() - wall0),
        cutCpuMs: Math.round((cpu.user + cpu.system) / 1000),
        maxTurnGapMs: turns ? Math.round(turns.maxGapMs) : undefined,
        maxEventLoopDelayMs: Math.round(delay!.max / 1e6),
        turns: turns?.turns,
        blockBytesPerSample: Number((blockBytes / samples).toFixed(3)),
        indexBytesPerSeries: Number((indexBytes / n).toFixed(1)),
      })
    );
  } finally {
    await db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err: Error) => {
  console.error(err);
  process.exit(1);
});
