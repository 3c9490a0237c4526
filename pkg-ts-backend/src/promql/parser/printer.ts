// Prometheus's canonical text form of an expression (its `String()`); parsing the output gives
// the same AST back.
import type { Matcher } from '../../model/matcher';
import { METRIC_NAME } from '../../model/labels';
import type { AggregateExpr, BinaryExpr, Expr, SubqueryExpr, VectorSelector } from './ast';
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

function offsetSuffix(offset: number): string {
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
  return s;
}

/** The `[range:step] @ t offset d` suffix of a subquery. */
export function subquerySuffix(e: SubqueryExpr): string {
  const step = e.step !== 0 ? formatPromDuration(e.step) : '';
  return `[${formatPromDuration(e.range)}:${step}]${atSuffix(e.timestamp, e.startOrEnd)}${offsetSuffix(e.offset)}`;
}

export function formatExpr(e: Expr): string {
  switch (e.type) {
    case 'NumberLiteral':
      return formatGoFloat(e.val);
    case 'StringLiteral':
      return goQuote(e.val);
    case 'VectorSelector':
      return formatSelectorBody(e) + atSuffix(e.timestamp, e.startOrEnd) + offsetSuffix(e.offset);
    case 'MatrixSelector': {
      const vs = e.vectorSelector;
      return `${formatSelectorBody(vs)}[${formatPromDuration(e.range)}]${atSuffix(vs.timestamp, vs.startOrEnd)}${offsetSuffix(vs.offset)}`;
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
