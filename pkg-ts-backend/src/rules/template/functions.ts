// The functions Prometheus adds to alert templates: queries and their samples, humanizing
// numbers, durations and timestamps, string helpers and links into the expression browser.
import { RE2 } from 're2-wasm';
import { labelsToRecord } from '../../model/labels';
import { parseDuration } from '../../model/duration';
import type { Sample } from '../../promql/value';
import { queryEscape } from './builtins';
import type { FuncSpec } from './exec';
import { formatFloatG, sprintf } from './gofmt';
import { GoInt, GoStruct, GoTime, GoValue, goTypeName, isMap } from './values';

export type TemplateQueryFunc = (query: string, ts: number) => Promise<Sample[]>;

export interface PrometheusFuncsOptions {
  /** Evaluation time of the template (ms); `query` runs at this instant. */
  ts: number;
  query?: TemplateQueryFunc;
  externalUrl: string;
}

const GO_FLOAT = /^[+-]?(?:(?:\d[\d_]*)?\.?\d*(?:[eE][+-]?\d+)?|inf|infinity|nan)$/i;

/** Prometheus's convertToFloat: float64, strings via strconv.ParseFloat, ints. */
export function convertToFloat(v: GoValue): number {
  if (typeof v === 'number') return v;
  if (v instanceof GoInt) return v.n;
  if (typeof v === 'string') {
    if (v === '' || !GO_FLOAT.test(v) || v === '.' || /^[+-]?\.?$/.test(v)) throw new Error(`strconv.ParseFloat: parsing ${JSON.stringify(v)}: invalid syntax`);
    const lower = v.toLowerCase().replace(/^[+]/, '');
    if (lower === 'inf' || lower === 'infinity') return Infinity;
    if (lower === '-inf' || lower === '-infinity') return -Infinity;
    if (lower === 'nan') return NaN;
    return Number(v.replace(/_/g, ''));
  }
  throw new Error(`can't convert ${goTypeName(v)} to float`);
}

const g4 = (v: number): string => formatFloatG(v, 4);

export function humanize(v: number): string {
  if (v === 0 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  if (Math.abs(v) >= 1) {
    for (const p of ['k', 'M', 'G', 'T', 'P', 'E', 'Z', 'Y']) {
      if (Math.abs(v) < 1000) break;
      prefix = p;
      v /= 1000;
    }
  } else {
    for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
      if (Math.abs(v) >= 1) break;
      prefix = p;
      v *= 1000;
    }
  }
  return g4(v) + prefix;
}

export function humanize1024(v: number): string {
  if (Math.abs(v) <= 1 || !Number.isFinite(v)) return g4(v);
  let prefix = '';
  for (const p of ['ki', 'Mi', 'Gi', 'Ti', 'Pi', 'Ei', 'Zi', 'Yi']) {
    if (Math.abs(v) < 1024) break;
    prefix = p;
    v /= 1024;
  }
  return g4(v) + prefix;
}

export function humanizeDuration(v: number): string {
  if (!Number.isFinite(v)) return g4(v);
  if (v === 0) return g4(v) + 's';
  if (Math.abs(v) >= 1) {
    const sign = v < 0 ? '-' : '';
    v = Math.abs(v);
    const total = Math.trunc(v);
    const seconds = total % 60;
    const minutes = Math.trunc(total / 60) % 60;
    const hours = Math.trunc(total / 3600) % 24;
    const days = Math.trunc(total / 86400);
    if (days !== 0) return `${sign}${days}d ${hours}h ${minutes}m ${seconds}s`;
    if (hours !== 0) return `${sign}${hours}h ${minutes}m ${seconds}s`;
    if (minutes !== 0) return `${sign}${minutes}m ${seconds}s`;
    return `${sign}${g4(v)}s`;
  }
  let prefix = '';
  for (const p of ['m', 'u', 'n', 'p', 'f', 'a', 'z', 'y']) {
    if (Math.abs(v) >= 1) break;
    prefix = p;
    v *= 1000;
  }
  return `${g4(v)}${prefix}s`;
}

export function humanizePercentage(v: number): string {
  return g4(v * 100) + '%';
}

