// Bad input, generated with fast-check: malformed exposition bodies, remote-write payloads,
// config files, rule files and PromQL strings. Each must get a clean rejection, leave
// nothing partly written, and leave the server serving.
/* global AbortSignal */
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import http from 'node:http';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { apiQuery, freePort, processStats, sleep, startGeneratorProcess } from '../bench/lib.mjs';
import { expect, scratch, startFlint } from './harness.mjs';
import { postWrite, writeRequestBody } from './remoteWrite.mjs';

const SEED = 9001;
const metricName = fc.stringMatching(/^[a-z_][a-z0-9_]{0,12}$/);
const labelValue = fc.stringMatching(/^[a-z0-9 ._-]{0,10}$/);
const validLine = fc
  .tuple(
    metricName,
    fc.dictionary(fc.stringMatching(/^[a-z][a-z0-9_]{0,6}$/), labelValue, { maxKeys: 3 }),
    fc.integer({ min: -1000, max: 1000 })
  )
  .map(([name, labels, value]) => {
    const pairs = Object.entries(labels).map(([k, v]) => `${k}="${v}"`);
    return `${name}${pairs.length ? `{${pairs.join(',')}}` : ''} ${value}`;
  });
// Lines no text-format parser may accept.
const brokenLine = fc.oneof(
  metricName.map((n) => `${n}{label="unterminated} 1`),
  metricName.map((n) => `${n}{label=unquoted} 1`),
  fc.tuple(metricName, fc.stringMatching(/^[g-z]{1,8}$/)).map(([n, v]) => `${n} ${v}`),
  metricName.map((n) => `${n} 1 1000 extra`),
  fc.tuple(metricName, fc.stringMatching(/^[a-z]{1,6}$/)).map(([n, t]) => `${n} 1 ${t}`),
  metricName.map((n) => `${n}{9bad="x"} 1`),
  metricName.map((n) => `${n}{a="x"`),
  fc.integer({ min: 0, max: 9 }).map((d) => `${d}metric 1`),
  metricName.map((n) => `${n}{a="x"} `)
);
const malformedBody = fc
  .tuple(fc.array(validLine, { maxLength: 6 }), brokenLine, fc.array(validLine, { maxLength: 6 }))
  .map(([before, broken, after]) => [...before, broken, ...after].join('\n') + '\n');

/** N targets, each serving the next generated malformed body on every scrape. */
async function malformedTargets(count, bodies) {
  let next = 0;
  const servers = [];
  const ports = [];
  for (let i = 0; i < count; i++) {
    const server = http.createServer((req, res) => {
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4' });
      res.end(bodies[next++ % bodies.length]);
    });
    await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
    servers.push(server);
    ports.push(server.address().port);
  }
  return {
    ports,
    served: () => next,
    close: () =>
      Promise.all(
        servers.map(
          (s) =>
            new Promise((resolve) => {
              s.close(resolve);
              s.closeAllConnections();
            })
        )
      ),
  };
}

async function scalar(base, query) {
  const { body } = await apiQuery(base, '/api/v1/query', { query });
  if (body.status !== 'success') throw new Error(`${query}: ${body.error}`);
  const r = body.data.result;
  return r.length === 0 ? undefined : Number(r[0].value[1]);
}

function configText({ good, bad = [], ruleFile, interval = '200ms' }) {
  const lines = ['global:', `  scrape_interval: ${interval}`, `  scrape_timeout: ${interval}`];
  if (ruleFile) lines.push('rule_files:', `  - ${ruleFile}`);
  lines.push('scrape_configs:', '  - job_name: good', '    static_configs:', `      - targets: ['127.0.0.1:${good}']`);
  if (bad.length)
    lines.push(
      '  - job_name: bad',
      '    static_configs:',
      `      - targets: [${bad.map((p) => `'127.0.0.1:${p}'`).join(', ')}]`
    );
  return lines.join('\n') + '\n';
}

