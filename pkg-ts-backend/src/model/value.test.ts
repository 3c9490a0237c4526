import { float64Bits, float64FromBits, isStaleNaN, NORMAL_NAN, STALE_NAN } from './value';

describe('special values', () => {
  it('keeps the stale marker bit-exact', () => {
    expect(float64Bits(STALE_NAN)).toEqual([0x7ff00000, 2]);
    expect(isStaleNaN(STALE_NAN)).toBe(true);
    expect(isStaleNaN(NaN)).toBe(false);
    expect(isStaleNaN(NORMAL_NAN)).toBe(false);
    expect(isStaleNaN(1)).toBe(false);
  });

  it('round-trips bits', () => {
    for (const v of [0, -0, 1.5, -Infinity, Number.MIN_VALUE, STALE_NAN]) {
      const [hi, lo] = float64Bits(v);
      expect(Object.is(float64FromBits(hi, lo), v) || (isStaleNaN(v) && isStaleNaN(float64FromBits(hi, lo)))).toBe(true);
    }
  });
});

describe('quieted stale marker', () => {
  it('is still recognised after arithmetic', () => {
    expect(isStaleNaN(STALE_NAN * 1)).toBe(true);
  });
});
