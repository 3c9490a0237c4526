// `flint promqltest` through the CLI entry point, on small scripts in a temp dir.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { run } from './flint';

const SCRIPT = `load 1m
  requests_total{job="a"} 0+10x10
  requests_total{job="b"} 0+20x10

eval instant at 10m sum(requests_total)
  {} 300

eval instant at 10m sum(requests_total)
  {} 301

eval range from 0 to 2m step 1m requests_total{job="a"}
  requests_total{job="a"} 0 10 20

eval instant at 10m requests_total{job="a"} / on() requests_total
  expect fail
`;

describe('flint promqltest', () => {
  let dir: string;
  let out: string;
  let write: jest.SpyInstance;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'flint-promqltest-'));
    out = '';
    write = jest.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      out += String(chunk);
      return true;
    });
  });
  afterEach(() => {
    write.mockRestore();
    rmSync(dir, { recursive: true, force: true });
  });

  it('prints one line per failing case and the totals, exit 1 on failures', async () => {
    const file = join(dir, 'x.test');
    writeFileSync(file, SCRIPT);
    expect(await run(['promqltest', file])).toBe(1);
    const lines = out.trim().split('\n');
    expect(lines[0]).toBe(`${file}:8: expected 301 for {} but got 300`);
    expect(lines[lines.length - 1]).toBe('3 passed, 1 failed, 0 skipped');
  });

  it("runs with the experimental language on, like Prometheus's runner; --strict-features takes only --enable-feature", async () => {
    const file = join(dir, 'y.test');
    writeFileSync(file, 'load 1m\n  m{a="1"} 1\n\neval instant at 0 count(limitk(1, m))\n  {} 1\n');
    expect(await run(['promqltest', file])).toBe(0);
    expect(out).toBe('1 passed, 0 failed, 0 skipped\n');
    out = '';
    expect(await run(['promqltest', '--strict-features', file])).toBe(1);
    out = '';
    expect(await run(['promqltest', '--strict-features', '--enable-feature=promql-experimental-functions', file])).toBe(0);
    expect(out).toBe('1 passed, 0 failed, 0 skipped\n');
  });
});
