// Child process of the crash test: appends and commits in a loop, printing `commit <t>` after
// each commit returns, until the parent kills it. Small blocks make head cuts, compactions and
// WAL checkpoints happen while it runs. Each commit also carries one out-of-order sample per
// series, between the two samples committed before it.
import { labelsFromRecord } from '../../model/labels';
import { TSDB } from '../db';

export const CRASH_SERIES = 20;
export const CRASH_STEP_MS = 100;
/** How far behind a commit's new samples its out-of-order samples lie. */
export const CRASH_OUT_OF_ORDER_MS = 150;
export const CRASH_DB_OPTIONS = {
  minBlockDurationMs: 1000,
  maxBlockDurationMs: 9000,
  retentionTimeMs: 0,
  walFsync: 'commit' as const,
  outOfOrderTimeWindowMs: 400,
};

export function crashValue(series: number, t: number): number {
  return t / 1000 + series * 0.25;
}

export const crashLabels = Array.from({ length: CRASH_SERIES }, (_, i) =>
  labelsFromRecord({ __name__: 'crash_test', series: String(i) })
);

async function main(dir: string): Promise<void> {
  const db = await TSDB.open(dir, CRASH_DB_OPTIONS);
  const maxT = db.head.maxT();
  let t = Number.isFinite(maxT) ? maxT + CRASH_STEP_MS : 0;
  process.stdout.write('ready\n');
  for (;;) {
    const app = db.appender();
    const late = t - CRASH_OUT_OF_ORDER_MS;
    for (let i = 0; i < CRASH_SERIES; i++) {
      app.append(0, crashLabels[i], t, crashValue(i, t));
      if (late >= 0) app.append(0, crashLabels[i], late, crashValue(i, late));
    }
    await app.commit();
    process.stdout.write(`commit ${t}\n`);
    t += CRASH_STEP_MS;
  }
}

if (require.main === module) {
  main(process.argv[process.argv.length - 1]).catch((err: Error) => {
    process.stderr.write(`crash child failed: ${err.stack ?? err.message}\n`);
    process.exit(1);
  });
}
