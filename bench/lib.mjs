// Process and HTTP helpers shared by the benchmark runner and the reliability suite.
import { spawn, execFileSync } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import http from 'node:http';
import { dirname, join } from 'node:path';
import { URLSearchParams, fileURLToPath } from 'node:url';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');
export const FLINT_ENTRY = join(ROOT, 'pkg-ts-backend', 'bin', 'flint.js');
export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const VICTORIA_METRICS_BIN = '/usr/bin/victoria-metrics';
export const GENERATOR = join(ROOT, 'bench', 'generator.mjs');

const CLOCK_TICKS = Number(execFileSync('getconf', ['CLK_TCK']).toString().trim()) || 100;
const PAGE_SIZE = 4096;

export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

export async function freePort() {
  const server = http.createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function waitFor(what, probe, timeoutMs = 60_000, everyMs = 100) {
  const deadline = Date.now() + timeoutMs;
  let lastError;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      lastError = err;
    }
    await sleep(everyMs);
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${lastError.message}` : ''}`);
}

/** CPU seconds (user + system) and resident bytes of a live process, from /proc. */
export function processStats(pid) {
  const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  // Fields after the parenthesised command name; utime and stime are fields 14 and 15.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const cpuSeconds = (Number(fields[11]) + Number(fields[12])) / CLOCK_TICKS;
  const rssBytes = Number(fields[21]) * PAGE_SIZE;
  return { cpuSeconds, rssBytes };
}

export function dirBytes(path) {
  let total = 0;
  let entries;
  try {
    entries = readdirSync(path, { withFileTypes: true });
  } catch {
    return 0;
  }
  for (const entry of entries) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) total += dirBytes(full);
    else if (entry.isFile()) total += statSync(full).size;
  }
  return total;
}

/** Sum of every sample of one metric name in a /metrics page (all label sets). */
export async function metricSum(base, name, headers = {}) {
  const text = await (await fetch(`${base}/metrics`, { headers })).text();
  let sum = 0;
  let found = false;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name) || (line[name.length] !== ' ' && line[name.length] !== '{')) continue;
    sum += Number(line.slice(line.lastIndexOf(' ') + 1));
    found = true;
  }
  return found ? sum : undefined;
}

export function scrapeConfig({ targets, interval = '5s', timeout, extra = '' }) {
  return [
    'global:',
    `  scrape_interval: ${interval}`,
    `  scrape_timeout: ${timeout ?? interval}`,
    'scrape_configs:',
    '  - job_name: gen',
    '    static_configs:',
    `      - targets: [${targets.map((t) => `'${t}'`).join(', ')}]`,
    extra,
  ].join('\n');
}

/**
 * Starts flint or Prometheus with Prometheus's flag names, or VictoriaMetrics with its own
 * (`args` apply to flint and Prometheus only). Output is kept (last 64 KiB)
 * for error reports. kill() sends a signal; stop() sends SIGTERM and waits.
 */
export function startServer(kind, { configFile, dataDir, port, args = [] }) {
  const common = [
    `--config.file=${configFile}`,
    `--storage.tsdb.path=${dataDir}`,
    `--web.listen-address=127.0.0.1:${port}`,
    ...args,
  ];
  // VictoriaMetrics reads the same scrape config. Its response cache is off and data is visible
  // at once (it hides the last 30 s by default), so it answers the same queries over the same data.
  const victoria = [
    `-promscrape.config=${configFile}`,
    `-storageDataPath=${dataDir}`,
    `-httpListenAddr=127.0.0.1:${port}`,
    '-search.disableCache',
    '-search.latencyOffset=0s',
    '-loggerLevel=ERROR',
  ];
  const [cmd, argv] =
    kind === 'flint'
      ? [process.execPath, [FLINT_ENTRY, ...common]]
      : kind === 'victoriametrics'
        ? [VICTORIA_METRICS_BIN, victoria]
        : [PROMETHEUS_BIN, common];
  const proc = spawn(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  const keep = (chunk) => {
    output += chunk.toString();
    if (output.length > 65536) output = output.slice(-65536);
  };
  proc.stdout.on('data', keep);
  proc.stderr.on('data', keep);
  const exited = new Promise((resolve) => proc.once('exit', (code, signal) => resolve({ code, signal })));
  return {
    kind,
    proc,
    port,
    base: `http://127.0.0.1:${port}`,
    startedAt: Date.now(),
    exited,
    output: () => output,
    alive: () => proc.exitCode === null && proc.signalCode === null,
    kill: (signal = 'SIGKILL') => {
      proc.kill(signal);
      return exited;
    },
    async stop(graceMs = 20_000) {
      if (proc.exitCode !== null || proc.signalCode !== null) return exited;
      const timer = setTimeout(() => proc.kill('SIGKILL'), graceMs);
      proc.kill('SIGTERM');
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

/** Resolves when GET /-/ready answers 200; rejects early if the process exits. */
export async function waitReady(server, timeoutMs = 120_000, headers = {}) {
  let exitedEarly = false;
  server.exited.then(() => (exitedEarly = true));
  return waitFor(
    `${server.kind} ready`,
    async () => {
      if (exitedEarly)
        throw Object.assign(new Error(`${server.kind} exited:\n${server.output().slice(-2000)}`), { fatal: true });
      const res = await fetch(`${server.base}/-/ready`, { headers });
      return res.status === 200 ? true : undefined;
    },
    timeoutMs,
    50
  ).catch((err) => {
    if (exitedEarly) throw new Error(`${server.kind} exited before ready:\n${server.output().slice(-2000)}`);
    throw err;
  });
}

export function startGeneratorProcess(args) {
  const proc = spawn(process.execPath, [GENERATOR, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let output = '';
  proc.stderr.on('data', (d) => (output += d.toString()));
  const exited = new Promise((resolve) => proc.once('exit', resolve));
  return {
    proc,
    output: () => output,
    async stop() {
      if (proc.exitCode === null && proc.signalCode === null) proc.kill('SIGTERM');
      await exited;
    },
  };
}

export async function apiQuery(base, path, params, init = {}) {
  const res = await fetch(`${base}${path}?${new URLSearchParams(params)}`, init);
  const text = await res.text();
  let body;
  try {
    body = JSON.parse(text);
  } catch {
    body = { raw: text };
  }
  return { status: res.status, body };
}
