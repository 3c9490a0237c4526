import { run } from './flint';
import { formatQuery } from './promqlFormat';

function capture(query: string, experimental = false): { code: number; out: string[]; err: string[] } {
  const out: string[] = [];
  const err: string[] = [];
  const code = formatQuery(query, experimental, { stdout: (l) => out.push(l), stderr: (l) => err.push(l) });
  return { code, out, err };
}

describe('flint promql format', () => {
  test('prints the prettified query', () => {
    expect(capture('sum(rate(x{b="1",a="2"}[5m]))by(job)')).toEqual({
      code: 0,
      out: ['sum by (job) (rate(x{a="2",b="1"}[5m]))'],
      err: [],
    });
    const long = capture(
      `histogram_quantile(0.9, sum by (le) (rate(http_request_duration_seconds_bucket{job="api", handler="/query"}[5m])))`
    );
    expect(long.out[0].split('\n')).toEqual([
      'histogram_quantile(',
      '  0.9,',
      // The inner node fits in 100 bytes (indentation is not counted), so it stays on one line.
      '  sum by (le) (rate(http_request_duration_seconds_bucket{handler="/query",job="api"}[5m]))',
      ')',
    ]);
  });

  test('prints the parse error and exits 1', () => {
    expect(capture('sum(x) +')).toEqual({ code: 1, out: [], err: ['1:9: parse error: unexpected end of input'] });
    expect(capture('limitk(1, x)').code).toBe(1);
    expect(capture('limitk(1, x)', true).code).toBe(0);
  });

  test('is wired into the flint command', async () => {
    const written: string[] = [];
    const spy = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      written.push(String(chunk));
      return true;
    });
    try {
      expect(
        await run(['promql', 'format', '--enable-feature=promql-experimental-functions', '--', '-limitk(1,x)'])
      ).toBe(0);
    } finally {
      spy.mockRestore();
    }
    expect(written.join('')).toBe('-limitk(1, x)\n');
  });
});
