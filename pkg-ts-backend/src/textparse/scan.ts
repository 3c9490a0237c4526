// Character-level helpers shared by the text parsers. They work on offsets into the body string so
// no substring is made unless a caller keeps the result.

export const CH_TAB = 9;
export const CH_LF = 10;
export const CH_SPACE = 32;
export const CH_QUOTE = 34;
export const CH_HASH = 35;
export const CH_PLUS = 43;
export const CH_COMMA = 44;
export const CH_MINUS = 45;
export const CH_DOT = 46;
export const CH_EQUAL = 61;
export const CH_BACKSLASH = 92;
export const CH_LBRACE = 123;
export const CH_RBRACE = 125;

export function isDigit(c: number): boolean {
  return c >= 48 && c <= 57;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** First character of a legacy label name: `[a-zA-Z_]`. */
export function isLabelNameStart(c: number): boolean {
  return isLetter(c) || c === 95;
}

export function isLabelNameChar(c: number): boolean {
  return isLetter(c) || c === 95 || isDigit(c);
}

/** First character of a legacy metric name: `[a-zA-Z_:]`. */
export function isMetricNameStart(c: number): boolean {
  return isLabelNameStart(c) || c === 58;
}

export function isMetricNameChar(c: number): boolean {
  return isLabelNameChar(c) || c === 58;
}

/** Go's `%q` is close enough to JSON quoting for error messages. */
export function quote(s: string): string {
  return JSON.stringify(s);
}

const POW10 = [1, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * Parses a float the way Prometheus does (Go's ParseFloat without hex floats or underscores):
 * decimal with optional sign, fraction and exponent, or `Inf`/`Infinity` (signed) and `NaN`,
 * case-insensitive. Returns undefined when invalid, and a string describing why via `floatError`.
 */
export let floatError = '';

export function parseFloatToken(src: string, start: number, end: number): number | undefined {
  let i = start;
  if (i >= end) {
    floatError = 'invalid syntax';
    return undefined;
  }
  let c = src.charCodeAt(i);
  let negative = false;
  let signed = false;
  if (c === CH_PLUS || c === CH_MINUS) {
    negative = c === CH_MINUS;
    signed = true;
    i++;
    if (i >= end) {
      floatError = 'invalid syntax';
      return undefined;
    }
    c = src.charCodeAt(i);
  }
  if (isLetter(c)) {
    const word = src.slice(i, end).toLowerCase();
    if (word === 'inf' || word === 'infinity') return negative ? -Infinity : Infinity;
    if (word === 'nan' && !signed) return NaN;
    floatError = hasUnsupported(src, start, end) ? 'unsupported' : 'invalid syntax';
    return undefined;
  }
  let intDigits = 0;
  let intValue = 0;
  while (i < end && isDigit((c = src.charCodeAt(i)))) {
    intValue = intValue * 10 + (c - 48);
    intDigits++;
    i++;
  }
  // Most exposed values are small integers: skip Number()'s string conversion for them.
  if (i === end && intDigits > 0 && intDigits <= 15) return negative ? -intValue : intValue;
  let fracDigits = 0;
  let mantissa = intValue;
  if (i < end && c === CH_DOT) {
    i++;
    while (i < end && isDigit((c = src.charCodeAt(i)))) {
      mantissa = mantissa * 10 + (c - 48);
      fracDigits++;
      i++;
    }
    // Up to 15 digits the mantissa and the power of ten are exact, so one IEEE division gives the
    // correctly rounded value without building a substring for Number().
    if (i === end && intDigits + fracDigits <= 15 && intDigits + fracDigits > 0) {
      const v = mantissa / POW10[fracDigits];
      return negative ? -v : v;
    }
  }
  if (intDigits + fracDigits === 0) {
    floatError = hasUnsupported(src, start, end) ? 'unsupported' : 'invalid syntax';
    return undefined;
  }
  if (i < end) {
    c = src.charCodeAt(i);
    if (c === 101 || c === 69) {
      i++;
      if (i < end && ((c = src.charCodeAt(i)) === CH_PLUS || c === CH_MINUS)) i++;
      let expDigits = 0;
      while (i < end && isDigit(src.charCodeAt(i))) {
        expDigits++;
        i++;
      }
      if (expDigits === 0) i = -1;
    }
  }
  if (i !== end) {
    floatError = hasUnsupported(src, start, end) ? 'unsupported' : 'invalid syntax';
    return undefined;
  }
  const v = Number(src.slice(start, end));
  if (v === Infinity || v === -Infinity) {
    floatError = 'value out of range';
    return undefined;
  }
  return v;
}

function hasUnsupported(src: string, start: number, end: number): boolean {
  for (let i = start; i < end; i++) {
    const c = src.charCodeAt(i);
    if (c === 112 || c === 80 || c === 95) return true;
  }
  return false;
}

/** The message Prometheus gives for a float it cannot read (Go's strconv error or its own). */
export function floatErrorMessage(token: string): string {
  if (floatError === 'unsupported') return 'unsupported character in float';
  return `strconv.ParseFloat: parsing ${quote(token)}: ${floatError}`;
}

/** Unescapes a label value: `\\`, `\"` and `\n`; any other backslash sequence stays as written. */
export function unescapeLabelValue(src: string, start: number, end: number): string {
  // A bounded scan: indexOf would run on to the end of the body for every value.
  let bs = start;
  while (bs < end && src.charCodeAt(bs) !== CH_BACKSLASH) bs++;
  if (bs === end) return src.slice(start, end);
  let out = '';
  let from = start;
  for (let i = bs; i < end; i++) {
    if (src.charCodeAt(i) !== CH_BACKSLASH || i + 1 >= end) continue;
    const next = src.charCodeAt(i + 1);
    let replacement: string | undefined;
    if (next === CH_BACKSLASH) replacement = '\\';
    else if (next === CH_QUOTE) replacement = '"';
    else if (next === 110) replacement = '\n';
    if (replacement === undefined) continue;
    out += src.slice(from, i) + replacement;
    i++;
    from = i + 1;
  }
  return out + src.slice(from, end);
}

/** Unescapes HELP text of the Prometheus text format: only `\\` and `\n`. */
export function unescapeHelp(text: string, allowQuote: boolean): string {
  if (text.indexOf('\\') < 0) return text;
  let out = '';
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (c === '\\' && i + 1 < text.length) {
      const n = text[i + 1];
      if (n === '\\' || n === 'n' || (allowQuote && n === '"')) {
        out += n === 'n' ? '\n' : n;
        i++;
        continue;
      }
    }
    out += c;
  }
  return out;
}

/**
 * Formats a float as OpenMetrics wants it in `le`/`quantile` values (Prometheus 3 normalises
 * them so that `le="1"` and `le="1.0"` are one series): Go's shortest `%g` with at least one
 * decimal place when the result looks like an integer.
 */
export function formatOpenMetricsFloat(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  const s = formatGoShortestG(v);
  if (s.includes('.') || s.includes('e')) return s;
  return s + '.0';
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64) for finite v. */
export function formatGoShortestG(v: number): string {
  if (v === 0) return Object.is(v, -0) ? '-0' : '0';
  // toExponential() without digits gives the shortest round-trip mantissa, like Go's shortest mode.
  const exp = v.toExponential();
  const eAt = exp.indexOf('e');
  const mantissa = exp.slice(0, eAt);
  const exponent = Number(exp.slice(eAt + 1));
  // Shortest %g switches to exponent form from 1e6 on (Go fixes the precision at 6 there).
  if (exponent < -4 || exponent >= 6) {
    const e = Math.abs(exponent);
    return `${mantissa}e${exponent < 0 ? '-' : '+'}${e < 10 ? '0' : ''}${e}`;
  }
  return String(v);
}
