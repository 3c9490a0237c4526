// Intermediate values of the evaluator. Every node is evaluated once over all steps of the
// query (an instant query is a range query with one step), so a vector is a set of series
// with one optional value per step, held in typed arrays.
import type { Labels } from '../../model/labels';

/** One series of an instant-vector node: value at step i is vals[i] when has[i] is 1. */
export interface StepSeries {
  metric: Labels;
  /** Delayed `__name__` removal: the name is still in `metric` but goes at the end of the query. */
  dropName: boolean;
  vals: Float64Array;
  has: Uint8Array;
}

/** Raw samples of one series for a range-vector node (matrix selector or subquery). */
export interface RawSeries {
  metric: Labels;
  dropName: boolean;
  ts: Float64Array;
  vs: Float64Array;
  length: number;
}

/**
 * A range-vector node: per step i the window is (ends[i] - range, ends[i]] over each series'
 * raw samples (left-open, as in Prometheus 3).
 */
export interface MatrixValue {
  kind: 'matrix';
  series: RawSeries[];
  range: number;
  ends: Float64Array;
}

export interface VectorValue {
  kind: 'vector';
  series: StepSeries[];
}

export interface ScalarValue {
  kind: 'scalar';
  vals: Float64Array;
}

export interface StringValue {
  kind: 'string';
  v: string;
}

export type EvalValue = VectorValue | ScalarValue | StringValue | MatrixValue;

const SLAB_BYTES = 1 << 20;
let slab = new ArrayBuffer(SLAB_BYTES);
let slabUsed = 0;

/**
 * A zeroed series over `steps` steps. Small series are carved out of shared 1 MiB slabs (never
 * reused, so always zero): one ArrayBuffer per series made allocation the top cost of queries
 * over many series. Step series live only during one query, so slabs are freed soon after.
 */
export function newStepSeries(metric: Labels, dropName: boolean, steps: number): StepSeries {
  const bytes = (steps * 9 + 7) & ~7;
  if (bytes > SLAB_BYTES / 8) {
    const buf = new ArrayBuffer(bytes);
    return { metric, dropName, vals: new Float64Array(buf, 0, steps), has: new Uint8Array(buf, steps * 8, steps) };
  }
  if (slabUsed + bytes > SLAB_BYTES) {
    slab = new ArrayBuffer(SLAB_BYTES);
    slabUsed = 0;
  }
  const off = slabUsed;
  slabUsed += bytes;
  return {
    metric,
    dropName,
    vals: new Float64Array(slab, off, steps),
    has: new Uint8Array(slab, off + steps * 8, steps),
  };
}
