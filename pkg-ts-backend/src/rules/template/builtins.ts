// text/template's predefined functions: comparisons with Go's kind rules, len, index, not,
// print/printf/println and the escapers.
import type { FuncSpec } from './exec';
import { sprint, sprintf, sprintln } from './gofmt';
import { GoInt, GoStruct, GoTime, GoValue, isMap, isTrue } from './values';

type BasicKind = 'bool' | 'int' | 'float' | 'string';

function basicKind(v: GoValue): BasicKind | null {
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoInt) return 'int';
  if (typeof v === 'number') return 'float';
  if (typeof v === 'string') return 'string';
  return null;
}

function primitive(v: GoValue): number | string | boolean {
  return v instanceof GoInt ? v.n : (v as number | string | boolean);
}

function eq(args: GoValue[]): GoValue {
  const [a, ...rest] = args;
  const ka = basicKind(a);
  for (const b of rest) {
    const kb = basicKind(b);
    if (ka === null || kb === null) {
      if (a === null && b === null) return true;
      if (a instanceof GoStruct || Array.isArray(a) || isMap(a) || a instanceof GoTime) throw new Error('invalid type for comparison');
      if (a === null || b === null) {
        if (a === b) return true;
        continue;
      }
      throw new Error('incompatible types for comparison');
    }
    if (ka !== kb) throw new Error('incompatible types for comparison');
    if (primitive(a) === primitive(b)) return true;
  }
  return false;
}

function ordered(args: GoValue[]): [number | string, number | string] {
  const [a, b] = args;
  const ka = basicKind(a);
  const kb = basicKind(b);
  if (ka === null || kb === null || ka === 'bool' || kb === 'bool') throw new Error('invalid type for comparison');
  if (ka !== kb) throw new Error('incompatible types for comparison');
  return [primitive(a) as number | string, primitive(b) as number | string];
}

function len(args: GoValue[]): GoValue {
  const v = args[0];
  if (typeof v === 'string') return new GoInt(Buffer.byteLength(v, 'utf8'));
  if (Array.isArray(v)) return new GoInt(v.length);
  if (isMap(v)) return new GoInt(v.size);
  throw new Error(`len of type ${v === null ? '<nil>' : basicKind(v) ?? 'struct'}`);
}

function index(args: GoValue[]): GoValue {
  let cur = args[0];
  for (const key of args.slice(1)) {
    if (isMap(cur)) {
      if (typeof key !== 'string') throw new Error('value has type int; should be string');
      cur = cur.get(key) ?? '';
    } else if (Array.isArray(cur)) {
      if (!(key instanceof GoInt)) throw new Error('cannot index slice/array with type ' + (basicKind(key) ?? 'nil'));
      if (key.n < 0 || key.n >= cur.length) throw new Error(`index out of range: ${key.n}`);
      cur = cur[key.n];
    } else if (cur === null) throw new Error('index of untyped nil');
    else throw new Error(`can't index item of type ${basicKind(cur) ?? 'struct'}`);
  }
  return cur;
}

function htmlEscape(s: string): string {
  return s.replace(/[<>&'"\0]/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&#39;', '"': '&#34;', '\0': '\uFFFD' })[c] ?? c);
}

function jsEscape(s: string): string {
  return s.replace(/[\\'"<>&=\n\r\t]/g, (c) => {
    const named: Record<string, string> = { '\\': '\\\\', "'": "\\'", '"': '\\"', '\n': '\\n', '\r': '\\r', '\t': '\\t' };
    return named[c] ?? '\\u' + c.charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
  });
}

/** Go's url.QueryEscape. */
export function queryEscape(s: string): string {
  return encodeURIComponent(s)
    .replace(/%20/g, '+')
    .replace(/[!'()*]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase());
}

export const BUILTINS: ReadonlyMap<string, FuncSpec> = new Map<string, FuncSpec>([
  ['eq', { fn: eq, arity: 1, variadic: true }],
  ['ne', { fn: (a) => !eq(a), arity: 2 }],
  ['lt', { fn: (a) => ((x, y) => x < y)(...ordered(a)), arity: 2 }],
  ['le', { fn: (a) => ((x, y) => x <= y)(...ordered(a)), arity: 2 }],
  ['gt', { fn: (a) => ((x, y) => x > y)(...ordered(a)), arity: 2 }],
  ['ge', { fn: (a) => ((x, y) => x >= y)(...ordered(a)), arity: 2 }],
  ['not', { fn: (a) => !isTrue(a[0]), arity: 1 }],
  ['len', { fn: len, arity: 1 }],
  ['index', { fn: index, arity: 1, variadic: true }],
  ['print', { fn: (a) => sprint(a), arity: 0, variadic: true }],
  ['println', { fn: (a) => sprintln(a), arity: 0, variadic: true }],
  [
    'printf',
    {
      fn: (a) => {
        if (typeof a[0] !== 'string') throw new Error('wrong type for value; expected string; got ' + (basicKind(a[0]) ?? 'nil'));
        return sprintf(a[0], a.slice(1));
      },
      arity: 1,
      variadic: true,
    },
  ],
  ['html', { fn: (a) => htmlEscape(sprint(a)), arity: 0, variadic: true }],
  ['js', { fn: (a) => jsEscape(sprint(a)), arity: 0, variadic: true }],
  ['urlquery', { fn: (a) => queryEscape(sprint(a)), arity: 0, variadic: true }],
]);

/** Names the parser accepts as functions (and/or are evaluated lazily by the executor). */
export const LAZY_BUILTINS = ['and', 'or'] as const;
