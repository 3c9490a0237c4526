// Binary operators: arithmetic, comparisons (filtering or `bool`), and the set operators,
// between scalars and vectors, with one-to-one and many-to-one/one-to-many vector matching.
import { formatLabelName, Label, Labels, labelsKey, METRIC_NAME } from '../../model/labels';
import type { BinaryExpr, BinaryOp, VectorMatching } from '../parser/ast';
import { QueryError } from '../value';
import { SeriesCollector } from './collect';
import { Evaluator, mergeAfterRelabel } from './evaluator';
import type { Steps } from './steps';
import { EvalValue, StepSeries, VectorValue } from './types';

const COMPARISONS = new Set<BinaryOp>(['==', '!=', '>', '<', '>=', '<=']);

export function isComparison(op: BinaryOp): boolean {
  return COMPARISONS.has(op);
}

/** Go's math.Pow where it differs from JS's `**` (1^NaN, (-1)^±Inf). */
function pow(l: number, r: number): number {
  if (l === 1 || r === 0) return 1;
  if (l === -1 && (r === Infinity || r === -Infinity)) return 1;
  return Math.pow(l, r);
}

export function arithmetic(op: BinaryOp, l: number, r: number): number {
  switch (op) {
    case '+':
      return l + r;
    case '-':
      return l - r;
    case '*':
      return l * r;
    case '/':
      return l / r;
    case '%':
      return l % r;
    case '^':
      return pow(l, r);
    case 'atan2':
      return Math.atan2(l, r);
    default:
      throw new Error(`not an arithmetic operator: ${op}`);
  }
}

export function compare(op: BinaryOp, l: number, r: number): boolean {
  switch (op) {
    case '==':
      return l === r;
    case '!=':
      return l !== r;
    case '>':
      return l > r;
    case '<':
      return l < r;
    case '>=':
      return l >= r;
    case '<=':
      return l <= r;
    default:
      throw new Error(`not a comparison operator: ${op}`);
  }
}

export async function evalBinary(ev: Evaluator, e: BinaryExpr, steps: Steps): Promise<EvalValue> {
  const lhs = await ev.eval(e.lhs, steps);
  const rhs = await ev.eval(e.rhs, steps);
  if (lhs.kind === 'scalar' && rhs.kind === 'scalar') {
    const vals = new Float64Array(steps.n);
    for (let i = 0; i < steps.n; i++) {
      vals[i] = isComparison(e.op)
        ? compare(e.op, lhs.vals[i], rhs.vals[i])
          ? 1
          : 0
        : arithmetic(e.op, lhs.vals[i], rhs.vals[i]);
    }
    return { kind: 'scalar', vals };
  }
  if (lhs.kind === 'vector' && rhs.kind === 'scalar') return vectorScalar(ev, e, lhs, rhs.vals, false, steps);
  if (lhs.kind === 'scalar' && rhs.kind === 'vector') return vectorScalar(ev, e, rhs, lhs.vals, true, steps);
  if (lhs.kind !== 'vector' || rhs.kind !== 'vector') throw new Error(`binary ${e.op} on ${lhs.kind} and ${rhs.kind}`);
  const matching = e.vectorMatching ?? { card: 'one-to-one', matchingLabels: [], on: false, include: [] };
  switch (e.op) {
    case 'and':
    case 'unless':
      return andUnless(e.op, lhs, rhs, matching, steps);
    case 'or':
      return or(lhs, rhs, matching, steps);
    default:
      return vectorVector(ev, e, lhs, rhs, matching, steps);
  }
}

