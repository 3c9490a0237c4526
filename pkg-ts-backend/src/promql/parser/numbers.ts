// Number literal values as Prometheus reads them: Go's ParseInt with base prefix first (so `010`
// is octal and `0x1f` hex), then ParseFloat; `Inf` and `NaN` in any case.

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
