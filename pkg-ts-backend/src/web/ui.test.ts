import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { nopLogger } from '../util/log';
import { WebServer } from './server';
import { registerUi } from './ui';

describe('built-in UI routes', () => {
  let web: WebServer;
  let base: string;
  beforeAll(async () => {
    const dir = mkdtempSync(join(tmpdir(), 'flint-ui-'));
    writeFileSync(join(dir, 'graph.js'), 'console.log("graph")');
    web = new WebServer({ listenAddress: '127.0.0.1:0', enableLifecycle: false, readTimeoutMs: 5000, maxConnections: 10, logger: nopLogger });
    registerUi(web.router, dir);
    base = `http://127.0.0.1:${(await web.listen()).port}`;
  });
  afterAll(() => web.close());

  it('redirects / to the query page', async () => {
    const res = await fetch(`${base}/`, { redirect: 'manual' });
    expect(res.status).toBe(302);
    expect(res.headers.get('location')).toBe('./query');
  });

  it('serves page shells that load only their own bundle', async () => {
    const q = await (await fetch(`${base}/query`)).text();
    expect(q).toContain('static/graph.js');
    expect(q).not.toContain('static/status.js');
    const t = await (await fetch(`${base}/targets`)).text();
    expect(t).toContain('data-page="targets"');
    expect(t).toContain('static/status.js');
    expect(t).not.toContain('graph.js');
  });

  it('serves static files and refuses paths outside the static folder', async () => {
    const js = await fetch(`${base}/static/graph.js`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
    expect((await fetch(`${base}/static/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
    expect((await fetch(`${base}/static/missing.js`)).status).toBe(404);
  });
});