async function exposition(suite, server, malformed, startedAt) {
  await sleep(10_000);
  const windowS = Math.ceil((Date.now() - startedAt) / 1000);
  await suite.check(
    'bad-input',
    `${malformed.ports.length} targets serving fast-check malformed exposition bodies (one new body per scrape)`,
    async () => {
      const served = malformed.served();
      const scrapes = await scalar(server.base, `sum(count_over_time(up{job="bad"}[${windowS}s]))`);
      const maxUp = await scalar(server.base, `max(max_over_time(up{job="bad"}[${windowS}s]))`);
      // job:up:sum is the recording rule of the rule-file checks, computed from up{job="bad"}.
      const leaked = await scalar(server.base, `count({job="bad", __name__!~"up|scrape_.+|job:up:sum"})`);
      const goodMin = await scalar(server.base, `min_over_time(up{job="good"}[${windowS - 2}s])`);
      expect(served >= 250, `only ${served} bodies served`);
      expect(maxUp === 0, `a malformed scrape reported up=${maxUp}`);
      if (leaked !== undefined) {
        const { body } = await apiQuery(server.base, '/api/v1/series', {
          'match[]': '{job="bad", __name__!~"up|scrape_.+|job:up:sum"}',
        });
        throw new Error(
          `${leaked} series from malformed bodies were written: ${JSON.stringify(body.data).slice(0, 600)}`
        );
      }
      expect(goodMin === 1, `healthy target's up fell to ${goodMin}`);
      return {
        held: `${served} malformed bodies served, ${scrapes} scrapes recorded, every one up=0, no sample of them stored; healthy target up=1 throughout`,
      };
    }
  );
}

// Names far apart in bits, so a flipped bit in one request cannot produce another's name.
const requestName = (i) => `fuzz_rw_${i}_${createHash('sha256').update(String(i)).digest('hex').slice(0, 16)}`;

async function remoteWrite(suite, server) {
  const corruption = fc.constantFrom('emptyLabels', 'truncate', 'flip', 'notSnappy', 'junkProto');
  const request = fc.tuple(
    fc.array(fc.tuple(fc.integer({ min: 0, max: 4 }), fc.double({ noNaN: true })), { minLength: 1, maxLength: 5 }),
    corruption,
    fc.nat(),
    fc.nat(255)
  );
  const cases = fc.sample(request, { numRuns: 2000, seed: SEED });
  const now = Date.now();
  const rejected = new Set();
  const statuses = {};
  let accepted = 0;
  for (let i = 0; i < cases.length; i++) {
    const [samples, kind, position, byte] = cases[i];
    const series = samples.map(([n, v], j) => ({
      labels: { __name__: requestName(i), n: String(n), j: String(j) },
      samples: [[now - 1000, v]],
    }));
    if (kind === 'emptyLabels') series.push({ labels: {}, samples: [[now, 1]] });
    let body = writeRequestBody(series);
    if (kind === 'truncate') body = body.subarray(0, Math.max(1, position % body.length));
    if (kind === 'flip') {
      body = Buffer.from(body);
      body[position % body.length] ^= byte | 1;
    }
    if (kind === 'notSnappy') body = Buffer.from(`{"not":"snappy","i":${i}}`);
    if (kind === 'junkProto') body = writeRequestBody([]).subarray(0, 0);
    let r;
    try {
      r = await postWrite(server.base, body);
    } catch (err) {
      return suite.check(
        'bad-input',
        'malformed remote-write payloads',
        () => `request ${i} (${kind}) failed at the socket: ${err.message}`
      );
    }
    statuses[r.status] = (statuses[r.status] ?? 0) + 1;
    if (r.status >= 500)
      return suite.check(
        'bad-input',
        'malformed remote-write payloads',
        () => `request ${i} (${kind}) answered ${r.status}: ${r.text}`
      );
    if (r.status === 204) accepted++;
    else rejected.add(requestName(i));
  }
  await suite.check(
    'bad-input',
    `${cases.length} fast-check remote-write payloads (empty label sets, truncated, bit-flipped, not snappy, empty)`,
    async () => {
      const { body } = await apiQuery(server.base, '/api/v1/label/__name__/values', {});
      const written = body.data.filter((n) => rejected.has(n));
      expect(written.length === 0, `rejected requests left series behind: ${written.slice(0, 5).join(', ')}`);
      expect(rejected.size > cases.length / 2, `only ${rejected.size} of ${cases.length} rejected`);
      return {
        held: `answers ${JSON.stringify(statuses)}; ${rejected.size} rejected with nothing of them written (including ${cases.filter((c) => c[1] === 'emptyLabels').length} whose valid series came before the bad one); ${accepted} bit-flips still decoded and were taken whole`,
      };
    }
  );
}

