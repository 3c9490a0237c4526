// Prometheus's canonical text form of an expression (its `String()`); parsing the output gives
// the same AST back.
import type { Matcher } from '../../model/matcher';
import { METRIC_NAME } from '../../model/labels';
import type { AggregateExpr, BinaryExpr, Expr, SubqueryExpr, VectorSelector } from './ast';
import type { DurationExpr } from './durationExpr';
import { goQuote } from './quote';

const LEGACY_LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

const DURATION_UNITS: ReadonlyArray<[unit: string, ms: number, exactOnly: boolean]> = [
  ['y', 365 * 24 * 3600 * 1000, true],
  ['w', 7 * 24 * 3600 * 1000, true],
  ['d', 24 * 3600 * 1000, false],
  ['h', 3600 * 1000, false],
  ['m', 60 * 1000, false],
  ['s', 1000, false],
  ['ms', 1, false],
];

/** Prometheus's `model.Duration` text: years and weeks only when they divide exactly (`90d`, not `12w6d`). */
export function formatPromDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = Math.abs(ms);
  let out = ms < 0 ? '-' : '';
  for (const [unit, size, exactOnly] of DURATION_UNITS) {
    if (exactOnly && rest % size !== 0) continue;
    const n = Math.floor(rest / size);
    if (n > 0) {
      out += `${n}${unit}`;
      rest -= n * size;
    }
  }
  return out;
}

/** Go's `%v` of a float64 (`%g` with shortest digits): exponent form when the exponent is < -4 or >= 6. */
export function formatGoFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  const [mantissa, expText] = v.toExponential().split('e');
  const exp = Number(expText);
  if (exp >= -4 && exp < 6) return String(v);
  const abs = Math.abs(exp);
  return `${mantissa}e${exp < 0 ? '-' : '+'}${abs < 10 ? '0' : ''}${abs}`;
}

function formatLabelNameForQuery(name: string): string {
  return LEGACY_LABEL.test(name) ? name : goQuote(name);
}

function formatMatcher(m: Matcher): string {
  return `${formatLabelNameForQuery(m.name)}${m.type}${goQuote(m.value)}`;
}

function formatGrouping(labels: readonly string[]): string {
  return labels.map(formatLabelNameForQuery).join(', ');
}

function atSuffix(timestamp: number | null, startOrEnd: 'start' | 'end' | null): string {
  if (timestamp !== null) return ` @ ${(timestamp / 1000).toFixed(3)}`;
  if (startOrEnd !== null) return ` @ ${startOrEnd}()`;
  return '';
}

/** A duration expression that uses `step()`/`range()`, as written back in a query. */
export function formatDurationExpr(d: DurationExpr): string {
  switch (d.kind) {
    case 'number':
      return d.exactMs !== undefined ? formatPromDuration(d.exactMs) : formatGoFloat(d.seconds);
    case 'step':
      return 'step()';
    case 'range':
      return 'range()';
    case 'negate':
      return `-${formatDurationExpr(d.expr)}`;
    case 'paren':
      return `(${formatDurationExpr(d.expr)})`;
    case 'minmax':
      return `${d.name}(${formatDurationExpr(d.lhs)}, ${formatDurationExpr(d.rhs)})`;
    case 'binary': {
      // A folded negative constant left of `^` would read back as a negated power.
      const lhs = formatDurationExpr(d.lhs);
      const safeLhs = d.op === '^' && d.lhs.kind === 'number' && d.lhs.seconds < 0 ? `(${lhs})` : lhs;
      return `${safeLhs} ${d.op} ${formatDurationExpr(d.rhs)}`;
    }
  }
}

function offsetSuffix(offset: number, offsetExpr?: DurationExpr): string {
  if (offsetExpr !== undefined) return ` offset ${formatDurationExpr(offsetExpr)}`;
  if (offset > 0) return ` offset ${formatPromDuration(offset)}`;
  if (offset < 0) return ` offset -${formatPromDuration(-offset)}`;
  return '';
}

function formatSelectorBody(vs: VectorSelector): string {
  const labelStrings: string[] = [];
  for (const m of vs.matchers) {
    if (m.name === METRIC_NAME && m.type === '=' && m.value === vs.name && m.value !== '') continue;
    labelStrings.push(formatMatcher(m));
  }
  if (labelStrings.length === 0) return vs.name;
  labelStrings.sort();
  return `${vs.name}{${labelStrings.join(',')}}`;
}

