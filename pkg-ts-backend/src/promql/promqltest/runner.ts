// Runs a parsed `.test` script against an engine and a fresh storage, the way upstream's
// promqltest does: every instant eval is also checked with `@` pinned selectors at other
// evaluation times and in range mode around its time.
import { compareLabels, getLabel, Labels, METRIC_NAME } from '../../model/labels';
import type { Appendable, Queryable } from '../../storage/interface';
import type { Engine } from '../engine';
import type { Expr } from '../parser/ast';
import { ALL_LANGUAGE_FEATURES } from '../features';
import { formatExpr, parseExpr, vectorSelectors } from '../parser';
import { QueryResult } from '../value';
import { compareValue } from './compare';
import { AnnotationExpectation, Command, EvalCommand, LoadCommand, parseScript } from './script';

export type Storage = Appendable & Queryable;

export interface CaseResult {
  line: number;
  status: 'passed' | 'failed' | 'skipped';
  message?: string;
}

export interface RunnerOptions {
  engine: Engine;
  newStorage: () => Storage;
}

/** Functions whose result depends on the evaluation time itself, not only on the data. */
const AT_MODIFIER_UNSAFE = new Set([
  'days_in_month',
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'hour',
  'minute',
  'month',
  'year',
  'predict_linear',
  'time',
  'timestamp',
  'start',
  'end',
  'range',
  'step',
]);

export const SKIP_HISTOGRAM_SERIES = 'reads native histogram series';
export const SKIP_START_TIMESTAMPS = 'needs start timestamps in storage';
export const SKIP_LANGUAGE_FEATURE = 'needs an experimental language feature';

interface RunState {
  storage: Storage;
  /** Label sets of series that hold native histograms here (not loaded). */
  histogramSeries: Labels[];
  /** Data with start timestamps was loaded; flint does not store them. */
  startTimestamps: boolean;
}

export async function runScript(text: string, opts: RunnerOptions): Promise<CaseResult[]> {
  let cmds: Command[];
  try {
    cmds = parseScript(text);
  } catch (err) {
    const line = (err as { line?: number }).line ?? 0;
    return [{ line, status: 'failed', message: (err as Error).message }];
  }
  const state: RunState = { storage: opts.newStorage(), histogramSeries: [], startTimestamps: false };
  const results: CaseResult[] = [];
  for (const cmd of cmds) {
    if (cmd.kind === 'clear') {
      state.storage = opts.newStorage();
      state.histogramSeries = [];
      state.startTimestamps = false;
    } else if (cmd.kind === 'load') {
      const err = await load(state, cmd);
      if (err) results.push({ line: cmd.line, status: 'failed', message: err });
    } else {
      results.push(await runEval(opts.engine, state, cmd));
    }
  }
  return results;
}

async function load(state: RunState, cmd: LoadCommand): Promise<string | null> {
  if (cmd.startTimestamps) state.startTimestamps = true;
  const app = state.storage.appender();
  try {
    for (const s of cmd.series) {
      if (s.hasHistograms) state.histogramSeries.push(s.labels);
      s.values.forEach((v, i) => {
        if (!v.omitted) app.append(0, s.labels, i * cmd.step, v.value);
      });
      if (cmd.withNhcb) {
        const name = getLabel(s.labels, METRIC_NAME);
        const m = /^(.*)_(bucket|count|sum)$/.exec(name);
        if (m)
          state.histogramSeries.push(
            [
              { name: METRIC_NAME, value: m[1] },
              ...s.labels.filter((l) => l.name !== METRIC_NAME && l.name !== 'le'),
            ].sort((a, b) => (a.name < b.name ? -1 : 1))
          );
      }
    }
    await app.commit();
    return null;
  } catch (err) {
    app.rollback();
    return `error loading series: ${(err as Error).message}`;
  }
}

function readsHistograms(e: Expr, histogramSeries: Labels[]): boolean {
  for (const s of vectorSelectors(e)) {
    for (const ls of histogramSeries) if (s.matchers.every((m) => m.matches(getLabel(ls, m.name)))) return true;
  }
  return false;
}