/** Seconds to a time.Time at millisecond precision (model.TimeFromUnixNano truncates to ms). */
function floatToTime(v: number): GoTime {
  const ns = v * 1e9;
  if (ns > 9.223372036854776e18 || ns < -9.223372036854776e18) {
    throw new Error(`${formatFloatG(v, -1)} cannot be represented as a nanoseconds timestamp since it overflows int64`);
  }
  return new GoTime(Math.trunc(Math.trunc(ns) / 1e6));
}

export function humanizeTimestamp(v: number): string {
  if (!Number.isFinite(v)) return g4(v);
  return sprintf('%v', [floatToTime(v)]);
}

function asString(v: GoValue, what = 'string'): string {
  if (typeof v !== 'string') throw new Error(`wrong type for value; expected ${what}; got ${goTypeName(v)}`);
  return v;
}

function asSample(v: GoValue): GoStruct {
  if (!(v instanceof GoStruct) || v.typeName !== '*template.sample') throw new Error(`wrong type for value; expected *template.sample; got ${goTypeName(v)}`);
  return v;
}

function asSamples(v: GoValue): readonly GoValue[] {
  if (!Array.isArray(v)) throw new Error(`wrong type for value; expected template.queryResult; got ${goTypeName(v)}`);
  return v;
}

function sampleToGo(s: Sample): GoStruct {
  return new GoStruct('*template.sample', { Labels: new Map(Object.entries(labelsToRecord(s.metric))), Value: s.v });
}

/** Go's strings.ToUpper/ToLower map rune by rune: a rune without a one-rune mapping (ß) stays. */
function mapRunes(s: string, f: (c: string) => string): string {
  let out = '';
  for (const c of s) {
    const m = f(c);
    out += [...m].length === 1 ? m : c;
  }
  return out;
}

