// How the HTTP API writes numbers: sample values as strings in Go's shortest float form,
// timestamps as Unix seconds with exactly the milliseconds that are there, and query results
// written straight into a byte buffer (results can hold millions of points).
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

/** Whether a string goes into JSON as it is: printable ASCII without quotes or backslashes. */
function isPlainJSON(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x20 || c > 0x7e || c === 0x22 || c === 0x5c) return false;
  }
  return true;
}

/**
 * A JSON text built in a growing byte buffer. Concatenating a large result into one string
 * left V8 a rope of hundreds of thousands of pieces to keep alive (often into the old
 * generation) and flatten at the end, which cost several times the formatting itself.
 */
export class JSONWriter {
  private buf = Buffer.allocUnsafe(1 << 14);
  private len = 0;

  private reserve(n: number): void {
    if (this.len + n <= this.buf.length) return;
    const grown = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.len + n));
    this.buf.copy(grown, 0, 0, this.len);
    this.buf = grown;
  }

  /** Appends text the caller knows is ASCII, without a call into the UTF-8 encoder. */
  ascii(s: string): void {
    this.reserve(s.length);
    const b = this.buf;
    let p = this.len;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    this.len = p;
  }

  /** Appends any text as UTF-8. */
  text(s: string): void {
    this.reserve(s.length * 3);
    this.len += this.buf.write(s, this.len, 'utf8');
  }

  /** Appends a JSON string literal. */
  string(s: string): void {
    if (!isPlainJSON(s)) {
      this.text(JSON.stringify(s));
      return;
    }
    this.reserve(s.length + 2);
    const b = this.buf;
    let p = this.len;
    b[p++] = 0x22;
    for (let i = 0; i < s.length; i++) b[p++] = s.charCodeAt(i);
    b[p++] = 0x22;
    this.len = p;
  }

  bytes(src: Buffer): void {
    this.reserve(src.length);
    this.len += src.copy(this.buf, this.len);
  }

  /** The text so far; shares memory with the writer. */
  toBuffer(): Buffer {
    return this.buf.subarray(0, this.len);
  }
}

function writeLabels(w: JSONWriter, ls: Labels): void {
  w.ascii('{');
  for (let i = 0; i < ls.length; i++) {
    if (i > 0) w.ascii(',');
    w.string(ls[i].name);
    w.ascii(':');
    w.string(ls[i].value);
  }
  w.ascii('}');
}

/** A label set as a JSON object in label order. */
export function labelsJSON(ls: Labels): string {
  let s = '{';
  for (let i = 0; i < ls.length; i++) {
    const { name, value } = ls[i];
    if (i > 0) s += ',';
    if (isPlainJSON(name) && isPlainJSON(value)) s += '"' + name + '":"' + value + '"';
    else s += JSON.stringify(name) + ':' + JSON.stringify(value);
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

function writeVector(w: JSONWriter, samples: readonly Sample[]): void {
  w.ascii('[');
  for (let k = 0; k < samples.length; k++) {
    const s = samples[k];
    w.ascii(k > 0 ? ',{"metric":' : '{"metric":');
    writeLabels(w, s.metric);
    w.ascii(',"value":[');
    w.ascii(formatTimestamp(s.t));
    w.ascii(',"');
    w.ascii(formatSampleValue(s.v));
    w.ascii('"]}');
  }
  w.ascii(']');
}

function writeMatrix(w: JSONWriter, series: readonly MatrixSeries[]): void {
  // A range query's series share their step timestamps: format each once.
  const stamps = new Map<number, string>();
  w.ascii('[');
  for (let k = 0; k < series.length; k++) {
    const s = series[k];
    w.ascii(k > 0 ? ',{"metric":' : '{"metric":');
    writeLabels(w, s.metric);
    w.ascii(',"values":[');
    for (let i = 0; i < s.ts.length; i++) {
      const t = s.ts[i];
      let stamp = stamps.get(t);
      if (stamp === undefined) {
        stamp = formatTimestamp(t);
        stamps.set(t, stamp);
      }
      w.ascii(i > 0 ? ',[' : '[');
      w.ascii(stamp);
      w.ascii(',"');
      w.ascii(formatSampleValue(s.vs[i]));
      w.ascii('"]');
    }
    w.ascii(']}');
  }
  w.ascii(']');
}

/** The `result` member of a query response, as UTF-8 bytes. */
export function resultBytes(v: Value): Buffer {
  const w = new JSONWriter();
  switch (v.type) {
    case 'scalar':
      w.ascii(`[${scalarTimestamp(v.t)},"${formatFloatPlain(v.v)}"]`);
      break;
    case 'string':
      w.text(`[${scalarTimestamp(v.t)},${JSON.stringify(v.v)}]`);
      break;
    case 'vector':
      writeVector(w, v.samples);
      break;
    case 'matrix':
      writeMatrix(w, v.series);
      break;
  }
  return w.toBuffer();
}

/** The `result` member of a query response. */
export function resultJSON(v: Value): string {
  return resultBytes(v).toString('utf8');
}

/** A JSON fragment that is already encoded (text or UTF-8 bytes); jsonWithRaw embeds it verbatim. */
export class RawJSON {
  constructor(readonly json: string | Buffer) {}
}

function writeWithRaw(w: JSONWriter, value: unknown): void {
  if (value instanceof RawJSON) {
    if (typeof value.json === 'string') w.text(value.json);
    else w.bytes(value.json);
  } else if (Array.isArray(value)) {
    w.ascii('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) w.ascii(',');
      if (value[i] === undefined) w.ascii('null');
      else writeWithRaw(w, value[i]);
    }
    w.ascii(']');
  } else if (value !== null && typeof value === 'object' && !(value instanceof Date)) {
    w.ascii('{');
    let first = true;
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (v === undefined) continue;
      if (!first) w.ascii(',');
      first = false;
      w.string(k);
      w.ascii(':');
      writeWithRaw(w, v);
    }
    w.ascii('}');
  } else w.text(JSON.stringify(value) ?? 'null');
}

/** JSON.stringify as UTF-8 bytes, writing RawJSON values verbatim and dropping undefined members. */
export function jsonWithRawBytes(value: unknown): Buffer {
  const w = new JSONWriter();
  writeWithRaw(w, value);
  return w.toBuffer();
}

/** JSON.stringify that writes RawJSON values verbatim and drops undefined members. */
export function jsonWithRaw(value: unknown): string {
  return jsonWithRawBytes(value).toString('utf8');
}

/** Go's time.Time JSON form (RFC 3339 with the sub-second digits that are there); the zero time for 0. */
export function formatRFC3339(ms: number): string {
  if (ms === 0) return '0001-01-01T00:00:00Z';
  const iso = new Date(ms).toISOString();
  return iso.endsWith('.000Z') ? iso.slice(0, -5) + 'Z' : iso.replace(/0+Z$/, 'Z');
}
