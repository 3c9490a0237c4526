// Gathers output series by label set across steps, the way Prometheus's range evaluation
// does: two outputs with the same labels at the same step are an error.
import { Labels, labelsKey } from '../../model/labels';
import { QueryError } from '../value';
import { newStepSeries, StepSeries } from './types';

export const ERR_DUPLICATE_LABELSET = 'vector cannot contain metrics with the same labelset';

/** Sets a step's value of an output series; a second value for the same step is the error. */
export function putStep(s: StepSeries, step: number, v: number): void {
  if (s.has[step]) throw new QueryError('execution', ERR_DUPLICATE_LABELSET);
  s.has[step] = 1;
  s.vals[step] = v;
}

export class SeriesCollector {
  private readonly byKey = new Map<string, StepSeries>();
  readonly out: StepSeries[] = [];

  constructor(private readonly steps: number) {}

  /** The output series for `metric`, created on first use; look it up once per input series. */
  get(metric: Labels, dropName: boolean, key: string = labelsKey(metric)): StepSeries {
    let s = this.byKey.get(key);
    if (!s) {
      s = newStepSeries(metric, dropName, this.steps);
      this.byKey.set(key, s);
      this.out.push(s);
    }
    return s;
  }

  set(metric: Labels, dropName: boolean, step: number, v: number): void {
    putStep(this.get(metric, dropName), step, v);
  }

  /** Adds every point of `s` under the label set `metric`. */
  addAll(metric: Labels, dropName: boolean, s: StepSeries): void {
    const target = this.get(metric, dropName);
    for (let i = 0; i < this.steps; i++) if (s.has[i]) putStep(target, i, s.vals[i]);
  }
}
