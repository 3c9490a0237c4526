// How the HTTP API writes numbers: sample values as strings in Go's shortest float form,
// timestamps as Unix seconds with exactly the milliseconds that are there, and query results
// written straight into a JSON string (results can hold millions of points).
import type { Labels } from '../model/labels';
import type { MatrixSeries, Sample, Value } from '../promql/value';

/** Go's exponent needs at least two digits (`1e-07`, `1e+21`); JavaScript writes `1e-7`. */
function widenExponent(s: string): string {
  const i = s.indexOf('e');
  if (i < 0) return s;
  const sign = s[i + 1];
  const digits = s.slice(i + 2);
  return digits.length < 2 ? `${s.slice(0, i)}e${sign}0${digits}` : s;
}

function special(v: number): string | undefined {
  if (v !== v) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  if (v === 0 && Object.is(v, -0)) return '-0';
  return undefined;
}

/**
 * A sample value as Prometheus's API writes it: shortest round-trip digits, plain notation
 * unless |v| < 1e-6 or |v| >= 1e21 (the same thresholds JavaScript uses).
 */
export function formatSampleValue(v: number): string {
  return special(v) ?? widenExponent(String(v));
}

/** Go's strconv.FormatFloat(v, 'e', -1, 64), used for alert values (`1e+00`). */
export function formatFloatExponent(v: number): string {
  return special(v) ?? widenExponent(v.toExponential());
}

/** Go's strconv.FormatFloat(v, 'f', -1, 64): shortest digits, never an exponent (scalar results). */
export function formatFloatPlain(v: number): string {
  const s = special(v);
  if (s !== undefined) return s;
  const e = Math.abs(v).toExponential();
  const at = e.indexOf('e');
  const digits = e.slice(0, at).replace('.', '');
  const exp = Number(e.slice(at + 1));
  let out: string;
  if (exp < 0) out = `0.${'0'.repeat(-exp - 1)}${digits}`;
  else if (exp + 1 >= digits.length) out = digits + '0'.repeat(exp + 1 - digits.length);
  else out = `${digits.slice(0, exp + 1)}.${digits.slice(exp + 1)}`;
  return v < 0 ? `-${out}` : out;
}

/** Go's strconv.FormatFloat(v, 'g', -1, 64), used by the text exposition format (`1e+06`). */
export function formatFloatG(v: number): string {
  const s = special(v);
  if (s !== undefined) return s;
  if (v === 0) return '0';
  const e = v.toExponential();
  const exp = Number(e.slice(e.indexOf('e') + 1));
  return exp < -4 || exp >= 6 ? widenExponent(e) : String(v);
}

/** Unix seconds with millisecond precision, as a JSON number (`1.5` is written `1.500`). */
export function formatTimestamp(ms: number): string {
  const neg = ms < 0;
  const abs = Math.abs(ms);
  const sec = Math.floor(abs / 1000);
  const frac = abs - sec * 1000;
  const body = frac === 0 ? String(sec) : `${sec}.${String(frac).padStart(3, '0')}`;
  return neg ? `-${body}` : body;
}

/**
 * A string as a JSON string literal. Label names and values are nearly always printable ASCII
 * without quotes or backslashes, which need no escaping; JSON.stringify handles the rest.
 */
function jsonString(s: string): string {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return JSON.stringify(s);
  }
  return '"' + s + '"';
}

/** A label set as a JSON object in label order. */
export function labelsJSON(ls: Labels): string {
  let s = '{';
  for (let i = 0; i < ls.length; i++) {
    if (i > 0) s += ',';
    s += jsonString(ls[i].name) + ':' + jsonString(ls[i].value);
  }
  return s + '}';
}

/**
 * Scalars and strings are encoded by Prometheus with Go's generic JSON (timestamp as a plain
 * float64, `1.5`) and 'f' formatting, unlike the vector and matrix points (`1.500`, `1e-07`).
 */
function scalarTimestamp(ms: number): string {
  return JSON.stringify(ms / 1000);
}

function pointJSON(t: number, v: number): string {
  return `[${formatTimestamp(t)},"${formatSampleValue(v)}"]`;
}

function vectorJSON(samples: readonly Sample[]): string {
  const parts: string[] = [];
  for (const s of samples) parts.push(`{"metric":${labelsJSON(s.metric)},"value":${pointJSON(s.t, s.v)}}`);
  return `[${parts.join(',')}]`;
}

function matrixJSON(series: readonly MatrixSeries[]): string {
  // A range query's series share their step timestamps: format each once.
  const stamps = new Map<number, string>();
  let out = '[';
  for (let k = 0; k < series.length; k++) {
    const s = series[k];
    out += (k > 0 ? ',{"metric":' : '{"metric":') + labelsJSON(s.metric) + ',"values":[';
    for (let i = 0; i < s.ts.length; i++) {
      const t = s.ts[i];
      let stamp = stamps.get(t);
      if (stamp === undefined) {
        stamp = formatTimestamp(t);
        stamps.set(t, stamp);
      }
      out += (i > 0 ? ',[' : '[') + stamp + ',"' + formatSampleValue(s.vs[i]) + '"]';
    }
    out += ']}';
  }
  return out + ']';
}

/** The `result` member of a query response. */
export function resultJSON(v: Value): string {
  switch (v.type) {
    case 'scalar':
      return `[${scalarTimestamp(v.t)},"${formatFloatPlain(v.v)}"]`;
    case 'string':
      return `[${scalarTimestamp(v.t)},${JSON.stringify(v.v)}]`;
    case 'vector':
      return vectorJSON(v.samples);
    case 'matrix':
      return matrixJSON(v.series);
  }
}

/** A JSON fragment that is already encoded; jsonWithRaw embeds it verbatim. */
export class RawJSON {
  constructor(readonly json: string) {}
}

/** JSON.stringify that writes RawJSON values verbatim and drops undefined members. */
export function jsonWithRaw(value: unknown): string {
  if (value instanceof RawJSON) return value.json;
  if (Array.isArray(value)) return `[${value.map((x) => (x === undefined ? 'null' : jsonWithRaw(x))).join(',')}]`;
  if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    const parts: string[] = [];
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      parts.push(`${JSON.stringify(k)}:${jsonWithRaw(v)}`);
    }
    return `{${parts.join(',')}}`;
  }
  return JSON.stringify(value);
}

/** Go's time.Time JSON form (RFC 3339 with the sub-second digits that are there); the zero time for 0. */
export function formatRFC3339(ms: number): string {
  if (ms === 0) return '0001-01-01T00:00:00Z';
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? iso.slice(0, -5) + 'Z' : iso.replace(/0+Z$/, 'Z');
}