const badConfigEdit = fc.oneof(
  fc
    .stringMatching(/^[a-z]{1,5}$/)
    .map((u) => (text) => text.replace('scrape_interval: 200ms', `scrape_interval: 5${u}x`)),
  fc.stringMatching(/^[a-z]{3,10}$/).map((f) => (text) => `${text}no_such_field_${f}: 1\n`),
  fc.constant((text) => `${text}  - job_name: good\n    static_configs:\n      - targets: ['127.0.0.1:1']\n`),
  fc.constant((text) => text.replace('scrape_timeout: 200ms', 'scrape_timeout: 10s')),
  fc
    .stringMatching(/^[a-z]{0,4}$/)
    .map(
      (r) => (text) =>
        `${text}    relabel_configs:\n      - source_labels: [job]\n        regex: '(${r}'\n        target_label: x\n`
    ),
  fc.constantFrom('[', ']', '{', ': :', '- - -', '\t- x').map((junk) => (text) => `${text}${junk}\n`),
  fc.integer({ min: -100, max: -1 }).map((n) => (text) => text.replace('global:', `global:\n  sample_limit_typo: ${n}`))
);

async function reloads(suite, server, dir, goodText) {
  const cases = fc.sample(badConfigEdit, { numRuns: 120, seed: SEED });
  const configFile = join(dir, 'flint.yml');
  const before = (await apiQuery(server.base, '/api/v1/status/config', {})).body.data.yaml;
  const statuses = {};
  const accepted = new Set();
  for (const edit of cases) {
    const text = edit(goodText);
    writeFileSync(configFile, text);
    const res = await fetch(`${server.base}/-/reload`, { method: 'POST' });
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status === 200) accepted.add(text);
    await res.text();
  }
  writeFileSync(configFile, goodText);
  await suite.check('bad-input', `${cases.length} fast-check bad configs reloaded through /-/reload`, async () => {
    expect(
      !statuses[200],
      `${statuses[200]} bad configs were accepted, e.g.\n${[...accepted].slice(0, 3).join('\n---\n')}`
    );
    const after = (await apiQuery(server.base, '/api/v1/status/config', {})).body.data.yaml;
    expect(after === before, 'the running config changed');
    const up = await scalar(server.base, 'up{job="good"}');
    expect(up === 1, `good target up=${up}`);
    return { held: `answers ${JSON.stringify(statuses)}; running config unchanged, scraping goes on` };
  });
}

const badRuleFile = fc.oneof(
  fc
    .constantFrom('sum(', 'rate(x[5m]', 'x +', '{}', 'foo[5m] offset', 'sum by (a (b)')
    .map((e) => `groups:\n  - name: g\n    rules:\n      - record: job:bad\n        expr: '${e}'\n`),
  fc.constant('groups:\n  - name: g\n    rules:\n      - expr: up\n'),
  fc.constant('groups:\n  - name: g\n    rules:\n      - record: a\n        alert: b\n        expr: up\n'),
  fc
    .stringMatching(/^[0-9][a-z]{0,4}$/)
    .map((n) => `groups:\n  - name: g\n    rules:\n      - record: '${n}:bad name'\n        expr: up\n`),
  fc.constant('groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n'),
  fc
    .stringMatching(/^[a-z]{1,4}$/)
    .map((u) => `groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        for: 5${u}x\n`),
  fc.constant(
    'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        annotations:\n          summary: "{{ .Labels.instance "\n'
  ),
  fc.stringMatching(/^[a-z]{3,8}$/).map((f) => `groups:\n  - name: g\n    ${f}_unknown: 1\n    rules: []\n`),
  fc.constant('groups: [\n')
);

async function ruleReloads(suite, server, ruleFile, goodRules) {
  const cases = fc.sample(badRuleFile, { numRuns: 100, seed: SEED });
  const accepted = [];
  const statuses = {};
  for (const text of cases) {
    writeFileSync(ruleFile, text);
    const res = await fetch(`${server.base}/-/reload`, { method: 'POST' });
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    if (res.status === 200) accepted.push(text);
    await res.text();
  }
  writeFileSync(ruleFile, goodRules);
  await suite.check('bad-input', `${cases.length} fast-check bad rule files reloaded`, async () => {
    const groups = (await apiQuery(server.base, '/api/v1/rules', {})).body.data.groups;
    expect(
      accepted.length === 0,
      `${accepted.length} bad rule files were accepted, e.g.\n${[...new Set(accepted)].slice(0, 3).join('\n---\n')}`
    );
    expect(
      groups.length === 1 && groups[0].rules[0]?.name === 'job:up:sum',
      `rules now: ${JSON.stringify(groups).slice(0, 300)}`
    );
    return { held: `answers ${JSON.stringify(statuses)}; the old rule group still loaded` };
  });
}

