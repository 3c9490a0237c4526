import fc from 'fast-check';
import { CancelledError, sortYielding, Yielder } from './yielder';

describe('sortYielding', () => {
  it('sorts like Array.prototype.sort, stably, pausing as it goes', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(fc.integer({ min: 0, max: 50 }), { maxLength: 3000 }), async (keys) => {
        const items = keys.map((k, i) => ({ k, i }));
        const want = [...items].sort((a, b) => a.k - b.k);
        const y = new Yielder(0);
        await sortYielding(items, (a, b) => a.k - b.k, y);
        expect(items).toEqual(want);
        if (keys.length > 512) expect(y.yields).toBeGreaterThan(0);
      }),
      { numRuns: 30 }
    );
  });
});

describe('Yielder', () => {
  it('is due once its slice is used up, and starts a new slice after a pause', async () => {
    const y = new Yielder(60_000);
    expect(y.due()).toBe(false);
    const eager = new Yielder(0);
    expect(eager.due()).toBe(true);
    await eager.pause();
    expect(eager.yields).toBe(1);
  });

  it('throws CancelledError at the next pause once cancelled', async () => {
    const y = new Yielder(60_000);
    y.cancel();
    expect(y.due()).toBe(true);
    await expect(y.pause()).rejects.toBeInstanceOf(CancelledError);
  });
});
