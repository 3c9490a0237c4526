// `info(v, [data-label-selector])` (experimental): adds the data labels of "info" series
// (by default `target_info`) to each series of `v` that shares their identifying labels
// (`instance`, `job`). The info series are read as of the time the first selector of `v` reads
// its samples (so `@` and `offset` inside `v` move them too), and at each step the newest info
// sample per info metric and identity wins.
import { getLabel, hasLabel, Label, Labels, labelsFromPairs, formatLabels, METRIC_NAME } from '../../model/labels';
import { Matcher } from '../../model/matcher';
import { putStep, SeriesCollector } from '../eval/collect';
import type { Evaluator } from '../eval/evaluator';
import type { Steps } from '../eval/steps';
import type { StepSeries, VectorValue } from '../eval/types';
import type { Call, Expr, SubqueryExpr, VectorSelector } from '../parser/ast';
import { QueryError } from '../value';

const TARGET_INFO = 'target_info';
const IDENTIFYING_LABELS = ['instance', 'job'] as const;

/**
 * The `__name__` matchers that pick info series: as written when one is positive; only
 * negative ones are narrowed to `*_info` names; none means `target_info`.
 */
export function effectiveInfoNameMatchers(nameMatchers: readonly Matcher[]): Matcher[] {
  if (nameMatchers.some((m) => m.type === '=' || m.type === '=~')) return [...nameMatchers];
  if (nameMatchers.length > 0) return [new Matcher('=~', METRIC_NAME, '.+_info'), ...nameMatchers];
  return [new Matcher('=', METRIC_NAME, TARGET_INFO)];
}

/** The selectors and subqueries from `e` down to its first vector selector, outermost first. */
function pathToFirstSelector(e: Expr): Array<VectorSelector | SubqueryExpr> | null {
  switch (e.type) {
    case 'VectorSelector':
      return [e];
    case 'MatrixSelector':
      return [e.vectorSelector];
    case 'SubqueryExpr': {
      const inner = pathToFirstSelector(e.expr);
      return inner && [e, ...inner];
    }
    case 'ParenExpr':
    case 'UnaryExpr':
      return pathToFirstSelector(e.expr);
    case 'BinaryExpr':
      return pathToFirstSelector(e.lhs) ?? pathToFirstSelector(e.rhs);
    case 'AggregateExpr':
      return (e.param && pathToFirstSelector(e.param)) ?? pathToFirstSelector(e.expr);
    case 'Call':
      for (const a of e.args) {
        const p = pathToFirstSelector(a);
        if (p) return p;
      }
      return null;
    case 'NumberLiteral':
    case 'StringLiteral':
      return null;
  }
}

/** The evaluation times of the info series: each step moved by the `@`s and offsets above `v`'s first selector. */
function infoSteps(ev: Evaluator, base: Expr, steps: Steps): Steps {
  const path = pathToFirstSelector(base) ?? [];
  const times = new Float64Array(steps.n);
  for (let i = 0; i < steps.n; i++) {
    let t = steps.times[i];
    for (const node of path) t = (ev.atTime(node) ?? t) - node.offset;
    times[i] = t;
  }
  return {
    start: times[0] ?? steps.start,
    end: times[steps.n - 1] ?? steps.end,
    interval: steps.interval,
    n: steps.n,
    times,
  };
}

/** Identity of a series for one info metric; null when it has no identifying label at all. */
function identity(infoName: string, ls: Labels): string | null {
  const values = IDENTIFYING_LABELS.map((l) => getLabel(ls, l));
  if (values.every((v) => v === '')) return null;
  return JSON.stringify([infoName, ...values]);
}

/** The info series of one identity; `newestAt` picks the one with the newest sample at a step. */
class InfoGroup {
  readonly members: number[] = [];

  constructor(private readonly info: readonly StepSeries[]) {}

  /** Index of the newest member present at step `i`, or -1; two at the same time are an error. */
  newestAt(i: number): number {
    let best = -1;
    for (const k of this.members) {
      const s = this.info[k];
      if (!s.has[i]) continue;
      if (best < 0 || this.info[best].vals[i] < s.vals[i]) {
        best = k;
      } else if (this.info[best].vals[i] === s.vals[i]) {
        const t = Math.round(s.vals[i] * 1000);
        throw new QueryError(
          'execution',
          `found duplicate series for info metric: existing ${formatLabels(this.info[best].metric)} @ ${t}, new ${formatLabels(s.metric)} @ ${t}`
        );
      }
    }
    return best;
  }
}

