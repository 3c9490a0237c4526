import { extrapolatedRate, findResets } from './overTime';

describe('extrapolatedRate with precomputed counter resets', () => {
  it('gives the same bits as rescanning each window', () => {
    let seed = 11;
    const rnd = (): number => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648;
    const n = 300;
    const ts = new Float64Array(n);
    const vs = new Float64Array(n);
    for (let i = 0; i < n; i++) {
      ts[i] = 1000 * i + Math.floor(rnd() * 300);
      const r = rnd();
      vs[i] = r < 0.05 ? r * 3 : r < 0.06 ? NaN : (i > 0 && vs[i - 1] === vs[i - 1] ? vs[i - 1] : 0) + r * 9.7;
    }
    const { resets, count } = findResets(vs, n, new Int32Array(2));
    expect(count).toBeGreaterThan(5);
    const scanned = new Float64Array(1);
    const looked = new Float64Array(1);
    for (let from = 0; from < n; from += 7) {
      for (let to = from; to <= n; to += 5) {
        for (const isRate of [true, false]) {
          const a = extrapolatedRate(ts, vs, from, to, ts[from] - 500, ts[to - 1] + 700, true, isRate, scanned, 0);
          const b = extrapolatedRate(
            ts,
            vs,
            from,
            to,
            ts[from] - 500,
            ts[to - 1] + 700,
            true,
            isRate,
            looked,
            0,
            resets,
            count
          );
          expect(b).toBe(a);
          if (a) expect(Object.is(looked[0], scanned[0])).toBe(true);
        }
      }
    }
  });
});
