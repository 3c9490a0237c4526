// The built-in UI in headless Chromium against a running flint: type a query, see the graph
// and the table, open Targets and see the target up. Screenshots go to test-artifacts/.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, Browser } from 'playwright-core';
import { FLINT_BIN, freePort, instantQuery, Peer, startPeer, waitFor } from '../testutil/peers';

const CHROMIUM = '/usr/bin/chromium';
const ARTIFACTS = path.join(__dirname, '..', '..', '..', 'test-artifacts');

(fs.existsSync(CHROMIUM) ? describe : describe.skip)('built-in UI in Chromium', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-ui-browser-'));
  let flint: Peer;
  let base: string;
  let browser: Browser;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    fs.writeFileSync(path.join(dir, 'flint.yml'), `global: {scrape_interval: 1s}\nscrape_configs:\n  - job_name: flint\n    static_configs: [{targets: ['127.0.0.1:${port}']}]\n`);
    flint = startPeer(process.execPath, [FLINT_BIN, `--config.file=${path.join(dir, 'flint.yml')}`, `--storage.tsdb.path=${path.join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn']);
    await waitFor('flint to scrape itself twice', async () => {
      const r = await instantQuery(base, 'count_over_time(up[1m])');
      return r.length === 1 && Number(r[0].value[1]) >= 2 ? true : undefined;
    });
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
    });
    fs.mkdirSync(ARTIFACTS, { recursive: true });
  }, 60_000);

  afterAll(async () => {
    await browser?.close();
    await flint?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs a query and shows the graph and the table', async () => {
    const page = await browser.newPage({ viewport: { width: 1200, height: 800 } });
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    await page.goto(`${base}/query`);
    await page.locator('#expr .cm-content').click();
    await page.keyboard.type('up');
    await page.locator('#execute').click();
    await page.locator('#graph canvas').first().waitFor({ timeout: 15_000 });
    expect(await page.locator('#graph').textContent()).toContain('up{instance=');
    await page.screenshot({ path: path.join(ARTIFACTS, 'ui-graph.png') });

    await page.locator('#tab-table').click();
    const table = page.locator('#results-table');
    await table.waitFor({ timeout: 15_000 });
    expect(await table.textContent()).toMatch(/up\{instance="127\.0\.0\.1:\d+", job="flint"\}\s*1/);
    await page.screenshot({ path: path.join(ARTIFACTS, 'ui-table.png') });
    expect(errors).toEqual([]);
    await page.close();
  }, 60_000);

  it('shows a parse error inline', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/query?g0.tab=1&g0.expr=${encodeURIComponent('sum(rate(up[5m])')}`);
    const err = page.locator('.error');
    await err.waitFor({ timeout: 15_000 });
    expect(await err.textContent()).toContain('bad_data');
    await page.close();
  }, 30_000);

  it('completes metric names from flint', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/query`);
    await page.locator('#expr .cm-content').click();
    await page.keyboard.type('flint_tsdb_head_se');
    const option = page.locator('.cm-tooltip-autocomplete li', { hasText: 'flint_tsdb_head_series' });
    await option.first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: path.join(ARTIFACTS, 'ui-completion.png') });
    await page.close();
  }, 30_000);

  it('lists the target as up on the Targets page', async () => {
    const page = await browser.newPage();
    await page.goto(`${base}/targets`);
    const t = page.locator('#targets');
    await t.waitFor({ timeout: 15_000 });
    const text = await t.textContent();
    expect(text).toContain('/metrics');
    expect(text).toContain('UP');
    await page.screenshot({ path: path.join(ARTIFACTS, 'ui-targets.png') });
    await page.close();
  }, 30_000);
});