function sameChoice(a: readonly number[], b: readonly number[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

function groupByIdentity(info: readonly StepSeries[]): Map<string, InfoGroup> {
  const groups = new Map<string, InfoGroup>();
  info.forEach((s, k) => {
    const id = identity(getLabel(s.metric, METRIC_NAME), s.metric);
    if (id === null) return;
    let g = groups.get(id);
    if (!g) groups.set(id, (g = new InfoGroup(info)));
    g.members.push(k);
  });
  return groups;
}

export async function evalInfo(ev: Evaluator, call: Call, steps: Steps): Promise<VectorValue> {
  const base = await ev.evalVector(call.args[0], steps);
  const selector = call.args[1];
  const written = selector?.type === 'VectorSelector' ? selector.matchers : [];
  const nameMatchers = effectiveInfoNameMatchers(written.filter((m) => m.name === METRIC_NAME));
  const dataMatchers = written.filter((m) => m.name !== METRIC_NAME);
  const dataLabelNames = new Set(dataMatchers.map((m) => m.name));
  const dropUnmatched = dataMatchers.some((m) => !m.matches(''));

  // Series of `v` that are info series themselves pass through unenriched.
  const isInfoSeries = base.series.map((s) => nameMatchers.every((m) => m.matches(getLabel(s.metric, METRIC_NAME))));
  const enrich = base.series.some((s, k) => !isInfoSeries[k] && IDENTIFYING_LABELS.some((l) => hasLabel(s.metric, l)));
  let info: StepSeries[] = [];
  if (enrich) {
    const infoSelector: VectorSelector = {
      type: 'VectorSelector',
      name: '',
      matchers: [...nameMatchers, ...dataMatchers],
      offset: 0,
      timestamp: null,
      startOrEnd: null,
      pos: call.pos,
    };
    // Values are the samples' timestamps, which decide the newest info series.
    info = (await ev.selectVector(infoSelector, infoSteps(ev, call.args[0], steps), true)).series;
  }
  const groups = groupByIdentity(info);
  const infoNames = [...new Set(info.map((s) => getLabel(s.metric, METRIC_NAME)))];

  /** The data labels the chosen info series add to `base`, with Prometheus's conflict check. */
  const dataLabels = (base: Labels, chosen: readonly number[]): Label[] => {
    const added = new Map<string, string>();
    for (const k of chosen) {
      for (const l of info[k].metric) {
        if (l.name === METRIC_NAME) continue;
        if (dataLabelNames.size > 0 && !dataLabelNames.has(l.name)) continue;
        const prev = added.get(l.name);
        if (prev !== undefined && prev !== l.value) throw new QueryError('execution', `conflicting label: ${l.name}`);
        if (!hasLabel(base, l.name)) added.set(l.name, l.value);
      }
    }
    return [...added].map(([name, value]) => ({ name, value }));
  };

  const out = new SeriesCollector(steps.n);
  base.series.forEach((s, k) => {
    if (isInfoSeries[k]) {
      out.addAll(s.metric, s.dropName, s);
      return;
    }
    const own: InfoGroup[] = [];
    for (const n of infoNames) {
      const id = identity(n, s.metric);
      const g = id === null ? undefined : groups.get(id);
      if (g) own.push(g);
    }
    // The enriched label set only changes when the chosen info series do.
    const byChoice = new Map<string, StepSeries>();
    let chosen: number[] = [];
    // Consecutive steps mostly pick the same info series: reuse the last target then.
    let lastChosen: number[] | null = null;
    let lastTarget: StepSeries | null = null;
    for (let i = 0; i < steps.n; i++) {
      if (!s.has[i]) continue;
      chosen = [];
      for (const g of own) {
        const found = g.newestAt(i);
        if (found >= 0) chosen.push(found);
      }
      if (chosen.length === 0 && dropUnmatched) continue;
      let target: StepSeries | undefined;
      if (lastTarget !== null && lastChosen !== null && sameChoice(lastChosen, chosen)) {
        target = lastTarget;
      } else {
        const key = chosen.join(',');
        target = byChoice.get(key);
        if (target === undefined) {
          const extra = dataLabels(s.metric, chosen);
          target = out.get(extra.length === 0 ? s.metric : labelsFromPairs([...s.metric, ...extra]), s.dropName);
          byChoice.set(key, target);
        }
        lastChosen = chosen;
        lastTarget = target;
      }
      putStep(target, i, s.vals[i]);
    }
  });
  return { kind: 'vector', series: out.out };
}
