// Parse throughput benchmark: `node dist/textparse/parseBenchmark.js [--series N] [--rounds R]`.
// Builds a synthetic exposition shaped like a busy exporter (counters, gauges, histograms, 4
// labels per series) in both formats and reports samples/s for the ways callers use a parser.
import { Entry, parseExposition, parserFor } from './index';
import type { ExpositionFormat } from './types';

export interface SyntheticExposition {
  text: string;
  openMetrics: string;
  samples: number;
}

/** About `series` samples in families of 100, every tenth family a 10-bucket histogram. */
export function syntheticExposition(series: number): SyntheticExposition {
  const prom: string[] = [];
  const om: string[] = [];
  let samples = 0;
  const buckets = ['0.005', '0.01', '0.05', '0.1', '0.5', '1', '2.5', '5', '10', '+Inf'];
  for (let f = 0; samples < series; f++) {
    const kind = f % 10 === 9 ? 'histogram' : f % 2 === 0 ? 'counter' : 'gauge';
    const name = `app_metric_${f}_${kind === 'counter' ? 'requests' : kind === 'gauge' ? 'level' : 'latency_seconds'}`;
    prom.push(`# HELP ${name} Synthetic ${kind} number ${f}.`, `# TYPE ${name} ${kind}`);
    om.push(`# TYPE ${name} ${kind}`, `# HELP ${name} Synthetic ${kind} number ${f}.`);
    const perFamily = kind === 'histogram' ? 10 : 100;
    for (let s = 0; s < perFamily && samples < series; s++) {
      const ls = `service="svc-${s % 7}",method="${['GET', 'POST', 'PUT'][s % 3]}",series_id="${f}-${s}"`;
      if (kind === 'histogram') {
        let cum = 0;
        for (const le of buckets) {
          cum += s + 1;
          prom.push(`${name}_bucket{${ls},le="${le}"} ${cum}`);
          om.push(`${name}_bucket{${ls},le="${le}"} ${cum}`);
        }
        prom.push(`${name}_sum{${ls}} ${(cum * 0.37).toFixed(3)}`, `${name}_count{${ls}} ${cum}`);
        om.push(`${name}_sum{${ls}} ${(cum * 0.37).toFixed(3)}`, `${name}_count{${ls}} ${cum}`);
        samples += buckets.length + 2;
      } else if (kind === 'counter') {
        const v = s * 1013 + f;
        prom.push(`${name}_total{${ls}} ${v}`);
        om.push(`${name}_total{${ls}} ${v}`);
        samples++;
      } else {
        const v = ((s * 7.31 + f) % 100).toFixed(3);
        prom.push(`${name}{${ls}} ${v}`);
        om.push(`${name}{${ls}} ${v}`);
        samples++;
      }
    }
  }
  om.push('# EOF');
  return { text: prom.join('\n') + '\n', openMetrics: om.join('\n') + '\n', samples };
}

type Mode = 'keys' | 'labels' | 'columns';

/** One pass; returns the number of samples seen (so the work cannot be optimised away). */
function runOnce(mode: Mode, format: ExpositionFormat, body: Buffer): number {
  if (mode === 'columns')
    return parseExposition(body, format === 'openmetrics' ? 'application/openmetrics-text' : 'text/plain').length;
  const p = parserFor(format, body);
  let n = 0;
  let checksum = 0;
  for (let e = p.next(); e !== Entry.End; e = p.next()) {
    if (e !== Entry.Series) continue;
    n++;
    if (mode === 'keys') checksum += p.series().length + p.value();
    else checksum += p.labels().length + p.value();
  }
  return checksum === -1 ? 0 : n;
}

export interface BenchResult {
  format: ExpositionFormat;
  mode: Mode;
  /** Per CPU-second of this process. */
  samplesPerSecond: number;
  /** CPU milliseconds per parse of the whole exposition. */
  msPerParse: number;
}

export function benchmarkParsers(
  series: number,
  rounds: number
): { samples: number; bytes: number; results: BenchResult[] } {
  const expo = syntheticExposition(series);
  const bodies: Record<ExpositionFormat, Buffer> = {
    'prometheus-text': Buffer.from(expo.text),
    openmetrics: Buffer.from(expo.openMetrics),
  };
  const results: BenchResult[] = [];
  for (const format of ['prometheus-text', 'openmetrics'] as const) {
    for (const mode of ['keys', 'labels', 'columns'] as const) {
      // Warm up until the JIT has settled on this path.
      for (let w = 0; w < 3; w++) runOnce(mode, format, bodies[format]);
      // CPU time, not wall time: on a shared machine other processes would otherwise count against us.
      const start = process.cpuUsage();
      let seen = 0;
      for (let r = 0; r < rounds; r++) seen += runOnce(mode, format, bodies[format]);
      const used = process.cpuUsage(start);
      const seconds = (used.user + used.system) / 1e6;
      results.push({ format, mode, samplesPerSecond: seen / seconds, msPerParse: (seconds * 1000) / rounds });
    }
  }
  return { samples: expo.samples, bytes: bodies['prometheus-text'].length, results };
}

function argValue(name: string, fallback: number): number {
  const i = process.argv.indexOf(name);
  return i >= 0 ? Number(process.argv[i + 1]) : fallback;
}

if (require.main === module) {
  const series = argValue('--series', 100_000);
  const rounds = argValue('--rounds', 10);
  const { samples, bytes, results } = benchmarkParsers(series, rounds);
  process.stdout.write(
    `exposition: ${samples} samples, ${(bytes / 1e6).toFixed(1)} MB (text format), ${rounds} rounds each\n`
  );
  process.stdout.write(
    'mode: keys = series text + value (scrape cache hit); labels = full label sets (cache miss); columns = parseExposition\n'
  );
  for (const r of results) {
    process.stdout.write(
      `${r.format.padEnd(16)} ${r.mode.padEnd(8)} ${(r.samplesPerSecond / 1e6).toFixed(2).padStart(6)} M samples per CPU-second  ${r.msPerParse.toFixed(1).padStart(8)} CPU ms/parse\n`
    );
  }
}
