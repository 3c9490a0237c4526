// The reserved labels that go together with the metric name: when an operation drops
// `__name__`, Prometheus 3 also drops the `__type__` and `__unit__` metadata labels.
import { Label, Labels, METRIC_NAME } from '../../model/labels';

export function isNameLike(name: string): boolean {
  return name === METRIC_NAME || name === '__type__' || name === '__unit__';
}

export function withoutName(metric: Labels): Labels {
  const out: Label[] = [];
  for (let i = 0; i < metric.length; i++) if (!isNameLike(metric[i].name)) out.push(metric[i]);
  return out;
}

/**
 * The values of the labels withoutName drops, as one string: series with distinct label
 * sets that agree on it stay distinct without those labels.
 */
export function nameLikeKey(metric: Labels): string {
  let key = '';
  for (let i = 0; i < metric.length; i++)
    if (isNameLike(metric[i].name)) key += metric[i].name + '\xff' + metric[i].value + '\xff';
  return key;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Prometheus 3 accepts any non-empty valid UTF-8 label name; lone surrogates are not UTF-8. */
export function isValidLabelName(name: string): boolean {
  return name.length > 0 && !LONE_SURROGATE.test(name);
}
