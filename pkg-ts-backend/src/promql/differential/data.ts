// The seeded sample set both servers receive: counters with resets, gauges crossing zero, a
// classic histogram and series that start late or stop early (lookback and absent()).
import { seededRandom, Random } from './random';

export interface GeneratedSample {
  timestamp: number;
  value: number;
}

export interface GeneratedSeries {
  labels: Record<string, string>;
  samples: GeneratedSample[];
}

export interface DataLayout {
  /** Timestamp (ms) of the first sample of every full-length series. */
  firstSampleMs: number;
  intervalMs: number;
  points: number;
}

export const HISTOGRAM_BOUNDS = ['0.05', '0.1', '0.25', '0.5', '1', '2.5', '+Inf'];

function series(
  layout: DataLayout,
  labels: Record<string, string>,
  value: (i: number) => number,
  from = 0,
  to = layout.points
): GeneratedSeries {
  const samples: GeneratedSample[] = [];
  for (let i = from; i < to; i++)
    samples.push({ timestamp: layout.firstSampleMs + i * layout.intervalMs, value: value(i) });
  return { labels, samples };
}

/** A counter that grows by fractional steps and occasionally restarts from a small value. */
function counterValues(rnd: Random, points: number, resetChance: number): number[] {
  const out: number[] = [];
  let v = Math.floor(rnd.next() * 50);
  for (let i = 0; i < points; i++) {
    if (i > 0 && rnd.chance(resetChance)) v = Math.floor(rnd.next() * 3);
    // Sometimes flat, so that changes(), resets() and irate() see equal neighbours.
    else if (!rnd.chance(0.1)) v += Math.round(rnd.next() * 700) / 100;
    out.push(v);
  }
  return out;
}

export function generateData(seed: number, layout: DataLayout): GeneratedSeries[] {
  const rnd = seededRandom(seed);
  const out: GeneratedSeries[] = [];
  const { points } = layout;
  for (const job of ['api', 'db']) {
    for (const instance of ['a:9090', 'b:9090']) {
      for (const code of ['200', '500']) {
        const values = counterValues(rnd, points, code === '500' ? 0.03 : 0.01);
        out.push(series(layout, { __name__: 'http_requests_total', job, instance, code }, (i) => values[i]));
      }
      const phase = rnd.next() * 6;
      const noise = Array.from({ length: points }, () => rnd.next());
      out.push(
        series(
          layout,
          { __name__: 'temperature_celsius', job, instance, room: `${instance[0]}-${job}` },
          (i) => Math.round((5 + 15 * Math.sin(phase + i / 25) + 3 * noise[i]) * 1000) / 1000
        )
      );
      let depth = rnd.int(5);
      const depths = Array.from({ length: points }, () => (depth = Math.max(-3, Math.min(12, depth + rnd.int(5) - 2))));
      out.push(series(layout, { __name__: 'queue_depth', job, instance }, (i) => depths[i]));
    }
  }
  for (const account of ['alice', 'bob', 'carol']) {
    const scale = 1 + rnd.next() * 100;
    const steps = Array.from({ length: points }, () => rnd.next());
    // Every seventh value is exactly zero; the rest straddle zero with fractions.
    out.push(
      series(layout, { __name__: 'account_balance', account, path: `/v1/${account}/ledger` }, (i) =>
        i % 7 === 3 ? 0 : Math.round((steps[i] - 0.45) * scale * 1e4) / 1e4
      )
    );
  }
  for (const job of ['api', 'db']) {
    const counts = HISTOGRAM_BOUNDS.map(() => 0);
    const perBucket = HISTOGRAM_BOUNDS.map(() => [] as number[]);
    const sums: number[] = [];
    const totals: number[] = [];
    let sum = 0;
    let total = 0;
    // The db histogram restarts once, all buckets together as a restarted process would.
    const resetAt = job === 'db' ? Math.floor(points * 0.6) : -1;
    for (let i = 0; i < points; i++) {
      if (i === resetAt) {
        counts.fill(0);
        sum = 0;
        total = 0;
      }
      const observations = 5 + rnd.int(20);
      for (let k = 0; k < observations; k++) {
        const obs = rnd.next() ** 2.5 * (job === 'api' ? 2 : 4);
        sum += obs;
        total++;
        HISTOGRAM_BOUNDS.forEach((b, bi) => {
          if (obs <= Number(b === '+Inf' ? Infinity : b)) counts[bi]++;
        });
      }
      HISTOGRAM_BOUNDS.forEach((_b, bi) => perBucket[bi].push(counts[bi]));
      sums.push(sum);
      totals.push(total);
    }
    HISTOGRAM_BOUNDS.forEach((le, bi) =>
      out.push(series(layout, { __name__: 'request_duration_seconds_bucket', job, le }, (i) => perBucket[bi][i]))
    );
    out.push(series(layout, { __name__: 'request_duration_seconds_sum', job }, (i) => sums[i]));
    out.push(series(layout, { __name__: 'request_duration_seconds_count', job }, (i) => totals[i]));
  }
  // Sensors that sometimes read NaN or an infinity (plain NaN, not staleness markers).
  for (const sensor of ['s1', 's2']) {
    const readings = Array.from({ length: points }, () => Math.round((rnd.next() - 0.3) * 1e5) / 1e3);
    out.push(
      series(layout, { __name__: 'sensor_reading', sensor }, (i) =>
        i % 11 === 5 ? NaN : i % 29 === 13 ? (sensor === 's1' ? Infinity : -Infinity) : readings[i]
      )
    );
  }
  // A batch job that stopped reporting after the first third, and a metric that appears late.
  out.push(
    series(layout, { __name__: 'batch_last_success', job: 'batch' }, (i) => 1e9 + i * 15, 0, Math.floor(points / 3))
  );
  out.push(
    series(
      layout,
      { __name__: 'late_gauge', job: 'api' },
      (i) => Math.round(Math.cos(i / 5) * 1e3) / 1e3,
      Math.floor(points / 2)
    )
  );
  return out;
}
