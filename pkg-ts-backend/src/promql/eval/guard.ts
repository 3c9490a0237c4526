// Keeps one query within its limits: the timeout, cancellation and max-samples, and makes a
// long evaluation give the event loop back now and then so scraping and HTTP keep running.
import { QueryError } from '../value';

const YIELD_EVERY_MS = 10;
const CHECK_EVERY_CALLS = 64;

export const ERR_TOO_MANY_SAMPLES = 'query processing would load too many samples into memory in query execution';
export const ERR_TIMEOUT = 'query timed out in query execution';
export const ERR_CANCELED = 'query was canceled in query execution';

export class QueryGuard {
  /** Samples held by the values that are alive right now. */
  current = 0;
  peak = 0;
  private calls = 0;
  private lastYield = Date.now();

  constructor(
    private readonly deadline: number,
    private readonly maxSamples: number,
    private readonly signal?: AbortSignal
  ) {}

  /** Cheap enough to call per series: true when it is time to `await yield()`. */
  due(): boolean {
    if (++this.calls < CHECK_EVERY_CALLS) return false;
    this.calls = 0;
    return Date.now() - this.lastYield >= YIELD_EVERY_MS;
  }

  async yield(): Promise<void> {
    this.check();
    await new Promise<void>((resolve) => setImmediate(resolve));
    this.lastYield = Date.now();
    this.check();
  }

  check(): void {
    if (this.signal?.aborted) throw new QueryError('canceled', ERR_CANCELED);
    if (Date.now() > this.deadline) throw new QueryError('timeout', ERR_TIMEOUT);
  }

  /** Sets the live sample count (children released, the new value counted) and enforces the limit. */
  setCurrent(n: number): void {
    this.current = n;
    if (n > this.peak) this.peak = n;
    if (n > this.maxSamples) throw new QueryError('execution', ERR_TOO_MANY_SAMPLES);
  }

  /**
   * Rejects an evaluation over more steps than the sample limit before allocating anything for
   * it: a single series over them would already exceed the limit (`x[1y:1s]`).
   */
  checkSteps(steps: number): void {
    if (this.current + steps > this.maxSamples) throw new QueryError('execution', ERR_TOO_MANY_SAMPLES);
  }

  add(n: number): void {
    this.setCurrent(this.current + n);
  }
}
