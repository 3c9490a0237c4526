// The reserved labels that go together with the metric name: when an operation drops
// `__name__`, Prometheus 3 also drops the `__type__` and `__unit__` metadata labels.
import { Labels, METRIC_NAME } from '../../model/labels';

export function isNameLike(name: string): boolean {
  return name === METRIC_NAME || name === '__type__' || name === '__unit__';
}

export function withoutName(metric: Labels): Labels {
  return metric.filter((l) => !isNameLike(l.name));
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Prometheus 3 accepts any non-empty valid UTF-8 label name; lone surrogates are not UTF-8. */
export function isValidLabelName(name: string): boolean {
  return name.length > 0 && !LONE_SURROGATE.test(name);
}
