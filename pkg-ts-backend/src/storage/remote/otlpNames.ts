// How OTLP metric names, units and attribute keys become Prometheus names under each
// `otlp.translation_strategy`, following the OpenTelemetry "Prometheus and OpenMetrics
// compatibility" rules as Prometheus 3 applies them.
import type { OTLPTranslationStrategy } from '../../config/types';

/** What the metric becomes in Prometheus; decides the `_total` and `_ratio` suffixes. */
export type PromMetricKind = 'gauge' | 'counter' | 'nonMonotonicCounter' | 'histogram' | 'summary';

export interface NamingOptions {
  strategy: OTLPTranslationStrategy;
  labelNameUnderscoreSanitization: boolean;
  labelNamePreserveMultipleUnderscores: boolean;
}

const MAIN_UNITS: Record<string, string> = {
  d: 'days',
  h: 'hours',
  min: 'minutes',
  s: 'seconds',
  ms: 'milliseconds',
  us: 'microseconds',
  ns: 'nanoseconds',
  By: 'bytes',
  KiBy: 'kibibytes',
  MiBy: 'mebibytes',
  GiBy: 'gibibytes',
  TiBy: 'tibibytes',
  KBy: 'kilobytes',
  MBy: 'megabytes',
  GBy: 'gigabytes',
  TBy: 'terabytes',
  m: 'meters',
  V: 'volts',
  A: 'amperes',
  J: 'joules',
  W: 'watts',
  g: 'grams',
  Cel: 'celsius',
  Hz: 'hertz',
  '1': '',
  '%': 'percent',
};

const PER_UNITS: Record<string, string> = {
  s: 'second',
  m: 'minute',
  h: 'hour',
  d: 'day',
  w: 'week',
  mo: 'month',
  y: 'year',
};

function escapes(strategy: OTLPTranslationStrategy): boolean {
  return strategy === 'UnderscoreEscapingWithSuffixes' || strategy === 'UnderscoreEscapingWithoutSuffixes';
}

function addsSuffixes(strategy: OTLPTranslationStrategy): boolean {
  return strategy === 'UnderscoreEscapingWithSuffixes' || strategy === 'NoUTF8EscapingWithSuffixes';
}

/** A unit as name characters: anything outside [a-zA-Z0-9:] becomes `_`, runs collapse, a leading `_` goes. */
function cleanUnit(unit: string): string {
  return unit
    .replace(/[^a-zA-Z0-9:]/g, '_')
    .replace(/__+/g, '_')
    .replace(/^_/, '');
}

/** The unit's suffixes: `By/s` -> ['bytes', 'per_second']; `{packet}` annotations add nothing. */
function unitSuffixes(unit: string): [main: string, per: string] {
  const slash = unit.indexOf('/');
  const mainPart = (slash < 0 ? unit : unit.slice(0, slash)).trim();
  const perPart = slash < 0 ? '' : unit.slice(slash + 1).trim();
  let main = mainPart && !/[{}]/.test(mainPart) ? cleanUnit(MAIN_UNITS[mainPart] ?? mainPart) : '';
  const perWord = perPart && !/[{}]/.test(perPart) ? cleanUnit(PER_UNITS[perPart] ?? perPart) : '';
  const per = perWord ? `per_${perWord}` : '';
  if (per) main = main.replace(/_$/, '');
  return [main, per];
}

function moveToEnd(tokens: string[], word: string): string[] {
  const out = tokens.filter((t) => t !== word);
  out.push(word);
  return out;
}

/** The Prometheus metric name (without `_bucket`/`_sum`/`_count`) of an OTLP metric. */
export function promMetricName(
  name: string,
  unit: string,
  kind: PromMetricKind,
  strategy: OTLPTranslationStrategy
): string {
  if (strategy === 'NoTranslation') return name;
  const suffixes = addsSuffixes(strategy);
  if (!escapes(strategy)) {
    // UTF-8 names keep every character; suffixes are appended as they are.
    if (!suffixes) return name;
    const [main, per] = unitSuffixes(unit);
    let out = name;
    if (main) out += `_${main}`;
    if (per) out += `_${per}`;
    if (kind === 'counter') out += '_total';
    if (kind === 'gauge' && unit === '1') out += '_ratio';
    return out;
  }
  // Splitting on every character outside [a-zA-Z0-9:] (underscores included) also collapses runs of them.
  let tokens = name.split(/[^a-zA-Z0-9:]+/).filter((t) => t !== '');
  if (suffixes) {
    const [main, per] = unitSuffixes(unit);
    if (main && !tokens.includes(main)) tokens.push(main);
    if (per && !tokens.includes(per)) tokens.push(per);
    if (kind === 'counter') tokens = moveToEnd(tokens, 'total');
    if (kind === 'gauge' && unit === '1') tokens = moveToEnd(tokens, 'ratio');
  }
  const joined = tokens.join('_');
  return /^[0-9]/.test(joined) ? '_' + joined : joined;
}

/** The Prometheus label name of an attribute key. */
export function promLabelName(key: string, opts: NamingOptions): string {
  if (key === '' || !escapes(opts.strategy)) return key;
  let name = key.replace(/[^a-zA-Z0-9_]/g, '_');
  if (!opts.labelNamePreserveMultipleUnderscores) name = name.replace(/__+/g, '_');
  if (/^[0-9]/.test(name)) return 'key_' + name;
  if (opts.labelNameUnderscoreSanitization && name.startsWith('_') && !name.startsWith('__')) return 'key' + name;
  return name;
}

/**
 * A float as Go's strconv.FormatFloat(v, 'f', -1, 64) writes it: the shortest digits that read
 * back exactly, never in exponent form (used for `le`, `quantile` and double attributes).
 */
export function formatFloatPlain(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = String(v);
  const e = s.indexOf('e');
  if (e < 0) return s;
  const negative = s.startsWith('-');
  const mantissa = s.slice(negative ? 1 : 0, e);
  const exponent = Number(s.slice(e + 1));
  const dot = mantissa.indexOf('.');
  const digits = mantissa.replace('.', '');
  const pointAt = (dot < 0 ? mantissa.length : dot) + exponent;
  let plain: string;
  if (pointAt <= 0) plain = '0.' + '0'.repeat(-pointAt) + digits;
  else if (pointAt >= digits.length) plain = digits + '0'.repeat(pointAt - digits.length);
  else plain = digits.slice(0, pointAt) + '.' + digits.slice(pointAt);
  return (negative ? '-' : '') + plain;
}
