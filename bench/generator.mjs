#!/usr/bin/env node
// Seeded synthetic scrape targets for the benchmark and reliability suites.
//
//   node bench/generator.mjs --ports 19100-19109 --series 10000 --seed 7
//
// Each port is one instance with its own state and /metrics in the text format 0.0.4.
// The label sets of an instance are fixed by the seed; values move on every render, so
// two servers scraping the same instance see the same series and similar sample streams.
// --series counts exposed series exactly: a histogram label set is buckets + 2 series.
import http from 'node:http';
import { fileURLToPath } from 'node:url';

const USAGE = `usage: node bench/generator.mjs [--port P | --ports A-B | --ports P1,P2,...] [--host 127.0.0.1]
  [--series N] [--families F] [--counter-frac C] [--hist-frac H] [--buckets B]
  [--churn X] [--seed S] [--cache-ms MS] [--duration SECONDS]
  --series N        series per instance (default 1000)
  --families F      metric families per instance (default 20)
  --counter-frac C  share of non-histogram families that are counters (default 0.6; rest gauges)
  --hist-frac H     share of families that are histograms (default 0.1)
  --buckets B       buckets per histogram including +Inf (default 8)
  --churn X         share of label sets given a new identity on every render (default 0)
  --cache-ms MS     renders closer than this serve the previous body (default 200)
  --duration S      exit after S seconds (default 0: until SIGTERM)`;

/** Small seedable PRNG (mulberry32-style mixing), returns floats in [0, 1). */
export function seededRandom(seed) {
  let state = seed >>> 0 || 1;
  return () => {
    state = (state + 0x9e3779b9) >>> 0;
    let x = state;
    x = Math.imul(x ^ (x >>> 16), 0x85ebca6b);
    x = Math.imul(x ^ (x >>> 13), 0xc2b2ae35);
    return ((x ^ (x >>> 16)) >>> 0) / 4294967296;
  };
}

const DIMENSIONS = [
  ['job_kind', 6],
  ['handler', 12],
  ['code', 4],
  ['shard', 16],
];

/**
 * One instance's families and label sets. Families are dealt out round-robin so every
 * kind gets its share of series; histogram label sets take buckets + 2 series each.
 */
export class GeneratedInstance {
  constructor(options, index) {
    this.options = options;
    this.random = seededRandom(options.seed * 2654435761 + index * 40503 + 17);
    this.renders = 0;
    this.cachedBody = '';
    this.cachedAt = 0;
    this.families = this.layOut();
  }

  layOut() {
    const { series, families: familyCount, histFrac, counterFrac, buckets } = this.options;
    const histogramCount = Math.min(familyCount, Math.round(familyCount * histFrac));
    const kinds = [];
    for (let f = 0; f < familyCount; f++) {
      if (f < histogramCount) kinds.push('histogram');
      else
        kinds.push(
          (f - histogramCount) / Math.max(1, familyCount - histogramCount) < counterFrac ? 'counter' : 'gauge'
        );
    }
    const families = kinds.map((kind, f) => ({
      kind,
      name:
        kind === 'histogram'
          ? `gen_latency_${f}_seconds`
          : kind === 'counter'
            ? `gen_events_${f}_total`
            : `gen_level_${f}`,
      units: [],
    }));
    // Deal series to families until the exact count is reached.
    let remaining = series;
    let unit = 0;
    for (let f = 0; remaining > 0; f = (f + 1) % families.length) {
      const family = families[f];
      const cost = family.kind === 'histogram' ? buckets + 2 : 1;
      if (cost > remaining) {
        if (families.every((fam) => fam.kind === 'histogram')) break;
        continue;
      }
      family.units.push(this.newUnit(family.kind, unit++));
      remaining -= cost;
    }
    this.nextUnitId = unit;
    return families.filter((family) => family.units.length > 0);
  }

  newUnit(kind, id) {
    let labels = `id="u${id}"`;
    for (const [name, cardinality] of DIMENSIONS) labels += `,${name}="${name}${(id * 7 + name.length) % cardinality}"`;
    const unit = { labels, value: 0, step: 0.5 + this.random() * 20 };
    if (kind === 'histogram') {
      unit.buckets = new Float64Array(this.options.buckets);
      unit.sum = 0;
    } else if (kind === 'gauge') {
      unit.value = Math.round(this.random() * 1000);
    }
    return unit;
  }

  advance() {
    const { churn, buckets } = this.options;
    for (const family of this.families) {
      for (let u = 0; u < family.units.length; u++) {
        if (churn > 0 && this.random() < churn) {
          family.units[u] = this.newUnit(family.kind, this.nextUnitId++);
          continue;
        }
        const unit = family.units[u];
        if (family.kind === 'counter') unit.value += Math.floor(this.random() * unit.step);
        else if (family.kind === 'gauge')
          unit.value = Math.round((unit.value + (this.random() - 0.5) * unit.step) * 100) / 100;
        else {
          const observations = 1 + Math.floor(this.random() * unit.step);
          for (let o = 0; o < observations; o++) {
            const seconds = Math.exp(this.random() * 6 - 5);
            unit.sum += seconds;
            const slot = Math.min(buckets - 1, Math.floor(Math.log2(1 + seconds * 100)));
            unit.buckets[slot] += 1;
          }
        }
      }
    }
  }

