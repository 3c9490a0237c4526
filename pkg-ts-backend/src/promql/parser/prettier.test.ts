import { parseExpr, prettifyExpr } from './index';

// Expected layouts follow Prometheus's prettier behaviour, checked with a 10-byte line limit so
// that short queries already split.
function pretty10(q: string): string {
  return prettifyExpr(parseExpr(q), 10);
}

describe('prettifyExpr', () => {
  test('short nodes stay on one line', () => {
    expect(pretty10('sum(foo)')).toBe('sum(foo)');
    expect(pretty10('a+b')).toBe('a + b');
    expect(pretty10('(1 + 2)')).toBe('(1 + 2)');
    expect(pretty10('a @ 1')).toBe('a @ 1.000');
    expect(pretty10('-1')).toBe('-1');
  });

  test('aggregations put the head before the split', () => {
    expect(pretty10('sum by() (task:errors:rate10s{job="s"})')).toBe('sum(\n  task:errors:rate10s{job="s"}\n)');
    expect(pretty10('sum(task:errors:rate10s{job="s"}) without(job,foo)')).toBe(
      'sum without (job, foo) (\n  task:errors:rate10s{job="s"}\n)'
    );
    expect(pretty10('topk(10, ask:errors:rate10s{job="s"})')).toBe('topk(\n  10,\n  ask:errors:rate10s{job="s"}\n)');
    expect(pretty10('sum by(job,foo) # c\n(sum by(job,foo) (task:errors:rate10s{job="s"}))')).toBe(
      'sum by (job, foo) (\n  sum by (job, foo) (\n    task:errors:rate10s{job="s"}\n  )\n)'
    );
  });

  test('binary expressions put the operator between indented operands', () => {
    expect(pretty10('a == bool 1')).toBe('  a\n== bool\n  1');
    expect(pretty10('foo + baar + foo_3')).toBe('  foo + baar\n+\n  foo_3');
    expect(
      pretty10('foo_1 + ignoring(foo) foo_2 + ignoring(job) group_left foo_3 + on(instance) group_right foo_4')
    ).toBe(
      '      foo_1\n    + ignoring (foo)\n      foo_2\n  + ignoring (job) group_left ()\n    foo_3\n+ on (instance) group_right ()\n  foo_4'
    );
  });

  test('calls, subqueries and unary expressions', () => {
    expect(pretty10('histogram_quantile(0.9, rate(foo[1m]))')).toBe(
      'histogram_quantile(\n  0.9,\n  rate(\n    foo[1m]\n  )\n)'
    );
    expect(pretty10('max_over_time(rate(demo_api_request_duration_seconds_count[1m])[1m:] @ start() offset 1m)')).toBe(
      'max_over_time(\n  rate(\n    demo_api_request_duration_seconds_count[1m]\n  )[1m:] @ start() offset 1m\n)'
    );
    expect(pretty10('(-vector_selector)')).toBe('(\n  -vector_selector\n)');
    expect(pretty10('-histogram_quantile(0.9, -rate(foo[1m] @ start()))')).toBe(
      '-histogram_quantile(\n  0.9,\n  -rate(\n    foo[1m] @ start()\n  )\n)'
    );
    expect(pretty10('((foo_long))')).toBe('(\n  (foo_long)\n)');
  });

  test('the default limit is 100 bytes', () => {
    const q = 'sum by (job) (rate(http_requests_total{instance="localhost:9090",job="api-server"}[5m]))';
    expect(prettifyExpr(parseExpr(q))).toBe(q);
    const long = `${q} / on (job) group_left () ${q}`;
    expect(prettifyExpr(parseExpr(long))).toBe(`  ${q}\n/ on (job) group_left ()\n  ${q}`);
  });
});
