// Request parameters of the HTTP API: GET query strings and form-encoded POST bodies,
// times (RFC 3339 or Unix seconds), durations, limits and match[] selectors, with
// Prometheus's error texts.
import type { IncomingMessage } from 'node:http';
import { readBoundedBody } from '../web/body';
import { parseDuration as parsePromDuration } from '../model/duration';
import type { Matcher } from '../model/matcher';
import { ApiError } from './respond';
import type { PromqlParser } from './types';

/** Go's ParseForm refuses form bodies over 10 MB. */
const MAX_FORM_BYTES = 10 << 20;

/** The earliest and latest times a request may name (Prometheus's MinTime/MaxTime, clamped to safe integers). */
export const MIN_TIME_MS = Number.MIN_SAFE_INTEGER;
export const MAX_TIME_MS = Number.MAX_SAFE_INTEGER;
// What clients send for MinTime/MaxTime (Go formats them with RFC 3339 and a 9-digit year).
const MIN_TIME_FORMATTED = '-292273086-05-16T16:47:06Z';
const MAX_TIME_FORMATTED = '292277025-08-18T07:12:54.999999999Z';

/** Form values: body values before query-string values, as Go's Request.Form orders them. */
export class FormValues {
  constructor(private readonly values: ReadonlyMap<string, readonly string[]>) {}

  /** The first value, or '' (Go's FormValue). */
  get(name: string): string {
    return this.values.get(name)?.[0] ?? '';
  }

  all(name: string): readonly string[] {
    return this.values.get(name) ?? [];
  }

  has(name: string): boolean {
    return this.values.has(name);
  }
}

function addAll(into: Map<string, string[]>, params: URLSearchParams): void {
  for (const [k, v] of params) {
    const list = into.get(k);
    if (list) list.push(v);
    else into.set(k, [v]);
  }
}

async function readBody(req: IncomingMessage, max: number): Promise<string> {
  const body = await readBoundedBody(
    req,
    max,
    () => new ApiError('bad_data', 'error parsing form values: http: POST too large')
  );
  return body.toString('utf8');
}

/** Reads the query string and, for POST/PUT with a form content type, the body. */
export async function readForm(req: IncomingMessage, url: URL): Promise<FormValues> {
  const values = new Map<string, string[]>();
  const method = req.method ?? 'GET';
  const contentType = (req.headers['content-type'] ?? '').split(';')[0].trim().toLowerCase();
  if (
    (method === 'POST' || method === 'PUT' || method === 'PATCH') &&
    contentType === 'application/x-www-form-urlencoded'
  ) {
    addAll(values, new URLSearchParams(await readBody(req, MAX_FORM_BYTES)));
  }
  addAll(values, url.searchParams);
  return new FormValues(values);
}

const DECIMAL_FLOAT = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;
const RFC3339 = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?(Z|[+-]\d{2}:\d{2})$/;

function daysInMonth(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

function parseRFC3339(s: string): number | undefined {
  const m = RFC3339.exec(s);
  if (!m) return undefined;
  const [year, month, day, hour, minute, second] = m.slice(1, 7).map(Number);
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
    return undefined;
  let offsetMin = 0;
  if (m[8] !== 'Z') {
    const oh = Number(m[8].slice(1, 3));
    const om = Number(m[8].slice(4, 6));
    if (oh > 23 || om > 59) return undefined;
    offsetMin = (m[8][0] === '-' ? -1 : 1) * (oh * 60 + om);
  }
  const ms = m[7] ? Number(m[7].padEnd(9, '0').slice(0, 3)) : 0;
  const d = new Date(0);
  d.setUTCFullYear(year, month - 1, day);
  d.setUTCHours(hour, minute, second, ms);
  return d.getTime() - offsetMin * 60_000;
}

/** Parses a timestamp: Unix seconds (fraction rounded to ms) or RFC 3339; returns ms. */
export function parseTime(s: string): number {
  if (DECIMAL_FLOAT.test(s)) {
    const f = Number(s);
    if (Number.isFinite(f)) {
      const sec = Math.trunc(f);
      const ms = sec * 1000 + Math.round((f - sec) * 1000);
      if (Number.isSafeInteger(ms)) return ms;
    }
  }
  const t = parseRFC3339(s);
  if (t !== undefined && Number.isFinite(t)) return t;
  if (s === MIN_TIME_FORMATTED) return MIN_TIME_MS;
  if (s === MAX_TIME_FORMATTED) return MAX_TIME_MS;
  throw new Error(`cannot parse ${goQuote(s)} to a valid timestamp`);
}

/** A duration parameter: float seconds or a Prometheus duration; returns ms (may be fractional). */
export function parseDurationParam(s: string): number {
  if (DECIMAL_FLOAT.test(s)) {
    const f = Number(s);
    if (Number.isFinite(f)) {
      if (Math.abs(f) * 1e9 > 9.223372036854776e18)
        throw new Error(`cannot parse ${goQuote(s)} to a valid duration. It overflows int64`);
      return f * 1000;
    }
  }
  try {
    return parsePromDuration(s);
  } catch {
    throw new Error(`cannot parse ${goQuote(s)} to a valid duration`);
  }
}

/** Go's %q for the strings we quote: JSON string syntax matches it for printable input. */
export function goQuote(s: string): string {
  return JSON.stringify(s);
}

export function invalidParam(name: string, err: unknown): ApiError {
  return new ApiError('bad_data', `invalid parameter ${goQuote(name)}: ${(err as Error).message}`);
}

/** A time parameter with a default when absent (Prometheus's parseTimeParam). */
export function timeParam(form: FormValues, name: string, dflt: number): number {
  const v = form.get(name);
  if (v === '') return dflt;
  try {
    return parseTime(v);
  } catch (err) {
    throw invalidParam(name, new Error(`invalid time value for '${name}': ${(err as Error).message}`));
  }
}

/** A required time parameter, as query_range reads start and end. */
export function requiredTimeParam(form: FormValues, name: string): number {
  try {
    return parseTime(form.get(name));
  } catch (err) {
    throw invalidParam(name, err);
  }
}

export function durationParam(form: FormValues, name: string): number {
  try {
    return parseDurationParam(form.get(name));
  } catch (err) {
    throw invalidParam(name, err);
  }
}

/** The 3.x `limit` parameter: 0 (or absent) means no limit. */
export function limitParam(form: FormValues): number {
  const s = form.get('limit');
  if (s === '') return 0;
  if (!/^[+-]?\d+$/.test(s))
    throw invalidParam('limit', new Error(`strconv.Atoi: parsing ${goQuote(s)}: invalid syntax`));
  const n = Number(s);
  if (n < 0) throw invalidParam('limit', new Error('limit must be non-negative'));
  return n;
}

/** Parses every match[] selector; each must have a matcher that does not match the empty string. */
export function matcherSetsParam(parser: PromqlParser, selectors: readonly string[], name = 'match[]'): Matcher[][] {
  const sets: Matcher[][] = [];
  try {
    for (const s of selectors) sets.push(parser.parseMetricSelector(s));
  } catch (err) {
    throw invalidParam(name, err);
  }
  for (const set of sets) {
    if (!set.some((m) => !m.matchesEmpty()))
      throw invalidParam(name, new Error('match[] must contain at least one non-empty matcher'));
  }
  return sets;
}
