// The query editor in headless Chromium against a running flint: the harness page's resource
// calls are passed to flint as Grafana passes them to the plugin backend, so the completions
// and the metric browser show metric names flint has scraped from itself.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build, stop as stopEsbuild } from 'esbuild';
import { chromium, type Browser, type Page } from 'playwright-core';

const ROOT = join(__dirname, '..');
const ARTIFACTS = join(ROOT, 'test-artifacts');
const RESOURCES = '/api/datasources/uid/flint/resources/';

let workDir: string;
let flint: ChildProcess | undefined;
let flintPort: number;
let harness: Server | undefined;
let harnessUrl: string;
let browser: Browser | undefined;
let page: Page;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

async function waitFor<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  while (Date.now() < deadline) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
    } catch (e) {
      lastError = e;
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`timed out waiting for ${what}${lastError ? `: ${String(lastError)}` : ''}`);
}

async function startFlint(): Promise<void> {
  flintPort = await freePort();
  const config = join(workDir, 'flint.yml');
  writeFileSync(
    config,
    `global:\n  scrape_interval: 1s\nscrape_configs:\n  - job_name: flint\n    static_configs:\n      - targets: ['127.0.0.1:${flintPort}']\n`
  );
  flint = spawn(
    process.execPath,
    [
      join(ROOT, 'pkg-ts-backend', 'bin', 'flint.js'),
      `--config.file=${config}`,
      `--web.listen-address=127.0.0.1:${flintPort}`,
      `--storage.tsdb.path=${join(workDir, 'data')}`,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'] }
  );
  let stderr = '';
  flint.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  await waitFor(`flint to scrape itself (stderr: ${stderr})`, 30_000, async () => {
    const response = await fetch(`http://127.0.0.1:${flintPort}/api/v1/label/__name__/values`);
    const body = (await response.json()) as { data?: string[] };
    return body.data?.includes('flint_build_info') ? true : undefined;
  });
}

/** Serves the bundled harness page and passes resource calls to flint's API. */
async function startHarness(): Promise<void> {
  const outdir = join(workDir, 'harness');
  await build({
    entryPoints: [join(ROOT, 'src', 'test', 'harness', 'editorHarness.tsx')],
    bundle: true,
    outfile: join(outdir, 'app.js'),
    format: 'iife',
    jsx: 'automatic',
    define: { 'process.env.NODE_ENV': '"production"' },
    loader: { '.svg': 'text', '.css': 'empty', '.woff2': 'empty', '.ttf': 'empty', '.png': 'empty' },
    logLevel: 'error',
  });
  // esbuild keeps a service process for later builds; this test makes no more.
  await stopEsbuild();
  const page =
    '<!doctype html><html><head><meta charset="utf-8"><title>Flint query editor</title></head><body style="margin:0"><div id="root"></div><script src="app.js"></script></body></html>';
  harness = createServer((req, res) => {
    const url = req.url ?? '/';
    if (url.startsWith(RESOURCES)) {
      const upstream = httpRequest(
        {
          host: '127.0.0.1',
          port: flintPort,
          path: `/${url.slice(RESOURCES.length)}`,
          method: req.method,
          headers: req.headers,
          agent: false,
        },
        (answer) => {
          res.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(res);
        }
      );
      upstream.on('error', (e) => res.writeHead(502).end(String(e)));
      req.pipe(upstream);
      return;
    }
    if (url === '/app.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript' });
      res.end(readFileSync(join(outdir, 'app.js')));
      return;
    }
    res.writeHead(200, { 'Content-Type': 'text/html' });
    res.end(page);
  });
  await new Promise<void>((resolve) => harness!.listen(0, '127.0.0.1', resolve));
  harnessUrl = `http://127.0.0.1:${(harness.address() as AddressInfo).port}/`;
}

beforeAll(async () => {
  workDir = mkdtempSync(join(tmpdir(), 'flint-editor-'));
  mkdirSync(ARTIFACTS, { recursive: true });
  await Promise.all([startFlint(), startHarness()]);
  browser = await chromium.launch({
    executablePath: '/usr/bin/chromium',
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking'],
  });
  page = await browser.newPage({ viewport: { width: 1200, height: 700 } });
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(String(e)));
  await page.goto(harnessUrl);
  await page.waitForSelector('.cm-content', { timeout: 20_000 }).catch((e: unknown) => {
    throw new Error(`the editor did not render: ${errors.join('; ') || String(e)}`);
  });
}, 90_000);