async function vectorScalar(
  ev: Evaluator,
  e: BinaryExpr,
  vec: VectorValue,
  scalar: Float64Array,
  swap: boolean,
  steps: Steps
): Promise<VectorValue> {
  const cmp = isComparison(e.op);
  const dropName = !cmp || e.returnBool;
  const out: StepSeries[] = [];
  for (const s of vec.series) {
    await ev.tick();
    const vals = new Float64Array(steps.n);
    const has = new Uint8Array(steps.n);
    let any = false;
    for (let i = 0; i < steps.n; i++) {
      if (!s.has[i]) continue;
      const l = swap ? scalar[i] : s.vals[i];
      const r = swap ? s.vals[i] : scalar[i];
      let v: number;
      if (cmp) {
        const keep = compare(e.op, l, r);
        if (e.returnBool) v = keep ? 1 : 0;
        else if (keep) v = s.vals[i];
        else continue;
      } else v = arithmetic(e.op, l, r);
      vals[i] = v;
      has[i] = 1;
      any = true;
    }
    if (!any) continue;
    const named = dropName ? ev.dropName(s.metric) : { metric: s.metric, dropName: s.dropName };
    out.push({ metric: named.metric, dropName: named.dropName || s.dropName, vals, has });
  }
  return { kind: 'vector', series: dropName ? mergeAfterRelabel(out, steps.n) : out };
}

/** The matching signature of a series: its `on` labels, or all but the `ignoring` ones and the name. */
function signature(metric: Labels, m: VectorMatching): string {
  let key = '';
  if (m.on) {
    for (const l of metric) if (m.matchingLabels.includes(l.name)) key += l.name + '\xff' + l.value + '\xff';
  } else {
    for (const l of metric) {
      if (l.name === METRIC_NAME || m.matchingLabels.includes(l.name)) continue;
      key += l.name + '\xff' + l.value + '\xff';
    }
  }
  return key;
}

function matchedLabels(metric: Labels, m: VectorMatching): Labels {
  return m.on
    ? metric.filter((l) => m.matchingLabels.includes(l.name))
    : metric.filter((l) => l.name !== METRIC_NAME && !m.matchingLabels.includes(l.name));
}

/** Prometheus's Labels.String(): every label inside the braces, the name too. */
export function labelsString(ls: Labels): string {
  return `{${ls.map((l) => `${formatLabelName(l.name)}=${JSON.stringify(l.value)}`).join(', ')}}`;
}

function sigsAt(series: StepSeries[], sigs: string[], step: number): Set<string> {
  const set = new Set<string>();
  for (let j = 0; j < series.length; j++) if (series[j].has[step]) set.add(sigs[j]);
  return set;
}

function andUnless(
  op: 'and' | 'unless',
  lhs: VectorValue,
  rhs: VectorValue,
  m: VectorMatching,
  steps: Steps
): VectorValue {
  const lsigs = lhs.series.map((s) => signature(s.metric, m));
  const rsigs = rhs.series.map((s) => signature(s.metric, m));
  const out: StepSeries[] = lhs.series.map((s) => ({
    metric: s.metric,
    dropName: s.dropName,
    vals: s.vals,
    has: new Uint8Array(steps.n),
  }));
  for (let i = 0; i < steps.n; i++) {
    const right = sigsAt(rhs.series, rsigs, i);
    for (let j = 0; j < lhs.series.length; j++) {
      if (!lhs.series[j].has[i]) continue;
      if (right.has(lsigs[j]) === (op === 'and')) out[j].has[i] = 1;
    }
  }
  return { kind: 'vector', series: out.filter((s) => s.has.includes(1)) };
}

function or(lhs: VectorValue, rhs: VectorValue, m: VectorMatching, steps: Steps): VectorValue {
  const lsigs = lhs.series.map((s) => signature(s.metric, m));
  const rsigs = rhs.series.map((s) => signature(s.metric, m));
  const c = new SeriesCollector(steps.n);
  for (let i = 0; i < steps.n; i++) {
    const left = sigsAt(lhs.series, lsigs, i);
    for (const s of lhs.series) if (s.has[i]) c.set(s.metric, s.dropName, i, s.vals[i]);
    for (let j = 0; j < rhs.series.length; j++) {
      const s = rhs.series[j];
      if (s.has[i] && !left.has(rsigs[j])) c.set(s.metric, s.dropName, i, s.vals[i]);
    }
  }
  return { kind: 'vector', series: c.out };
}

