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
 * How many leading labels can be name-like: names are sorted and the name-like ones start
 * with `_`, so the first label starting with a later character (any lowercase) ends them.
 */
function nameLikeSpan(ls: Labels): number {
  let i = 0;
  while (i < ls.length && ls[i].name.charCodeAt(0) <= 0x5f) i++;
  return i;
}

/** Whether two label sets carry the same name-like labels (those withoutName drops). */
export function sameNameLike(a: Labels, b: Labels): boolean {
  const aEnd = nameLikeSpan(a);
  const bEnd = nameLikeSpan(b);
  let i = 0;
  let j = 0;
  for (;;) {
    while (i < aEnd && !isNameLike(a[i].name)) i++;
    while (j < bEnd && !isNameLike(b[j].name)) j++;
    if (i === aEnd || j === bEnd) return i === aEnd && j === bEnd;
    if (a[i].name !== b[j].name || a[i].value !== b[j].value) return false;
    i++;
    j++;
  }
}

/**
 * Whether all the series carry the same name-like labels: then series with distinct label
 * sets stay distinct after withoutName, and no merge after the drop is needed.
 */
export function sharesOneName(series: readonly { metric: Labels }[]): boolean {
  for (let i = 1; i < series.length; i++) if (!sameNameLike(series[0].metric, series[i].metric)) return false;
  return true;
}

const LONE_SURROGATE = /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** Prometheus 3 accepts any non-empty valid UTF-8 label name; lone surrogates are not UTF-8. */
export function isValidLabelName(name: string): boolean {
  return name.length > 0 && !LONE_SURROGATE.test(name);
}