/** strings.Title: upper-cases the first letter of every word. */
function title(s: string): string {
  return s.replace(/(^|[^\p{L}\p{N}_'])(\p{L})/gu, (_m, sep: string, ch: string) => sep + mapRunes(ch, (c) => c.toUpperCase()));
}

/** Go's Regexp.ReplaceAllString template syntax: `$1`, `${1}`, `$name`, `$$`. */
function expandReplacement(repl: string, groups: (string | undefined)[], named: Record<string, string> | undefined): string {
  return repl.replace(/\$(\$|\{([A-Za-z0-9_]+)\}|([A-Za-z0-9_]+))/g, (_m, all: string, braced?: string, bare?: string) => {
    if (all === '$') return '$';
    const key = braced ?? bare ?? '';
    if (/^\d+$/.test(key)) return groups[Number(key)] ?? '';
    return named?.[key] ?? '';
  });
}

function compileGoRegex(pattern: string, flags: string): RE2 {
  try {
    return new RE2(pattern, flags);
  } catch (err) {
    throw new Error(`error parsing regexp: ${(err as Error).message}`);
  }
}

function splitHostPort(hostPort: string): [string, string] | null {
  const m = /^\[([^\]]*)\]:(\d*)$/.exec(hostPort) ?? /^([^:[\]]*):(\d*)$/.exec(hostPort);
  return m ? [m[1], m[2]] : null;
}

function isIP(host: string): boolean {
  return /^\d{1,3}(\.\d{1,3}){3}$/.test(host) || (host.includes(':') && /^[0-9a-fA-F:.]+$/.test(host));
}

function joinHostPort(host: string, port: string): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

export function prometheusFuncs(opts: PrometheusFuncsOptions): Map<string, FuncSpec> {
  const num = (f: (v: number) => string): FuncSpec => ({ fn: (a) => f(convertToFloat(a[0])), arity: 1 });
  const pathPrefix = (() => {
    try {
      return new URL(opts.externalUrl).pathname.replace(/\/$/, '');
    } catch {
      return '';
    }
  })();
  return new Map<string, FuncSpec>([
    [
      'query',
      {
        fn: async (a) => {
          if (!opts.query) throw new Error('queries are not available here');
          const samples = await opts.query(asString(a[0]), opts.ts);
          return samples.map(sampleToGo);
        },
        arity: 1,
      },
    ],
    [
      'first',
      {
        fn: (a) => {
          const v = asSamples(a[0]);
          if (v.length === 0) throw new Error('first() called on vector with no elements');
          return v[0];
        },
        arity: 1,
      },
    ],
    ['label', { fn: (a) => ((asSample(a[1]).fields.Labels as ReadonlyMap<string, GoValue>).get(asString(a[0])) ?? ''), arity: 2 }],
    ['value', { fn: (a) => asSample(a[0]).fields.Value, arity: 1 }],
    ['strvalue', { fn: (a) => ((asSample(a[0]).fields.Labels as ReadonlyMap<string, GoValue>).get('__value__') ?? ''), arity: 1 }],
    [
      'sortByLabel',
      {
        fn: (a) => {
          const name = asString(a[0]);
          const key = (s: GoValue): string => {
            const labels = (s as GoStruct).fields.Labels;
            return isMap(labels) ? String(labels.get(name) ?? '') : '';
          };
          return [...asSamples(a[1])].sort((x, y) => (key(x) < key(y) ? -1 : key(x) > key(y) ? 1 : 0));
        },
        arity: 2,
      },
    ],
    ['args', { fn: (a) => new Map(a.map((v, i) => [`arg${i}`, v])), arity: 0, variadic: true }],
    [
      'reReplaceAll',
      {
        fn: (a) => {
          const re = compileGoRegex(asString(a[0]), 'gu');
          const repl = asString(a[1]);
          return re.replace(asString(a[2]), (...m: unknown[]) => {
            const last = m[m.length - 1];
            const named = typeof last === 'object' && last !== null ? (last as Record<string, string>) : undefined;
            const groupCount = m.length - (named ? 3 : 2);
            return expandReplacement(repl, m.slice(0, groupCount) as (string | undefined)[], named);
          });
        },
        arity: 3,
      },
    ],
    ['match', { fn: (a) => compileGoRegex(asString(a[0]), 'u').test(asString(a[1])), arity: 2 }],
    ['safeHtml', { fn: (a) => asString(a[0]), arity: 1 }],
    ['title', { fn: (a) => title(asString(a[0])), arity: 1 }],
    ['toUpper', { fn: (a) => mapRunes(asString(a[0]), (c) => c.toUpperCase()), arity: 1 }],
    ['toLower', { fn: (a) => mapRunes(asString(a[0]), (c) => (c === '\u0130' ? 'i' : c.toLowerCase())), arity: 1 }],
    ['graphLink', { fn: (a) => `/graph?g0.expr=${queryEscape(asString(a[0]))}&g0.tab=0`, arity: 1 }],
    ['tableLink', { fn: (a) => `/graph?g0.expr=${queryEscape(asString(a[0]))}&g0.tab=1`, arity: 1 }],
    ['humanize', num(humanize)],
    ['humanize1024', num(humanize1024)],
    ['humanizeDuration', num(humanizeDuration)],
    ['humanizePercentage', num(humanizePercentage)],
    ['humanizeTimestamp', num(humanizeTimestamp)],
    [
      'toTime',
      {
        fn: (a) => {
          const v = convertToFloat(a[0]);
          if (!Number.isFinite(v)) throw new Error('value is NaN or Inf');
          return floatToTime(v);
        },
        arity: 1,
      },
    ],
    ['parseDuration', { fn: (a) => parseDuration(asString(a[0])) / 1000, arity: 1 }],
    ['now', { fn: () => opts.ts / 1000, arity: 0 }],
    ['pathPrefix', { fn: () => pathPrefix, arity: 0 }],
    ['externalURL', { fn: () => opts.externalUrl, arity: 0 }],
    ['urlQueryEscape', { fn: (a) => queryEscape(asString(a[0])), arity: 1 }],
    [
      'stripPort',
      {
        fn: (a) => {
          const hp = asString(a[0]);
          return splitHostPort(hp)?.[0] ?? hp;
        },
        arity: 1,
      },
    ],
    [
      'stripDomain',
      {
        fn: (a) => {
          const hp = asString(a[0]);
          const split = splitHostPort(hp);
          const host = split ? split[0] : hp;
          if (isIP(host)) return hp;
          const short = host.split('.')[0];
          return split && split[1] !== '' ? joinHostPort(short, split[1]) : short;
        },
        arity: 1,
      },
    ],
  ]);
}