  render() {
    const now = Date.now();
    if (this.cachedBody && now - this.cachedAt < this.options.cacheMs) return this.cachedBody;
    this.advance();
    this.renders++;
    const parts = [];
    const bounds = histogramBounds(this.options.buckets);
    for (const family of this.families) {
      parts.push(`# HELP ${family.name} Generated ${family.kind}.\n# TYPE ${family.name} ${family.kind}\n`);
      for (const unit of family.units) {
        if (family.kind !== 'histogram') {
          parts.push(`${family.name}{${unit.labels}} ${unit.value}\n`);
          continue;
        }
        const base = family.name;
        let cumulative = 0;
        for (let b = 0; b < bounds.length; b++) {
          cumulative += unit.buckets[b];
          parts.push(`${base}_bucket{${unit.labels},le="${bounds[b]}"} ${cumulative}\n`);
        }
        parts.push(
          `${base}_sum{${unit.labels}} ${Math.round(unit.sum * 1000) / 1000}\n${base}_count{${unit.labels}} ${cumulative}\n`
        );
      }
    }
    this.cachedBody = parts.join('');
    this.cachedAt = now;
    return this.cachedBody;
  }
}

function histogramBounds(buckets) {
  const bounds = [];
  for (let b = 0; b < buckets - 1; b++) bounds.push(String((2 ** (b + 1) - 1) / 100));
  bounds.push('+Inf');
  return bounds;
}

export function parseGeneratorArgs(argv) {
  const options = {
    host: '127.0.0.1',
    ports: [19100],
    series: 1000,
    families: 20,
    counterFrac: 0.6,
    histFrac: 0.1,
    buckets: 8,
    churn: 0,
    seed: 1,
    cacheMs: 200,
    duration: 0,
  };
  const numeric = {
    '--series': 'series',
    '--families': 'families',
    '--counter-frac': 'counterFrac',
    '--hist-frac': 'histFrac',
    '--buckets': 'buckets',
    '--churn': 'churn',
    '--seed': 'seed',
    '--cache-ms': 'cacheMs',
    '--duration': 'duration',
  };
  for (let i = 0; i < argv.length; i++) {
    const [flag, inline] = argv[i].split('=', 2);
    const value = () => inline ?? argv[++i];
    if (flag === '--help' || flag === '-h') {
      console.log(USAGE);
      process.exit(0);
    } else if (flag === '--host') options.host = value();
    else if (flag === '--port') options.ports = [Number(value())];
    else if (flag === '--ports') {
      const spec = value() ?? '';
      const match = /^(\d+)-(\d+)$/.exec(spec);
      if (match) {
        options.ports = [];
        for (let p = Number(match[1]); p <= Number(match[2]); p++) options.ports.push(p);
      } else if (/^\d+(,\d+)*$/.test(spec)) options.ports = spec.split(',').map(Number);
      else throw new Error('--ports wants A-B or a comma-separated list');
    } else if (flag in numeric) {
      const n = Number(value());
      if (!Number.isFinite(n)) throw new Error(`${flag} wants a number`);
      options[numeric[flag]] = n;
    } else throw new Error(`unknown flag ${flag}\n${USAGE}`);
  }
  if (options.buckets < 2) throw new Error('--buckets must be at least 2');
  if (options.families < 1 || options.series < 1) throw new Error('--series and --families must be positive');
  return options;
}

/** Starts one HTTP server per port; resolves with a close() for all of them. */
export async function startGenerator(options) {
  const servers = await Promise.all(
    options.ports.map(
      (port, index) =>
        new Promise((resolve, reject) => {
          const instance = new GeneratedInstance(options, index);
          const server = http.createServer((req, res) => {
            if (req.url === '/metrics' || req.url?.startsWith('/metrics?')) {
              res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' });
              res.end(instance.render());
            } else if (req.url === '/stats') {
              res.writeHead(200, { 'content-type': 'application/json' });
              res.end(JSON.stringify({ renders: instance.renders }));
            } else {
              res.writeHead(404).end();
            }
          });
          server.once('error', reject);
          server.listen(port, options.host, () => resolve(server));
        })
    )
  );
  return {
    close: () =>
      Promise.all(
        servers.map(
          (s) =>
            new Promise((r) => {
              s.close(r);
              s.closeAllConnections();
            })
        )
      ),
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  let options;
  try {
    options = parseGeneratorArgs(process.argv.slice(2));
  } catch (err) {
    console.error(err.message);
    process.exit(2);
  }
  const generator = await startGenerator(options);
  const stop = async () => {
    await generator.close();
    process.exit(0);
  };
  process.on('SIGTERM', stop);
  process.on('SIGINT', stop);
  if (options.duration > 0) setTimeout(stop, options.duration * 1000).unref();
  console.error(
    `generator: ${options.ports.length} instance(s) x ${options.series} series on ${options.host}:${options.ports[0]}${options.ports.length > 1 ? `-${options.ports.at(-1)}` : ''}`
  );
}
