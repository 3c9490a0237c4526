// Binary operators: arithmetic, comparisons (filtering or `bool`), and the set operators,
// between scalars and vectors, with one-to-one and many-to-one/one-to-many vector matching.
import { formatLabelName, Label, Labels, labelsKey, METRIC_NAME } from '../../model/labels';
import type { BinaryExpr, BinaryOp, VectorMatching } from '../parser/ast';
import { QueryError } from '../value';
import { putStep, SeriesCollector } from './collect';
import { Evaluator, mergeAfterRelabel } from './evaluator';
import { withFillSeries } from './fill';
import { sharesOneName } from './names';
import type { Steps } from './steps';
import { EvalValue, newStepSeries, StepSeries, VectorValue } from './types';

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
      return vectorVector(ev, e, ...withFillSeries(lhs, rhs, matching, steps), matching, steps);
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
    if (ev.guard.due()) await ev.guard.yield();
    const { vals, has } = newStepSeries(s.metric, false, steps.n);
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
  return { kind: 'vector', series: dropName && !sharesOneName(vec.series) ? mergeAfterRelabel(out, steps.n) : out };
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

/** Indices of series by matching signature, computed once for all steps. */
function bySignature(sigs: string[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  sigs.forEach((sig, j) => {
    const list = m.get(sig);
    if (list) list.push(j);
    else m.set(sig, [j]);
  });
  return m;
}

function anyPresent(series: StepSeries[], indices: number[] | undefined, step: number): boolean {
  if (!indices) return false;
  for (const j of indices) if (series[j].has[step]) return true;
  return false;
}

function andUnless(
  op: 'and' | 'unless',
  lhs: VectorValue,
  rhs: VectorValue,
  m: VectorMatching,
  steps: Steps
): VectorValue {
  const lsigs = lhs.series.map((s) => signature(s.metric, m));
  const right = bySignature(rhs.series.map((s) => signature(s.metric, m)));
  const keepMatched = op === 'and';
  const out: StepSeries[] = [];
  lhs.series.forEach((s, j) => {
    const candidates = right.get(lsigs[j]);
    const has = new Uint8Array(steps.n);
    let any = false;
    for (let i = 0; i < steps.n; i++) {
      if (s.has[i] && anyPresent(rhs.series, candidates, i) === keepMatched) {
        has[i] = 1;
        any = true;
      }
    }
    if (any) out.push({ metric: s.metric, dropName: s.dropName, vals: s.vals, has });
  });
  return { kind: 'vector', series: out };
}

function or(lhs: VectorValue, rhs: VectorValue, m: VectorMatching, steps: Steps): VectorValue {
  const left = bySignature(lhs.series.map((s) => signature(s.metric, m)));
  const rsigs = rhs.series.map((s) => signature(s.metric, m));
  const c = new SeriesCollector(steps.n);
  for (const s of lhs.series) c.addAll(s.metric, s.dropName, s);
  rhs.series.forEach((s, j) => {
    const candidates = left.get(rsigs[j]);
    let target: StepSeries | undefined;
    for (let i = 0; i < steps.n; i++) {
      if (!s.has[i] || anyPresent(lhs.series, candidates, i)) continue;
      target ??= c.get(s.metric, s.dropName);
      putStep(target, i, s.vals[i]);
    }
  });
  return { kind: 'vector', series: c.out };
}

interface ResultMetric {
  one: number;
  metric: Labels;
  dropName: boolean;
  key: string;
  target: StepSeries;
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
  // One table for both sides: each signature is hashed once and looked up once.
  const bySig = new Map<string, { one: number[]; many: number[] }>();
  for (let j = 0; j < one.length; j++) {
    const sig = signature(one[j].metric, m);
    const entry = bySig.get(sig);
    if (entry) entry.one.push(j);
    else bySig.set(sig, { one: [j], many: [] });
  }
  for (let j = 0; j < many.length; j++) bySig.get(signature(many[j].metric, m))?.many.push(j);
  const include = new Set(m.include);
  const cache: (ResultMetric | undefined)[] = new Array<ResultMetric | undefined>(many.length);
  const c = new SeriesCollector(steps.n);
  const resultMetric = (mi: number, oi: number): ResultMetric => {
    const hit = cache[mi];
    if (hit && hit.one === oi) return hit;
    let labels: Labels = many[mi].metric;
    let dropName = many[mi].dropName;
    if (changesSchema) {
      const d = ev.dropName(labels);
      labels = d.metric;
      dropName = dropName || d.dropName;
    }
    if (m.card === 'one-to-one') {
      labels = m.on
        ? labels.filter((l) => m.matchingLabels.includes(l.name))
        : labels.filter((l) => !m.matchingLabels.includes(l.name));
    }
    if (include.size > 0) {
      const kept: Label[] = labels.filter((l) => !include.has(l.name));
      for (const l of one[oi].metric) if (include.has(l.name)) kept.push(l);
      labels = kept.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    }
    const key = labelsKey(labels);
    const r = { one: oi, metric: labels, dropName, key, target: c.get(labels, dropName, key) };
    cache[mi] = r;
    return r;
  };
  const duplicateOneSide = (a: number, b: number): QueryError => {
    const pair = [one[a].metric, one[b].metric].map(labelsString).sort();
    return new QueryError(
      'execution',
      `found duplicate series for the match group ${labelsString(matchedLabels(one[b].metric, m))} on the ${swapped ? 'left' : 'right'} hand-side of the operation: [${pair.join(', ')}];many-to-many matching not allowed: matching labels must be unique on one side`
    );
  };
  const insertedKeys = new Set<string>();
  const op = e.op;
  const returnBool = e.returnBool;
  for (const { one: oneIdx, many: manyMatched } of bySig.values()) {
    if (ev.guard.due()) await ev.guard.yield();
    const manyIdx = manyMatched.length > 0 ? manyMatched : undefined;
    if (oneIdx.length === 1 && manyIdx?.length === 1) {
      // The common one-to-one pairing: no ambiguity is possible, so no bookkeeping per step.
      const oi = oneIdx[0];
      const mj = manyIdx[0];
      const o = one[oi];
      const mm = many[mj];
      let target: StepSeries | null = null;
      for (let i = 0; i < steps.n; i++) {
        if (!o.has[i] || !mm.has[i]) continue;
        const l = swapped ? o.vals[i] : mm.vals[i];
        const r = swapped ? mm.vals[i] : o.vals[i];
        let v: number;
        if (cmp) {
          const keep = compare(op, l, r);
          if (returnBool) v = keep ? 1 : 0;
          else if (keep) v = l;
          else continue;
        } else v = arithmetic(op, l, r);
        target ??= resultMetric(mj, oi).target;
        putStep(target, i, v);
      }
      continue;
    }
    for (let i = 0; i < steps.n; i++) {
      let oi = -1;
      for (const j of oneIdx) {
        if (!one[j].has[i]) continue;
        if (oi >= 0) throw duplicateOneSide(oi, j);
        oi = j;
      }
      if (oi < 0 || !manyIdx) continue;
      let matchedMany = 0;
      insertedKeys.clear();
      for (const mj of manyIdx) {
        if (!many[mj].has[i]) continue;
        // Ambiguous matches are errors even when the comparison would filter the sample out.
        const res = resultMetric(mj, oi);
        if (m.card === 'one-to-one') {
          if (++matchedMany > 1)
            throw new QueryError(
              'execution',
              'multiple matches for labels: many-to-one matching must be explicit (group_left/group_right)'
            );
        } else {
          if (insertedKeys.has(res.key))
            throw new QueryError(
              'execution',
              'multiple matches for labels: grouping labels must ensure unique matches'
            );
          insertedKeys.add(res.key);
        }
        const l = swapped ? one[oi].vals[i] : many[mj].vals[i];
        const r = swapped ? many[mj].vals[i] : one[oi].vals[i];
        let v: number;
        if (cmp) {
          const keep = compare(e.op, l, r);
          if (e.returnBool) v = keep ? 1 : 0;
          else if (keep) v = l;
          else continue;
        } else v = arithmetic(e.op, l, r);
        putStep(res.target, i, v);
      }
    }
  }
  return { kind: 'vector', series: c.out.filter((s) => s.has.includes(1)) };
}
