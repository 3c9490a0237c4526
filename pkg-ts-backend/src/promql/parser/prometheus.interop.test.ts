// Differential test of the parser against Prometheus 2.42 (Debian): the prettified text of valid
// queries must equal `/api/v1/format_query`, and parse errors must read exactly like the `error`
// of `/api/v1/query` (after its `invalid parameter "query": ` prefix).
//
// Where Prometheus 3 deliberately changed the parser, 2.42 cannot be the reference; those
// queries are listed in KNOWN_DIFFERENCES with the reason, and checked to still differ so the
// list stays honest.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { freePort, Peer, PROMETHEUS_BIN, startPeer, waitFor } from '../../testutil/peers';
import fc from 'fast-check';
import { validExprArbitrary } from './exprArbitrary';
import { ParseError, parseExpr, prettifyExpr } from './index';

const VALID = [
  'up',
  'sum(rate(x{b="1",a="2"}[5m]))by(job) > bool 1e6',
  'foo offset -5m',
  'foo @ 100 offset 5m',
  'foo[5m] @ start()',
  'rate(foo[5m:30s] @ end())',
  'a + on(b) group_left(c) d',
  'a + ignoring(b) group_right d',
  'a and on() b',
  'a or b unless c',
  '-a ^ 2',
  '(1 + 2) * 3',
  '2 ^ 3 ^ 2',
  'a atan2 b',
  'topk(5, x)',
  'count_values("v", x)',
  'quantile(0.9, x) without (a)',
  'label_replace(up, "a", "$1", "b", "(.*)")',
  'histogram_quantile(0.9, sum by (le) (rate(x_bucket[5m])))',
  '"a\\nb"',
  "'single'",
  '`raw\\n`',
  '0x1f',
  '1e-7',
  'Inf',
  '-Inf',
  'NaN',
  '123456789',
  '0.1 + 0.2',
  '{__name__=~"a.*"}',
  '{__name__="a"}',
  'x{a!~"b|c"}',
  'sum by (job) (rate(http_requests_total{job="api-server",instance="localhost:9090"}[5m])) / on (job) group_left () sum by (job) (rate(http_requests_total[5m]))',
  'max_over_time(rate(demo_api_request_duration_seconds_count{job="x",instance="y",method="get"}[1m])[10m:1m] @ start() offset 1m) > 100',
  'x[90d]',
  'x[1w]',
  'x[8d]',
  'x[1h30m15s]',
  'x offset 1y',
  'time() - timestamp(up)',
  'vector(1) == bool vector(2)',
  'sum without () (x)',
  'sum by () (x)',
  'absent(nonexistent{job="x"})',
  'clamp(x, 0, 1)',
  'round(x, 0.5)',
  'sort_desc(sum by (a) (x))',
  'day_of_week()',
  'predict_linear(x[1h], 3600)',
  '-(a + b)',
  '- -a',
  '+a',
  'a - -1',
  '((a))',
  'sum(sum(x))',
  'sum by (sum, by, on) (x)',
  'offset{step="1"}',
  'min',
  'avg(x) by (a, b)',
  // Prometheus has no error for a label repeated in a grouping.
  'sum by (a, a) (x)',
];

const INVALID = [
  'sum(x) +',
  '',
  '1 +',
  '*1',
  '(1))',
  '((1)',
  '1 !~ 1',
  '1 =~ 1',
  'a - on(b) ignoring(c) d',
  '1 and 1',
  'foo or 1',
  '1 == 1',
  'foo + bool bar',
  'foo == on(bar) 10',
  'foo and on(bar) group_left(baz) bar',
  'foo * on(a) group_left(a) bar',
  '-"string"',
  '-test[5m]',
  'foo[5m] + 1',
  '"a"[5m:]',
  'foo bar',
  'a == on() bool b',
  '.',
  '0deadbeef',
  '1e400',
  '5mm',
  '{}',
  '{a=~".*"}',
  'foo{__name__="bar"}',
  'some_metric{a=b}',
  'some_metric{a:b="b"}',
  'foo{,}',
  'foo{a="b" c="d"}',
  'foo{a}',
  'foo{',
  'foo{a="b"',
  '(foo)[5m]',
  'foo offset 5m [5m]',
  'foo @ 1 [5m]',
  '1 offset 1d',
  'foo offset 1s offset 2s',
  'foo @ bar',
  'foo @ Inf',
  'foo @ 1 @ 2',
  'sum(foo) @ 1',
  '"\\q"',
  '"abc',
  '`abc',
  '"\\xZ1"',
  'rate(some_metric)',
  'floor()',
  'label_join(x, "a")',
  'hour(x, y)',
  'non_existent_function_far_bar()',
  'rate(x[5m],)',
  'sum(1)',
  'topk(some_metric)',
  'topk(x, y)',
  'count_values(1, x)',
  'sum()',
  'sum by (a) foo',
  'sum(x) by',
  'sum by (a b) (x)',
  'sum by (1) (x)',
  'sum by (a:b) (x)',
  'sum by (a) (x) by (b)',
  'foo[5m',
  'foo[5m1h]',
  'foo[0m]',
  'MIN keep_common (some_metric)',
  'sum without(==)(some_metric)',
  'e-+=/(0)',
  'a>b()',
];