const promqlAlphabet = fc.constantFrom(
  ...'abcxyz_:{}()[]"\'=~!,.+-*/%^<>0123456789 smhdwy@'.split(''),
  'sum',
  'rate',
  'by',
  'on',
  'offset',
  'bool',
  'ignoring',
  'group_left',
  'topk',
  'histogram_quantile',
  'label_replace',
  'up',
  '[5m]',
  '[1m:10s]'
);
const validQuery = fc.constantFrom(
  'up',
  'sum(rate(up[5m]))',
  'topk(3, up)',
  'up{job="good"} offset 1m',
  'histogram_quantile(0.9, rate(x_bucket[5m]))',
  'label_replace(up, "a", "$1", "job", "(.*)")',
  'sum by (job) (up) / on(job) count by (job) (up)'
);
const randomQuery = fc.oneof(
  fc.array(promqlAlphabet, { maxLength: 30 }).map((parts) => parts.join('')),
  fc
    .tuple(validQuery, fc.nat(), fc.nat(), promqlAlphabet)
    .map(
      ([q, at, len, insert]) => q.slice(0, at % (q.length + 1)) + insert + q.slice((at % (q.length + 1)) + (len % 3))
    ),
  fc.string({ maxLength: 40 })
);

async function promqlStrings(suite, server) {
  const cases = fc.sample(randomQuery, { numRuns: 2000, seed: SEED });
  const statuses = {};
  let slowest = 0;
  const rssBefore = processStats(server.proc.pid).rssBytes;
  for (const query of cases) {
    const started = Date.now();
    let res;
    try {
      res = await apiQuery(server.base, '/api/v1/query', { query }, { signal: AbortSignal.timeout(15_000) });
    } catch (err) {
      return suite.check(
        'bad-input',
        'random PromQL strings',
        () => `query ${JSON.stringify(query)} got no answer: ${err.message}`
      );
    }
    slowest = Math.max(slowest, Date.now() - started);
    statuses[res.status] = (statuses[res.status] ?? 0) + 1;
    const clean =
      res.status === 200
        ? res.body.status === 'success'
        : [400, 422, 503].includes(res.status) &&
          res.body.status === 'error' &&
          typeof res.body.error === 'string' &&
          res.body.error.length > 0;
    if (!clean)
      return suite.check(
        'bad-input',
        'random PromQL strings',
        () => `query ${JSON.stringify(query)} answered ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`
      );
  }
  await suite.check(
    'bad-input',
    `${cases.length} fast-check PromQL strings (random tokens, mutated valid queries, arbitrary text)`,
    async () => {
      const ready = await fetch(`${server.base}/-/ready`);
      expect(ready.status === 200, 'not ready afterwards');
      return {
        held: `answers ${JSON.stringify(statuses)}, each a JSON success or a JSON error; slowest ${slowest} ms; RSS ${Math.round(rssBefore / 2 ** 20)} -> ${Math.round(processStats(server.proc.pid).rssBytes / 2 ** 20)} MiB`,
      };
    }
  );
}

export async function badInput(suite) {
  const { dir, cleanup } = scratch('badinput');
  const goodPort = await freePort();
  const generator = startGeneratorProcess([
    '--port',
    String(goodPort),
    '--series',
    '200',
    '--seed',
    '3',
    '--cache-ms',
    '0',
  ]);
  const bodies = fc.sample(malformedBody, { numRuns: 3000, seed: SEED });
  const malformed = await malformedTargets(12, bodies);
  const ruleFile = join(dir, 'rules.yml');
  const goodRules = 'groups:\n  - name: g\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n';
  writeFileSync(ruleFile, goodRules);
  const goodText = configText({ good: goodPort, bad: malformed.ports, ruleFile });
  let server;
  try {
    const startedAt = Date.now();
    server = await startFlint(dir, goodText, [
      '--web.enable-lifecycle',
      '--web.enable-remote-write-receiver',
      '--query.timeout=10s',
    ]);
    await exposition(suite, server, malformed, startedAt);
    await remoteWrite(suite, server);
    await reloads(suite, server, dir, goodText);
    await ruleReloads(suite, server, ruleFile, goodRules);
    await promqlStrings(suite, server);
    await suite.check('bad-input', 'server alive and ready after all bad input', async () => {
      expect(server.alive(), `flint exited:\n${server.output().slice(-1500)}`);
      expect((await fetch(`${server.base}/-/ready`)).status === 200, 'not ready');
    });
  } finally {
    if (server) await server.stop();
    await malformed.close();
    await generator.stop();
    cleanup();
  }
}