interface ResultMetric {
  one: number;
  metric: Labels;
  dropName: boolean;
  key: string;
}

async function vectorVector(
  ev: Evaluator,
  e: BinaryExpr,
  lhs: VectorValue,
  rhs: VectorValue,
  m: VectorMatching,
  steps: Steps
): Promise<VectorValue> {
  const cmp = isComparison(e.op);
  const changesSchema = !cmp || e.returnBool;
  const swapped = m.card === 'one-to-many';
  const many = swapped ? rhs.series : lhs.series;
  const one = swapped ? lhs.series : rhs.series;
  const manySigs = many.map((s) => signature(s.metric, m));
  const oneSigs = one.map((s) => signature(s.metric, m));
  const include = new Set(m.include);
  const cache: (ResultMetric | undefined)[] = new Array<ResultMetric | undefined>(many.length);
  const c = new SeriesCollector(steps.n);
  const resultMetric = (mi: number, oi: number): ResultMetric => {
    const hit = cache[mi];
    if (hit && hit.one === oi) return hit;
    let labels: Label[] = many[mi].metric.slice();
    let dropName = many[mi].dropName;
    if (changesSchema) {
      const d = ev.dropName(labels);
      labels = d.metric.slice();
      dropName = dropName || d.dropName;
    }
    if (m.card === 'one-to-one') {
      labels = m.on
        ? labels.filter((l) => m.matchingLabels.includes(l.name))
        : labels.filter((l) => !m.matchingLabels.includes(l.name));
    }
    if (include.size > 0) {
      const oneMetric = one[oi].metric;
      labels = labels.filter((l) => !include.has(l.name));
      for (const l of oneMetric) if (include.has(l.name)) labels.push(l);
      labels.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    const r = { one: oi, metric: labels, dropName, key: labelsKey(labels) };
    cache[mi] = r;
    return r;
  };
  for (let i = 0; i < steps.n; i++) {
    if (ev.guard.due()) await ev.guard.yield();
    const oneBySig = new Map<string, number>();
    for (let j = 0; j < one.length; j++) {
      if (!one[j].has[i]) continue;
      const prev = oneBySig.get(oneSigs[j]);
      if (prev !== undefined) {
        const pair = [one[prev].metric, one[j].metric].map(labelsString).sort();
        throw new QueryError(
          'execution',
          `found duplicate series for the match group ${labelsString(matchedLabels(one[j].metric, m))} on the ${swapped ? 'left' : 'right'} hand-side of the operation: [${pair.join(', ')}];many-to-many matching not allowed: matching labels must be unique on one side`
        );
      }
      oneBySig.set(oneSigs[j], j);
    }
    const matched = new Set<string>();
    for (let j = 0; j < many.length; j++) {
      if (!many[j].has[i]) continue;
      const oi = oneBySig.get(manySigs[j]);
      if (oi === undefined) continue;
      // Ambiguous matches are errors even when the comparison would filter the sample out.
      const res = resultMetric(j, oi);
      if (m.card === 'one-to-one') {
        if (matched.has(manySigs[j]))
          throw new QueryError(
            'execution',
            'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)'
          );
        matched.add(manySigs[j]);
      } else {
        const k = manySigs[j] + '\x00' + res.key;
        if (matched.has(k))
          throw new QueryError('execution', 'multiple matches for labels: grouping labels must ensure unique matches');
        matched.add(k);
      }
      const l = swapped ? one[oi].vals[i] : many[j].vals[i];
      const r = swapped ? many[j].vals[i] : one[oi].vals[i];
      let v: number;
      if (cmp) {
        const keep = compare(e.op, l, r);
        if (e.returnBool) v = keep ? 1 : 0;
        else if (keep) v = l;
        else continue;
      } else v = arithmetic(e.op, l, r);
      c.set(res.metric, res.dropName, i, v);
    }
  }
  return { kind: 'vector', series: c.out };
}
