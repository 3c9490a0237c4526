import fc from 'fast-check';
import { float64Bits, float64FromBits, NORMAL_NAN, STALE_NAN } from '../../model/value';
import { chunkSampleCount, XorChunkEncoder, XorChunkIterator } from './xor';

function bitsOf(v: number): string {
  const [hi, lo] = float64Bits(v);
  return hi.toString(16).padStart(8, '0') + lo.toString(16).padStart(8, '0');
}

// The stale marker quieted by arithmetic is stored with its canonical signalling bits.
function canonical(bits: string): string {
  return bits === '7ff8000000000002' ? '7ff0000000000002' : bits;
}

function roundTrip(ts: number[], vs: Float64Array): void {
  const enc = new XorChunkEncoder();
  for (let i = 0; i < ts.length; i++) enc.append(ts[i], vs[i]);
  const bytes = enc.bytes();
  expect(chunkSampleCount(bytes)).toBe(ts.length);
  for (const it of [new XorChunkIterator(bytes), new XorChunkIterator(enc.liveBuffer(), enc.numSamples())]) {
    for (let i = 0; i < ts.length; i++) {
      expect(it.next()).toBe(true);
      expect(it.t()).toBe(ts[i]);
      expect(bitsOf(it.v())).toBe(canonical(bitsOf(vs[i])));
    }
    expect(it.next()).toBe(false);
  }
}

describe('XOR chunk', () => {
  it('round-trips edge-case floats bit-exact', () => {
    const specials = [
      0,
      -0,
      1,
      -1,
      NaN,
      NORMAL_NAN,
      STALE_NAN,
      Infinity,
      -Infinity,
      Number.MIN_VALUE,
      -Number.MIN_VALUE,
      2.2250738585072014e-308 / 3,
      Number.MAX_VALUE,
      -Number.MAX_VALUE,
      Number.EPSILON,
      0.1,
      1e300,
      float64FromBits(0xffffffff, 0xffffffff),
      float64FromBits(0x80000000, 1),
      STALE_NAN,
      STALE_NAN,
      42,
    ];
    const vs = new Float64Array(specials.length);
    specials.forEach((v, i) => (vs[i] = v));
    const ts = specials.map((_, i) => 1_600_000_000_000 + i * 15_000);
    roundTrip(ts, vs);
  });

  it('keeps the stale marker bits 0x7ff0000000000002', () => {
    const enc = new XorChunkEncoder();
    enc.append(1000, 1);
    enc.append(2000, STALE_NAN);
    const it = new XorChunkIterator(enc.bytes());
    it.next();
    it.next();
    expect(float64Bits(it.v())).toEqual([0x7ff00000, 2]);
  });

  it('stores a quieted stale marker as the canonical one', () => {
    const enc = new XorChunkEncoder();
    enc.append(1, float64FromBits(0x7ff80000, 2));
    const it = new XorChunkIterator(enc.bytes());
    it.next();
    expect(bitsOf(it.v())).toBe('7ff0000000000002');
  });

  it('round-trips irregular gaps, big jumps and negative timestamps', () => {
    const ts = [
      -5_000_000_000_000, -1, 0, 1, 2, 1000, 16_383, 1_000_000, 1_000_001, 9_007_199_254_740, 9_007_199_254_741,
    ];
    const vs = new Float64Array(ts.length).map((_, i) => i * 1.5);
    roundTrip(ts, vs);
  });

  it('round-trips random series (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: -1e13, max: 1e13 }),
        fc.array(fc.tuple(fc.integer({ min: 1, max: 2 ** 40 }), fc.double()), { minLength: 1, maxLength: 200 }),
        (start, steps) => {
          const ts: number[] = [];
          const vs = new Float64Array(steps.length);
          let t = start;
          steps.forEach(([d, v], i) => {
            t += i === 0 ? 0 : d;
            ts.push(t);
            vs[i] = v;
          });
          roundTrip(ts, vs);
        }
      ),
      { numRuns: 300 }
    );
  });

  it('round-trips random bit patterns (property)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.integer({ min: 0, max: 0xffffffff }), fc.integer({ min: 0, max: 0xffffffff })), {
          minLength: 1,
          maxLength: 150,
        }),
        (pairs) => {
          const vs = new Float64Array(pairs.length);
          pairs.forEach(([hi, lo], i) => (vs[i] = float64FromBits(hi, lo)));
          roundTrip(
            pairs.map((_, i) => i * 15_000 + (i % 3)),
            vs
          );
        }
      ),
      { numRuns: 300 }
    );
  });

  it('compresses regular scrapes of a slow counter to about a byte per sample', () => {
    const enc = new XorChunkEncoder();
    for (let i = 0; i < 120; i++) enc.append(1_700_000_000_000 + i * 15_000, Math.floor(i / 4));
    expect(enc.bytes().length).toBeLessThan(120 * 1.3);
  });

  it('seeks forward and never backwards', () => {
    const enc = new XorChunkEncoder();
    for (let i = 0; i < 10; i++) enc.append(i * 10, i);
    const it = new XorChunkIterator(enc.bytes());
    expect(it.seek(35)).toBe(true);
    expect(it.t()).toBe(40);
    expect(it.seek(0)).toBe(true);
    expect(it.t()).toBe(40);
    expect(it.seek(1000)).toBe(false);
  });
});
