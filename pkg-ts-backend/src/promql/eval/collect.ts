// Gathers output series by label set across steps, the way Prometheus's range evaluation
// does: two outputs with the same labels at the same step are an error.
import { Labels, labelsKey } from '../../model/labels';
import { QueryError } from '../value';
import { newStepSeries, StepSeries } from './types';

export const ERR_DUPLICATE_LABELSET = 'vector cannot contain metrics with the same labelset';

export class SeriesCollector {
  private readonly byKey = new Map<string, StepSeries>();
  readonly out: StepSeries[] = [];

  constructor(private readonly steps: number) {}

  /** The output series for `metric`, created on first use. */
  get(metric: Labels, dropName: boolean): StepSeries {
    const key = labelsKey(metric);
    let s = this.byKey.get(key);
    if (!s) {
      s = newStepSeries(metric, dropName, this.steps);
      this.byKey.set(key, s);
      this.out.push(s);
    }
    return s;
  }

  set(metric: Labels, dropName: boolean, step: number, v: number): void {
    const s = this.get(metric, dropName);
    if (s.has[step]) throw new QueryError('execution', ERR_DUPLICATE_LABELSET);
    s.has[step] = 1;
    s.vals[step] = v;
  }
}
