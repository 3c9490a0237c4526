// Literal values as Prometheus reads them. Numbers: Go's ParseInt with base prefix first (so `010`
// is octal and `0x1f` hex), then ParseFloat; `Inf` and `NaN` in any case. Durations: the units
// y w d h m s ms, largest first, each at most once, with Prometheus's error texts.

const HEX_INT = /^0[xX]_?[0-9a-fA-F]+(?:_[0-9a-fA-F]+)*$/;
const OCTAL_INT = /^0_?[0-7]+(?:_[0-7]+)*$/;
const DECIMAL_INT = /^(?:0|[1-9](?:_?[0-9])*)$/;
const DECIMAL_FLOAT = /^(?:[0-9](?:_?[0-9])*)?(?:\.(?:[0-9](?:_?[0-9])*)?)?(?:[eE][+-]?[0-9](?:_?[0-9])*)?$/;

const INT64_MAX = (1n << 63n) - 1n;

function parseGoInt(text: string): number | null {
  let digits: string;
  let radix: bigint;
  if (HEX_INT.test(text)) [digits, radix] = [text.slice(2), 16n];
  else if (OCTAL_INT.test(text)) [digits, radix] = [text.slice(1), 8n];
  else if (DECIMAL_INT.test(text)) [digits, radix] = [text, 10n];
  else return null;
  let n = 0n;
  for (const c of digits.replace(/_/g, '')) n = n * radix + BigInt(parseInt(c, 16));
  if (n > INT64_MAX) return null;
  return Number(n);
}

/** Parses a NUMBER token's text; throws with Go's error text on failure. */
export function parseNumberLiteral(text: string): number {
  const lower = text.toLowerCase();
  if (lower === 'inf') return Infinity;
  if (lower === 'nan') return NaN;
  const asInt = parseGoInt(text);
  if (asInt !== null) return asInt;
  const hasMantissaDigit = /[0-9]/.test(text.split(/[eE]/)[0]);
  if (!DECIMAL_FLOAT.test(text) || !hasMantissaDigit) {
    throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(text)}: invalid syntax`);
  }
  const v = Number(text.replace(/_/g, ''));
  if (!Number.isFinite(v)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(text)}: value out of range`);
  return v;
}

/** Go's `math.Round`: halves away from zero. */
export function roundHalfAwayFromZero(x: number): number {
  return x < 0 ? -Math.round(-x) : Math.round(x);
}

/** Go's `%f` of a float64 (six decimals, `+Inf`/`-Inf`/`NaN`). */
export function formatGoFixed(x: number): string {
  if (Number.isNaN(x)) return 'NaN';
  if (x === Infinity) return '+Inf';
  if (x === -Infinity) return '-Inf';
  return x.toFixed(6);
}

const DURATION_UNITS: Readonly<Record<string, { rank: number; ms: number }>> = {
  y: { rank: 7, ms: 365 * 24 * 3600 * 1000 },
  w: { rank: 6, ms: 7 * 24 * 3600 * 1000 },
  d: { rank: 5, ms: 24 * 3600 * 1000 },
  h: { rank: 4, ms: 3600 * 1000 },
  m: { rank: 3, ms: 60 * 1000 },
  s: { rank: 2, ms: 1000 },
  ms: { rank: 1, ms: 1 },
};

/** The largest duration Go's time.Duration holds, in milliseconds. */
export const MAX_DURATION_MS = 9223372036854.775;

/** Parses a DURATION token (`1h30m`) into milliseconds; throws with Prometheus's message. */
export function parseDurationLiteral(text: string): number {
  if (text === '0') return 0;
  if (text === '') throw new Error('empty duration string');
  const invalid = (): Error => new Error(`not a valid duration string: ${JSON.stringify(text)}`);
  let rest = text;
  let total = 0;
  let lastRank = Infinity;
  while (rest !== '') {
    const m = /^([0-9]*)([^0-9]*)/.exec(rest);
    if (m === null || m[1] === '' || m[2] === '') throw invalid();
    const unit = Object.hasOwn(DURATION_UNITS, m[2]) ? DURATION_UNITS[m[2]] : undefined;
    if (unit === undefined) throw new Error(`unknown unit ${JSON.stringify(m[2])} in duration ${JSON.stringify(text)}`);
    if (unit.rank >= lastRank) throw invalid();
    lastRank = unit.rank;
    total += Number(m[1]) * unit.ms;
    if (total > MAX_DURATION_MS) throw new Error('duration out of range');
    rest = rest.slice(m[0].length);
  }
  return total;
}