/** Queries whose 2.42 behaviour Prometheus 3 changed on purpose. */
const KNOWN_DIFFERENCES: Record<string, string> = {
  '@@': '2.42 prints an internal item name in the message; 3.x says <op:@>',
  '2.5.': '3.x reports the whole malformed number ("bad number or duration syntax")',
  '100..4': '3.x reports the whole malformed number ("bad number or duration syntax")',
  'foo{bar="baz"}[': '3.x lexes duration expressions inside brackets',
  'foo[]': '3.x lexes duration expressions inside brackets and names step() and range()',
  'foo[5s x 5s]': '3.x rejects words after the range',
  'foo offset bar': '3.x also accepts numbers, step() and range() after offset',
  'some_metric[5m] OFFSET': '3.x also accepts numbers, step() and range() after offset',
  'foo[5]': '3.x reads a number as seconds where a duration is expected',
  'x offset 1.5': '3.x reads a number as seconds where a duration is expected',
  '{"my.metric"}': '3.x allows quoted UTF-8 metric and label names',
  'foo[5m+1m]': '3.x folds duration expressions',
};

async function formatByPrometheus(base: string, query: string): Promise<string> {
  const body = (await (await fetch(`${base}/api/v1/format_query?${new URLSearchParams({ query })}`)).json()) as {
    data?: string;
    error?: string;
  };
  return body.data ?? `error: ${body.error}`;
}

async function errorByPrometheus(base: string, query: string): Promise<string> {
  const res = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query, time: '1000' })}`);
  const body = (await res.json()) as { error?: string };
  return (body.error ?? 'no error').replace(/^invalid parameter "query": /, '');
}

function ourError(query: string): string {
  try {
    parseExpr(query);
    return 'no error';
  } catch (e) {
    if (e instanceof ParseError) return e.message;
    throw e;
  }
}

(fs.existsSync(PROMETHEUS_BIN) ? describe : describe.skip)('the parser agrees with Prometheus 2.42', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-parser-diff-'));
  let prom: Peer;
  let base: string;

  beforeAll(async () => {
    const port = await freePort();
    base = `http://127.0.0.1:${port}`;
    fs.writeFileSync(path.join(dir, 'prom.yml'), 'global: {scrape_interval: 1m}\n');
    prom = startPeer(PROMETHEUS_BIN, [
      `--config.file=${path.join(dir, 'prom.yml')}`,
      `--storage.tsdb.path=${path.join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
    ]);
    await waitFor('Prometheus ready', async () => ((await fetch(`${base}/-/ready`)).ok ? true : undefined), 30_000);
  }, 60_000);

  afterAll(async () => {
    await prom?.stop();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('prettifies valid queries identically', async () => {
    const mismatches: string[] = [];
    for (const q of VALID) {
      const theirs = await formatByPrometheus(base, q);
      const ours = prettifyExpr(parseExpr(q));
      if (ours !== theirs) mismatches.push(`${q}\n  flint: ${ours}\n  2.42:  ${theirs}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('prettifies 300 generated queries identically', async () => {
    const queries = fc.sample(validExprArbitrary({ prometheus2Compatible: true }), { numRuns: 300, seed: 4242 });
    const mismatches: string[] = [];
    for (const q of queries) {
      // Prometheus prints `+Inf ^ x`, which reads back as `+(Inf ^ x)`; flint writes `Inf ^ x`.
      const theirs = (await formatByPrometheus(base, q)).replace(/\+Inf \^/g, 'Inf ^');
      const ours = prettifyExpr(parseExpr(q, { enableExperimentalFunctions: true }));
      if (ours !== theirs) mismatches.push(`${q}\n  flint: ${ours}\n  2.42:  ${theirs}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('reports the same parse errors', async () => {
    const mismatches: string[] = [];
    for (const q of INVALID) {
      const theirs = await errorByPrometheus(base, q);
      const ours = ourError(q);
      if (ours !== theirs) mismatches.push(`${JSON.stringify(q)}\n  flint: ${ours}\n  2.42:  ${theirs}`);
    }
    expect(mismatches).toEqual([]);
  });

  it('still differs where Prometheus 3 changed the language', async () => {
    const unchanged: string[] = [];
    for (const q of Object.keys(KNOWN_DIFFERENCES)) {
      if (ourError(q) === (await errorByPrometheus(base, q))) unchanged.push(`${q}: ${KNOWN_DIFFERENCES[q]}`);
    }
    expect(unchanged).toEqual([]);
  });
});
