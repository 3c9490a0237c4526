// The experimental `fill(v)`, `fill_left(v)` and `fill_right(v)` binary-operator modifiers: at a
// step where a match group has series on one side only, the other side gets a stand-in series
// with value `v` whose labels are the group's matching labels. The operation then runs as usual
// over the real and the stand-in series.
import { Labels, METRIC_NAME } from '../../model/labels';
import type { VectorMatching } from '../parser/ast';
import type { Steps } from './steps';
import { newStepSeries, StepSeries, VectorValue } from './types';

/** The labels a series is matched on: its `on(...)` labels, or all but the name and `ignoring(...)` ones. */
function matchingLabels(metric: Labels, m: VectorMatching): Labels {
  return m.on
    ? metric.filter((l) => m.matchingLabels.includes(l.name))
    : metric.filter((l) => l.name !== METRIC_NAME && !m.matchingLabels.includes(l.name));
}

interface Group {
  labels: Labels;
  series: StepSeries[];
}

function groups(v: VectorValue, m: VectorMatching): Map<string, Group> {
  const out = new Map<string, Group>();
  for (const s of v.series) {
    const labels = matchingLabels(s.metric, m);
    const key = JSON.stringify(labels);
    const g = out.get(key);
    if (g) g.series.push(s);
    else out.set(key, { labels, series: [s] });
  }
  return out;
}

function presentAt(series: readonly StepSeries[] | undefined, step: number): boolean {
  return series !== undefined && series.some((s) => s.has[step] === 1);
}

/** Stand-in series for `target`: one per group of `other` missing from `target` at some step. */
function standIns(
  target: VectorValue,
  other: VectorValue,
  m: VectorMatching,
  value: number,
  steps: Steps
): StepSeries[] {
  const targetGroups = groups(target, m);
  const out: StepSeries[] = [];
  for (const [key, g] of groups(other, m)) {
    const own = targetGroups.get(key)?.series;
    let filled: StepSeries | null = null;
    for (let i = 0; i < steps.n; i++) {
      if (!presentAt(g.series, i) || presentAt(own, i)) continue;
      filled ??= newStepSeries(g.labels, false, steps.n);
      filled.has[i] = 1;
      filled.vals[i] = value;
    }
    if (filled) out.push(filled);
  }
  return out;
}

/**
 * `lhs` and `rhs` with the stand-in series of the fill modifiers added. As in Prometheus, with
 * `group_right` the sides are swapped before filling: `fill_left` then fills the right-hand side.
 */
export function withFillSeries(
  lhs: VectorValue,
  rhs: VectorValue,
  m: VectorMatching,
  steps: Steps
): [VectorValue, VectorValue] {
  const fill = m.fillValues;
  if (fill === undefined || (fill.lhs === null && fill.rhs === null)) return [lhs, rhs];
  const swapped = m.card === 'one-to-many';
  const leftValue = swapped ? fill.rhs : fill.lhs;
  const rightValue = swapped ? fill.lhs : fill.rhs;
  const extraLeft = leftValue === null ? [] : standIns(lhs, rhs, m, leftValue, steps);
  const extraRight = rightValue === null ? [] : standIns(rhs, lhs, m, rightValue, steps);
  return [
    { kind: 'vector', series: [...lhs.series, ...extraLeft] },
    { kind: 'vector', series: [...rhs.series, ...extraRight] },
  ];
}
