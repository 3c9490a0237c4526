// Result comparison of the promqltest runner: float tolerance as upstream's almost.Equal,
// vectors by label set (optionally ordered), matrices sorted and point by point.
import { compareLabels, Labels, labelsKey } from '../../model/labels';
import { isStaleNaN } from '../../model/value';
import { labelsString } from '../eval/binary';
import { almostEqual } from '../functions/histogram';
import type { MatrixSeries, Sample, Value } from '../value';
import type { EvalCommand } from './script';

const EPSILON = 1e-6;

export function floatsEqual(actual: number, expected: number): boolean {
  const sa = isStaleNaN(actual);
  const se = isStaleNaN(expected);
  if (sa || se) return sa && se;
  if (Number.isNaN(actual) && Number.isNaN(expected)) return true;
  return almostEqual(actual, expected, EPSILON);
}

function fmt(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return String(v);
}

/** Checks an instant vector against the expected series; returns the error or null. */
export function compareVector(cmd: EvalCommand, samples: readonly Sample[], ordered: boolean): string | null {
  const expected = new Map<string, { pos: number; value: number; labels: Labels }>();
  cmd.expected.forEach((e, idx) => {
    const v = e.values[0];
    expected.set(labelsKey(e.labels), { pos: idx, value: v && !v.omitted ? v.value : NaN, labels: e.labels });
  });
  const seen = new Set<string>();
  for (let pos = 0; pos < samples.length; pos++) {
    const s = samples[pos];
    const key = labelsKey(s.metric);
    const exp = expected.get(key);
    if (!exp) return `unexpected metric ${labelsString(s.metric)} in result, has value ${fmt(s.v)}`;
    if (ordered && exp.pos !== pos)
      return `expected metric ${labelsString(s.metric)} with ${fmt(exp.value)} at position ${exp.pos + 1} but was at ${pos + 1}`;
    if (!floatsEqual(s.v, exp.value))
      return `expected ${fmt(exp.value)} for ${labelsString(s.metric)} but got ${fmt(s.v)}`;
    seen.add(key);
  }
  for (const [key, exp] of expected)
    if (!seen.has(key)) return `expected metric ${labelsString(exp.labels)} with ${fmt(exp.value)} not found`;
  return null;
}

/** Checks a matrix: sorted by labels, every expected series with exactly its points. */
export function compareMatrix(
  cmd: EvalCommand,
  series: readonly MatrixSeries[],
  start: number,
  end: number,
  step: number
): string | null {
  for (let i = 1; i < series.length; i++) {
    if (compareLabels(series[i - 1].metric, series[i].metric) >= 0)
      return `matrix result is not sorted by labels: ${labelsString(series[i - 1].metric)} before ${labelsString(series[i].metric)}`;
  }
  const nSteps = step > 0 ? Math.floor((end - start) / step) + 1 : 1;
  const expected = new Map<string, { labels: Labels; ts: number[]; vs: number[] }>();
  for (const e of cmd.expected) {
    if (e.values.length > nSteps)
      return `expected ${e.values.length} points for ${labelsString(e.labels)} (line ${e.line}) but the range has only ${nSteps} steps`;
    const ts: number[] = [];
    const vs: number[] = [];
    e.values.forEach((v, i) => {
      if (v.omitted) return;
      ts.push(start + i * step);
      vs.push(v.value);
    });
    expected.set(labelsKey(e.labels), { labels: e.labels, ts, vs });
  }
  const seen = new Set<string>();
  for (const s of series) {
    const key = labelsKey(s.metric);
    const exp = expected.get(key);
    if (!exp)
      return `unexpected metric ${labelsString(s.metric)} in result, has ${s.ts.length} float points [${s.vs.map(fmt).join(' ')}]`;
    seen.add(key);
    if (exp.ts.length !== s.ts.length) {
      const got = s.ts.map((t, i) => `${fmt(s.vs[i])}@${t}`).join(' ');
      return `expected ${exp.ts.length} float points for ${labelsString(s.metric)}, but got ${s.ts.length}: [${got}]`;
    }
    for (let i = 0; i < s.ts.length; i++) {
      if (s.ts[i] !== exp.ts[i])
        return `expected float value at index ${i} for ${labelsString(s.metric)} to have timestamp ${exp.ts[i]}, but it had timestamp ${s.ts[i]} (result has ${s.ts.length} float points)`;
      if (!floatsEqual(s.vs[i], exp.vs[i]))
        return `expected float value at index ${i} (t=${s.ts[i]}) for ${labelsString(s.metric)} to be ${fmt(exp.vs[i])}, but got ${fmt(s.vs[i])}`;
    }
  }
  for (const [key, exp] of expected) if (!seen.has(key)) return `expected metric ${labelsString(exp.labels)} not found`;
  return null;
}

/** Compares any result value with the command's expectations. */
export function compareValue(
  cmd: EvalCommand,
  value: Value,
  range: { start: number; end: number; step: number } | null
): string | null {
  switch (value.type) {
    case 'scalar':
      if (cmd.scalar === null) return `expected vector or matrix result, but got scalar ${fmt(value.v)}`;
      if (!floatsEqual(value.v, cmd.scalar)) return `expected scalar ${fmt(cmd.scalar)} but got ${fmt(value.v)}`;
      return null;
    case 'string':
      if (cmd.expectString === null) return `unexpected string result "${value.v}"`;
      if (value.v !== cmd.expectString) return `expected string "${cmd.expectString}" but got "${value.v}"`;
      return null;
    case 'vector':
      if (cmd.scalar !== null) return `expected scalar result, but got vector with ${value.samples.length} samples`;
      if (cmd.expectString !== null) return 'expected string result, but got vector';
      if (cmd.rangeVector) return 'expected range vector result, but got instant vector';
      return compareVector(cmd, value.samples, cmd.ordered);
    case 'matrix': {
      if (cmd.scalar !== null) return 'expected scalar result, but got matrix';
      if (cmd.ordered) return 'expect ordered is not supported for range vectors';
      const r = range ?? cmd.rangeVector;
      if (!r) return 'received range vector result, but the test does not expect one (add "expect range vector")';
      return compareMatrix(cmd, value.series, r.start, r.end, r.step);
    }
  }
}