/** Upstream's atModifierTestCases: pins every selector outside `@` subqueries to the eval time. */
function atModifierCases(exprText: string, ts: number): { expr: string; t: number }[] {
  const e = parseExpr(exprText, ALL_LANGUAGE_FEATURES);
  let unsafe = false;
  const visit = (n: Expr): void => {
    switch (n.type) {
      case 'VectorSelector':
        if (n.timestamp === null && n.startOrEnd === null) n.timestamp = ts;
        return;
      case 'MatrixSelector':
        if (n.vectorSelector.timestamp === null && n.vectorSelector.startOrEnd === null)
          n.vectorSelector.timestamp = ts;
        return;
      case 'SubqueryExpr':
        // Selectors inside a subquery keep their own timing; the subquery itself is pinned.
        if (n.timestamp === null && n.startOrEnd === null) n.timestamp = ts;
        return;
      case 'ParenExpr':
      case 'UnaryExpr':
        visit(n.expr);
        return;
      case 'BinaryExpr':
        visit(n.lhs);
        visit(n.rhs);
        return;
      case 'AggregateExpr':
        if (n.param) visit(n.param);
        visit(n.expr);
        return;
      case 'Call':
        if (AT_MODIFIER_UNSAFE.has(n.func.name)) unsafe = true;
        n.args.forEach(visit);
        return;
      default:
        return;
    }
  };
  visit(e);
  if (unsafe) return [];
  const text = formatExpr(e);
  const times = ts === 0 ? [-1000, 0, 1000] : [-10 * ts, 0, Math.trunc(ts / 5), ts, 10 * ts];
  return times.map((t) => ({ expr: text, t }));
}

function matches(exp: AnnotationExpectation, text: string): boolean {
  if (exp.kind === 'any') return true;
  if (exp.kind === 'msg') return text === exp.text;
  return new RegExp(exp.text).test(text);
}

function checkAnnotationKind(
  kind: string,
  expected: AnnotationExpectation[] | null,
  forbid: boolean,
  got: readonly string[]
): string | null {
  if (forbid && got.length > 0) return `unexpected ${kind} annotations: ${got.join('; ')}`;
  if (!expected) return null;
  if (got.length === 0) return `expected ${kind} annotations but got none`;
  for (const exp of expected)
    if (!got.some((g) => matches(exp, g)))
      return `expected ${kind} annotation matching ${exp.kind} ${JSON.stringify(exp.text)} but got: ${got.join('; ')}`;
  for (const g of got)
    if (!expected.some((exp) => matches(exp, g))) return `unexpected ${kind} annotation ${JSON.stringify(g)}`;
  return null;
}

function checkAnnotations(cmd: EvalCommand, res: QueryResult): string | null {
  return (
    checkAnnotationKind('warning', cmd.warn, cmd.noWarn, res.warnings) ??
    checkAnnotationKind('info', cmd.info, cmd.noInfo, res.infos)
  );
}

function checkFailure(cmd: EvalCommand, err: Error): string | null {
  const f = cmd.fail!;
  const msg = err.message;
  if (f.kind === 'msg' && msg.trim() !== f.text)
    return `expected error ${JSON.stringify(f.text)} but got ${JSON.stringify(msg)}`;
  if (f.kind === 'regex' && !new RegExp(f.text).test(msg))
    return `expected error matching ${JSON.stringify(f.text)} but got ${JSON.stringify(msg)}`;
  return null;
}

