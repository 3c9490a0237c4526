// The reserved labels that go together with the metric name: when an operation drops
// `__name__`, Prometheus 3 also drops the `__type__` and `__unit__` metadata labels.
import { Labels, METRIC_NAME } from '../../model/labels';

export function isNameLike(name: string): boolean {
  return name === METRIC_NAME || name === '__type__' || name === '__unit__';
}

export function withoutName(metric: Labels): Labels {
  return metric.filter((l) => !isNameLike(l.name));
}