/** The `by (...)`/`without (...)` head of an aggregation, e.g. `sum by (job) `. */
export function aggregationHead(e: AggregateExpr): string {
  if (e.without) return `${e.op} without (${formatGrouping(e.grouping)}) `;
  if (e.grouping.length > 0) return `${e.op} by (${formatGrouping(e.grouping)}) `;
  return e.op;
}

/** The modifiers after a binary operator: ` bool`, ` on (...)`, ` group_left (...)`. */
export function binaryModifiers(e: BinaryExpr): string {
  let s = e.returnBool ? ' bool' : '';
  const vm = e.vectorMatching;
  const grouped = vm !== null && (vm.card === 'many-to-one' || vm.card === 'one-to-many');
  if (vm !== null && (vm.matchingLabels.length > 0 || vm.on || grouped)) {
    s += ` ${vm.on ? 'on' : 'ignoring'} (${formatGrouping(vm.matchingLabels)})`;
    if (grouped) s += ` group_${vm.card === 'many-to-one' ? 'left' : 'right'} (${formatGrouping(vm.include)})`;
  }
  const fill = vm?.fillValues;
  if (fill !== undefined && fill.lhs !== null && fill.rhs !== null && Object.is(fill.lhs, fill.rhs)) {
    s += ` fill (${formatGoFloat(fill.lhs)})`;
  } else if (fill !== undefined) {
    if (fill.lhs !== null) s += ` fill_left (${formatGoFloat(fill.lhs)})`;
    if (fill.rhs !== null) s += ` fill_right (${formatGoFloat(fill.rhs)})`;
  }
  return s;
}

/** The `[range:step] @ t offset d` suffix of a subquery. */
export function subquerySuffix(e: SubqueryExpr): string {
  const step = e.stepExpr ? formatDurationExpr(e.stepExpr) : e.step !== 0 ? formatPromDuration(e.step) : '';
  const range = e.rangeExpr ? formatDurationExpr(e.rangeExpr) : formatPromDuration(e.range);
  return `[${range}:${step}]${atSuffix(e.timestamp, e.startOrEnd)}${offsetSuffix(e.offset, e.offsetExpr)}`;
}

/** ` anchored` / ` smoothed` after a selector. */
function extendedRangeSuffix(vs: VectorSelector): string {
  if (vs.anchored) return ' anchored';
  if (vs.smoothed) return ' smoothed';
  return '';
}

export function formatExpr(e: Expr): string {
  switch (e.type) {
    case 'NumberLiteral':
      return formatGoFloat(e.val);
    case 'StringLiteral':
      return goQuote(e.val);
    case 'VectorSelector':
      return (
        formatSelectorBody(e) +
        atSuffix(e.timestamp, e.startOrEnd) +
        extendedRangeSuffix(e) +
        offsetSuffix(e.offset, e.offsetExpr)
      );
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      const range = e.rangeExpr ? formatDurationExpr(e.rangeExpr) : formatPromDuration(e.range);
      return `${formatSelectorBody(vs)}[${range}]${extendedRangeSuffix(vs)}${atSuffix(vs.timestamp, vs.startOrEnd)}${offsetSuffix(vs.offset, vs.offsetExpr)}`;
    }
    case 'SubqueryExpr':
      return formatExpr(e.expr) + subquerySuffix(e);
    case 'ParenExpr':
      return `(${formatExpr(e.expr)})`;
    case 'UnaryExpr':
      return `${e.op}${formatExpr(e.expr)}`;
    case 'BinaryExpr': {
      // `+Inf ^ x` would parse back as `+(Inf ^ x)`: the sign is dropped where `^` would capture it.
      const lhs = e.op === '^' && e.lhs.type === 'NumberLiteral' && e.lhs.val === Infinity ? 'Inf' : formatExpr(e.lhs);
      return `${lhs} ${e.op}${binaryModifiers(e)} ${formatExpr(e.rhs)}`;
    }
    case 'AggregateExpr': {
      const param = e.param !== null ? `${formatExpr(e.param)}, ` : '';
      return `${aggregationHead(e)}(${param}${formatExpr(e.expr)})`;
    }
    case 'Call':
      return `${e.func.name}(${e.args.map(formatExpr).join(', ')})`;
  }
}