afterAll(async () => {
  await browser?.close();
  if (harness) {
    const closed = new Promise((resolve) => harness!.close(resolve));
    harness.closeAllConnections();
    await closed;
  }
  if (flint && flint.exitCode === null) {
    const exited = new Promise((resolve) => flint!.once('exit', resolve));
    flint.kill('SIGTERM');
    await Promise.race([exited, new Promise((resolve) => setTimeout(resolve, 5000))]);
    if (flint.exitCode === null) flint.kill('SIGKILL');
  }
  rmSync(workDir, { recursive: true, force: true });
});

test('typing a metric name completes it from the names flint has', async () => {
  await page.click('.cm-content');
  await page.keyboard.type('flint_tsdb_head_s');
  const options = page.locator('.cm-tooltip-autocomplete li');
  await options.first().waitFor({ timeout: 15_000 });
  const labels = await options.allTextContents();
  expect(labels.some((l) => l.startsWith('flint_tsdb_head_series'))).toBe(true);
  await page.screenshot({ path: join(ARTIFACTS, 'editor-completion.png') });
  // Accepting the completion writes the name into the query.
  await page
    .locator('.cm-tooltip-autocomplete li', { hasText: /^flint_tsdb_head_series/ })
    .first()
    .click();
  await page.waitForFunction(() =>
    document.querySelector('.cm-content')?.textContent?.startsWith('flint_tsdb_head_series')
  );
}, 60_000);

test('label names and values are completed inside a selector', async () => {
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('up{');
  const options = page.locator('.cm-tooltip-autocomplete li');
  await options.first().waitFor({ timeout: 15_000 });
  expect(await options.allTextContents()).toEqual(expect.arrayContaining([expect.stringContaining('job')]));
  // The closing quote and brace are inserted by the editor as the opening ones are typed.
  await page.keyboard.type('job="fl');
  await page.locator('.cm-tooltip-autocomplete li', { hasText: 'flint' }).first().waitFor({ timeout: 15_000 });
  expect(await page.locator('.cm-content').textContent()).toBe('up{job="fl"}');
  await page.screenshot({ path: join(ARTIFACTS, 'editor-label-values.png') });
  await page.keyboard.press('Escape');
}, 60_000);

test('a parse error is shown under the editor', async () => {
  await page.click('.cm-content');
  await page.keyboard.press('Control+A');
  await page.keyboard.type('flint_build_info flint_ready');
  await page.keyboard.press('Escape');
  const alert = page.getByRole('alert');
  await alert.waitFor({ timeout: 10_000 });
  expect(await alert.textContent()).toContain('syntax error: unexpected');
  await page.locator('.cm-lintRange-error').first().waitFor({ timeout: 5_000 });
}, 30_000);

test('the metric browser searches flint and builds a selector', async () => {
  await page.getByRole('button', { name: /Metrics browser/ }).click();
  await page.getByLabel('Search metrics').fill('build_info');
  const metric = page.getByRole('list', { name: 'Metrics' }).getByRole('button', { name: 'flint_build_info' });
  await metric.waitFor({ timeout: 10_000 });
  await metric.click();
  await page.getByRole('list', { name: 'Labels' }).getByRole('button', { name: 'job', exact: true }).click();
  await page.getByRole('list', { name: 'Label values' }).getByRole('button', { name: 'flint', exact: true }).click();
  expect(await page.getByLabel('Selector').textContent()).toBe('flint_build_info{job="flint"}');
  await page.screenshot({ path: join(ARTIFACTS, 'editor-metric-browser.png') });
  await page.getByRole('button', { name: 'Use query' }).click();
  await page.waitForFunction(
    () => document.querySelector('.cm-content')?.textContent === 'flint_build_info{job="flint"}'
  );
  const model = JSON.parse((await page.getByTestId('query-model').textContent()) ?? '{}') as {
    expr: string;
    runs: number;
  };
  expect(model.expr).toBe('flint_build_info{job="flint"}');
  expect(model.runs).toBeGreaterThan(0);
}, 60_000);
