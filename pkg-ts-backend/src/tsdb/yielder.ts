// Background disk work (writing and merging blocks, checkpoints) runs on the event loop in
// slices: after each slice of `sliceMs` it yields to pending I/O and timers, so scrapes and
// queries interleave with it instead of waiting seconds for a large block.
import { setImmediate as nextTurn } from 'node:timers/promises';

/** Thrown out of background work whose owner closed while it ran. */
export class CancelledError extends Error {
  constructor() {
    super('background work cancelled');
  }
}

export class Yielder {
  private sliceStart = performance.now();
  private cancelled = false;
  /** Turns yielded so far. */
  yields = 0;

  /** `sliceMs` 0 yields at every call (tests use it to make interleaving deterministic). */
  constructor(private readonly sliceMs = 10) {}

  cancel(): void {
    this.cancelled = true;
  }

  /** True when the slice is used up (or the work cancelled); callers then await `pause()`. Cheap per series. */
  due(): boolean {
    return this.cancelled || performance.now() - this.sliceStart >= this.sliceMs;
  }

  /** Gives the event loop one turn; throws CancelledError once cancelled. */
  async pause(): Promise<void> {
    if (this.cancelled) throw new CancelledError();
    await nextTurn();
    this.yields++;
    if (this.cancelled) throw new CancelledError();
    this.sliceStart = performance.now();
  }
}

/**
 * Sorts `items` in place like Array.prototype.sort with `compare`, pausing between pieces of
 * work: runs of 512 sorted natively, then merged pairwise a few thousand items at a time.
 */
export async function sortYielding<T>(items: T[], compare: (a: T, b: T) => number, y: Yielder): Promise<void> {
  const RUN = 512;
  const n = items.length;
  for (let lo = 0; lo < n; lo += RUN) {
    const run = items.slice(lo, lo + RUN).sort(compare);
    for (let i = 0; i < run.length; i++) items[lo + i] = run[i];
    if (y.due()) await y.pause();
  }
  let src = items;
  let dst: T[] = new Array<T>(n);
  for (let width = RUN; width < n; width *= 2) {
    for (let lo = 0; lo < n; lo += 2 * width) {
      const mid = Math.min(lo + width, n);
      const hi = Math.min(lo + 2 * width, n);
      let i = lo;
      let j = mid;
      let k = lo;
      while (k < hi) {
        // Stable: equal items keep the left run's first.
        if (j >= hi || (i < mid && compare(src[i], src[j]) <= 0)) dst[k++] = src[i++];
        else dst[k++] = src[j++];
        if ((k & 4095) === 0 && y.due()) await y.pause();
      }
    }
    [src, dst] = [dst, src];
  }
  if (src !== items) for (let i = 0; i < n; i++) items[i] = src[i];
}
