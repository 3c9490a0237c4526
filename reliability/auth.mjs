// Auth: with --web.config.file basic auth, every endpoint (and unknown paths) answers 401
// without valid credentials, for missing, wrong and fast-check-generated Authorization
// headers; valid credentials are let through.
import fc from 'fast-check';
import { createRequire } from 'node:module';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect, scratch, startFlint } from './harness.mjs';

const require = createRequire(import.meta.url);
const bcrypt = require('bcryptjs');

const USER = 'admin';
const PASSWORD = 'correct horse';
const ENDPOINTS = [
  ['GET', '/'],
  ['GET', '/graph'],
  ['GET', '/-/ready'],
  ['GET', '/-/healthy'],
  ['POST', '/-/reload'],
  ['POST', '/-/quit'],
  ['GET', '/metrics'],
  ['GET', '/federate?match[]=up'],
  ['GET', '/api/v1/query?query=up'],
  ['POST', '/api/v1/query'],
  ['GET', '/api/v1/query_range?query=up&start=0&end=60&step=15'],
  ['GET', '/api/v1/query_exemplars?query=up'],
  ['GET', '/api/v1/series?match[]=up'],
  ['GET', '/api/v1/labels'],
  ['GET', '/api/v1/label/job/values'],
  ['GET', '/api/v1/targets'],
  ['GET', '/api/v1/targets/metadata'],
  ['GET', '/api/v1/metadata'],
  ['GET', '/api/v1/rules'],
  ['GET', '/api/v1/alerts'],
  ['GET', '/api/v1/alertmanagers'],
  ['GET', '/api/v1/status/config'],
  ['GET', '/api/v1/status/flags'],
  ['GET', '/api/v1/status/runtimeinfo'],
  ['GET', '/api/v1/status/buildinfo'],
  ['GET', '/api/v1/status/tsdb'],
  ['GET', '/api/v1/status/walreplay'],
  ['POST', '/api/v1/write'],
  ['POST', '/api/v1/read'],
  ['POST', '/api/v1/admin/tsdb/snapshot'],
  ['POST', '/api/v1/admin/tsdb/delete_series?match[]=up'],
  ['GET', '/api/v1/format_query?query=up'],
  ['GET', '/no/such/path'],
];

const basic = (user, password) => `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}`;

export async function auth(suite) {
  const part = 'auth';
  const { dir, cleanup } = scratch('auth');
  const webConfig = join(dir, 'web.yml');
  writeFileSync(webConfig, `basic_auth_users:\n  ${USER}: '${bcrypt.hashSync(PASSWORD, 4)}'\n`);
  const good = { authorization: basic(USER, PASSWORD) };
  let server;
  try {
    server = await startFlint(
      dir,
      'global:\n  scrape_interval: 1s\n',
      [
        `--web.config.file=${webConfig}`,
        '--web.enable-lifecycle',
        '--web.enable-admin-api',
        '--web.enable-remote-write-receiver',
      ],
      good
    );
    const attempts = [
      ['no credentials', {}],
      ['wrong password', { authorization: basic(USER, 'wrong') }],
      ['unknown user', { authorization: basic('nobody', PASSWORD) }],
      ['bearer token', { authorization: 'Bearer abc' }],
      ['password as user', { authorization: basic(PASSWORD, USER) }],
    ];
    await suite.check(part, `${ENDPOINTS.length} endpoints x ${attempts.length} kinds of bad credentials`, async () => {
      const leaks = [];
      for (const [method, path] of ENDPOINTS) {
        for (const [what, headers] of attempts) {
          const res = await fetch(`${server.base}${path}`, { method, headers, redirect: 'manual' });
          await res.arrayBuffer();
          if (res.status !== 401) leaks.push(`${method} ${path} with ${what}: ${res.status}`);
          else if (what === 'no credentials' && !/^Basic/i.test(res.headers.get('www-authenticate') ?? ''))
            leaks.push(`${method} ${path}: 401 without a WWW-Authenticate: Basic challenge`);
        }
      }
      expect(leaks.length === 0, leaks.join('\n'));
      return { held: `${ENDPOINTS.length * attempts.length} requests, all 401` };
    });

    await suite.check(part, '120 fast-check Authorization headers (random text, near-miss credentials)', async () => {
      const header = fc.oneof(
        fc.string({ maxLength: 60 }).map((s) => s.replace(/[^\x20-\x7e]/g, '')),
        fc
          .tuple(fc.string({ maxLength: 12 }), fc.string({ maxLength: 20 }))
          .filter(([u, p]) => u !== USER || p !== PASSWORD)
          .map(([u, p]) => basic(u, p)),
        fc.stringMatching(/^[A-Za-z0-9+/=]{0,40}$/).map((b) => `Basic ${b}`),
        fc.nat(PASSWORD.length - 1).map((n) => basic(USER, PASSWORD.slice(0, n)))
      );
      const cases = fc.sample(header, { numRuns: 120, seed: 77 });
      const statuses = {};
      for (const value of cases) {
        const res = await fetch(`${server.base}/api/v1/query?query=up`, {
          headers: value ? { authorization: value } : {},
        });
        await res.arrayBuffer();
        statuses[res.status] = (statuses[res.status] ?? 0) + 1;
        expect(res.status === 401, `Authorization ${JSON.stringify(value)} answered ${res.status}`);
      }
      return { held: `answers ${JSON.stringify(statuses)}` };
    });

    await suite.check(part, 'valid credentials are let through', async () => {
      const res = await fetch(`${server.base}/api/v1/query?query=vector(1)`, { headers: good });
      const body = await res.json();
      expect(res.status === 200 && body.status === 'success', `answered ${res.status}`);
      const ready = await fetch(`${server.base}/-/ready`, { headers: good });
      expect(ready.status === 200, `/-/ready answered ${ready.status}`);
      return { held: 'query 200, /-/ready 200' };
    });
  } finally {
    if (server) await server.stop();
    cleanup();
  }
}