async function runEval(engine: Engine, state: RunState, cmd: EvalCommand): Promise<CaseResult> {
  const fail = (message: string): CaseResult => ({ line: cmd.line, status: 'failed', message });
  if (cmd.skip) return { line: cmd.line, status: 'skipped', message: cmd.skip };
  let parsed: Expr;
  try {
    parsed = parseExpr(cmd.expr, ALL_LANGUAGE_FEATURES);
  } catch (err) {
    // Upstream parses every expression with all experimental language features on (duration
    // expressions, anchored/smoothed ranges, fill modifiers); one flint does not parse needs one.
    return { line: cmd.line, status: 'skipped', message: `${SKIP_LANGUAGE_FEATURE}: ${(err as Error).message}` };
  }
  if (state.startTimestamps) return { line: cmd.line, status: 'skipped', message: SKIP_START_TIMESTAMPS };
  if (readsHistograms(parsed, state.histogramSeries))
    return { line: cmd.line, status: 'skipped', message: SKIP_HISTOGRAM_SERIES };
  try {
    const err = cmd.instant ? await runInstant(engine, state.storage, cmd) : await runRange(engine, state.storage, cmd);
    return err ? fail(err) : { line: cmd.line, status: 'passed' };
  } catch (err) {
    return fail(`internal error: ${(err as Error).stack ?? String(err)}`);
  }
}

async function runRange(engine: Engine, storage: Storage, cmd: EvalCommand): Promise<string | null> {
  let res: QueryResult;
  try {
    res = await engine.rangeQuery(storage, cmd.expr, cmd.start, cmd.end, cmd.step);
  } catch (err) {
    if (cmd.fail) return checkFailure(cmd, err as Error);
    return `error in range query ${cmd.expr}: ${(err as Error).message}`;
  }
  if (cmd.fail) return `expected error evaluating query ${JSON.stringify(cmd.expr)} but got none`;
  const annos = checkAnnotations(cmd, res);
  if (annos) return annos;
  return compareValue(cmd, res.value, { start: cmd.start, end: cmd.end, step: cmd.step });
}

async function runInstant(engine: Engine, storage: Storage, cmd: EvalCommand): Promise<string | null> {
  const queries = [{ expr: cmd.expr, t: cmd.start }, ...atModifierCases(cmd.expr, cmd.start)];
  const noRangeCheck =
    /\b(start|end|range|step)\(\)/.test(cmd.expr) || cmd.expectString !== null || cmd.rangeVector !== null;
  for (const q of queries) {
    const where = q.expr === cmd.expr && q.t === cmd.start ? '' : ` (as ${JSON.stringify(q.expr)} at ${q.t}ms)`;
    let res: QueryResult;
    try {
      res = await engine.instantQuery(storage, q.expr, q.t);
    } catch (err) {
      if (cmd.fail) {
        const e = checkFailure(cmd, err as Error);
        if (e) return e + where;
        continue;
      }
      return `error evaluating query${where}: ${(err as Error).message}`;
    }
    if (cmd.fail) return `expected error evaluating query ${JSON.stringify(q.expr)} but got none${where}`;
    const annos = checkAnnotations(cmd, res);
    if (annos) return annos + where;
    const cmp = compareValue(cmd, res.value, null);
    if (cmp) return cmp + where;
    if (noRangeCheck || res.value.type === 'string' || res.value.type === 'matrix') continue;
    let rr: QueryResult;
    try {
      rr = await engine.rangeQuery(storage, q.expr, q.t - 60_000, q.t + 60_000, 60_000);
    } catch (err) {
      return `error evaluating query in range mode${where}: ${(err as Error).message}`;
    }
    if (rr.value.type !== 'matrix') return `range mode returned ${rr.value.type}${where}`;
    const samples = [];
    for (const s of rr.value.series) {
      const i = s.ts.indexOf(q.t);
      if (i >= 0) samples.push({ metric: s.metric, t: q.t, v: s.vs[i] });
    }
    for (let i = 1; i < rr.value.series.length; i++) {
      if (compareLabels(rr.value.series[i - 1].metric, rr.value.series[i].metric) >= 0)
        return `range mode result is not sorted by labels${where}`;
    }
    const asValue =
      res.value.type === 'scalar'
        ? { type: 'scalar' as const, t: q.t, v: samples[0]?.v ?? NaN }
        : { type: 'vector' as const, samples };
    const cmp2 = compareValue({ ...cmd, ordered: false }, asValue, null);
    if (cmp2) return `${cmp2} (in range mode${where})`;
  }
  return null;
}
