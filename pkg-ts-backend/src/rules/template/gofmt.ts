// Go's fmt formatting for the values templates print: float64 as %v/%g/%e/%f render it,
// Sprint of maps, slices and structs, and printf with Go's verbs, flags and error forms.
import { GoInt, GoStruct, GoTime, GoValue, goTypeName, isMap } from './values';

interface Digits {
  /** Significant decimal digits without trailing zeros ("" for zero). */
  d: string;
  /** Position of the decimal point relative to the digits (Go's decimal.dp). */
  dp: number;
}

/** The exact decimal expansion of a finite non-zero double (every double has a finite one). */
function exactDigits(abs: number): Digits {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, abs);
  const hi = view.getUint32(0);
  const expBits = (hi >>> 20) & 0x7ff;
  let mant = (BigInt(hi & 0xfffff) << 32n) | BigInt(view.getUint32(4));
  let e = -1074;
  if (expBits !== 0) {
    mant |= 1n << 52n;
    e = expBits - 1075;
  }
  let digits: string;
  let dp: number;
  if (e >= 0) {
    digits = (mant << BigInt(e)).toString();
    dp = digits.length;
  } else {
    digits = (mant * 5n ** BigInt(-e)).toString();
    dp = digits.length + e;
  }
  return { d: digits.replace(/0+$/, ''), dp };
}

/** Rounds to `nd` significant digits as Go's decimal does: half to even on exact ties. */
function roundDigits(dg: Digits, nd: number): Digits {
  if (nd < 0) return { d: '', dp: dg.dp };
  if (nd >= dg.d.length) return dg;
  const next = dg.d.charCodeAt(nd) - 48;
  const up = next === 5 && nd + 1 === dg.d.length ? nd > 0 && (dg.d.charCodeAt(nd - 1) - 48) % 2 === 1 : next >= 5;
  if (!up) return { d: dg.d.slice(0, nd).replace(/0+$/, ''), dp: dg.dp };
  let i = nd - 1;
  while (i >= 0 && dg.d[i] === '9') i--;
  if (i < 0) return { d: '1', dp: dg.dp + 1 };
  return { d: dg.d.slice(0, i) + String.fromCharCode(dg.d.charCodeAt(i) + 1), dp: dg.dp };
}

/** Shortest round-trip digits (prec < 0) or digits rounded to `prec` significant digits. */
function decimalDigits(v: number, prec: number): Digits {
  const abs = Math.abs(v);
  if (abs === 0) return { d: '', dp: 0 };
  if (prec >= 0) return roundDigits(exactDigits(abs), Math.max(prec, 1));
  const [mant, exp] = abs.toExponential().split('e');
  return { d: mant.replace('.', '').replace(/0+$/, ''), dp: Number(exp) + 1 };
}

function fmtExponent(neg: boolean, dg: Digits, prec: number, upper: boolean): string {
  const digits = dg.d === '' ? '0' : dg.d;
  let out = digits[0];
  if (prec > 0) out += '.' + digits.slice(1).padEnd(prec, '0').slice(0, prec);
  const exp = dg.d === '' ? 0 : dg.dp - 1;
  const e = Math.abs(exp);
  out += (upper ? 'E' : 'e') + (exp < 0 ? '-' : '+') + (e < 10 ? '0' + e : String(e));
  return (neg ? '-' : '') + out;
}

function fmtFixed(neg: boolean, dg: Digits, prec: number): string {
  let intPart: string;
  if (dg.dp > 0) intPart = dg.d.slice(0, dg.dp).padEnd(dg.dp, '0');
  else intPart = '0';
  let out = intPart;
  if (prec > 0) {
    let frac = '';
    for (let i = 0; i < prec; i++) {
      const j = dg.dp + i;
      frac += j >= 0 && j < dg.d.length ? dg.d[j] : '0';
    }
    out += '.' + frac;
  }
  return (neg ? '-' : '') + out;
}

function specialFloat(v: number): string | null {
  if (Number.isNaN(v)) return 'NaN';
  if (v === Infinity) return '+Inf';
  if (v === -Infinity) return '-Inf';
  return null;
}

/** strconv.FormatFloat(v, 'g', prec, 64); prec < 0 is the shortest representation (%v). */
export function formatFloatG(v: number, prec: number, upper = false): string {
  const sp = specialFloat(v);
  if (sp !== null) return sp;
  const neg = v < 0 || Object.is(v, -0);
  const shortest = prec < 0;
  if (prec === 0) prec = 1;
  const dg = decimalDigits(v, prec);
  const nd = dg.d.length;
  let eprec = prec;
  if (shortest) eprec = 6;
  else if (eprec > nd && nd >= dg.dp) eprec = nd;
  const exp = dg.dp - 1;
  if (exp < -4 || exp >= eprec) {
    const p = shortest || prec > nd ? Math.max(nd, 1) : prec;
    return fmtExponent(neg, dg, p - 1, upper);
  }
  const p = shortest || prec > dg.dp ? nd : prec;
  return fmtFixed(neg, dg, Math.max(p - dg.dp, 0));
}

/** strconv.FormatFloat(v, 'e', prec, 64); prec < 0 is the shortest representation. */
export function formatFloatE(v: number, prec: number, upper = false): string {
  const sp = specialFloat(v);
  if (sp !== null) return sp;
  const dg = decimalDigits(v, prec < 0 ? -1 : prec + 1);
  return fmtExponent(v < 0 || Object.is(v, -0), dg, prec < 0 ? Math.max(dg.d.length - 1, 0) : prec, upper);
}

/** strconv.FormatFloat(v, 'f', prec, 64). */
export function formatFloatF(v: number, prec: number): string {
  const sp = specialFloat(v);
  if (sp !== null) return sp;
  const neg = v < 0 || Object.is(v, -0);
  const abs = Math.abs(v);
  if (abs === 0) return fmtFixed(neg, { d: '', dp: 0 }, prec);
  const exact = exactDigits(abs);
  return fmtFixed(neg, roundDigits(exact, exact.dp + prec), prec);
}

const MONTHS_PAD = (n: number, w: number): string => String(n).padStart(w, '0');

/** time.Time's String(): `2006-01-02 15:04:05.999999999 +0000 UTC` (always UTC here). */
export function formatGoTime(t: GoTime): string {
  const d = new Date(Math.floor(t.unixMs));
  const base = `${d.getUTCFullYear()}-${MONTHS_PAD(d.getUTCMonth() + 1, 2)}-${MONTHS_PAD(d.getUTCDate(), 2)} ${MONTHS_PAD(d.getUTCHours(), 2)}:${MONTHS_PAD(d.getUTCMinutes(), 2)}:${MONTHS_PAD(d.getUTCSeconds(), 2)}`;
  const ms = ((Math.floor(t.unixMs) % 1000) + 1000) % 1000;
  const frac = ms === 0 ? '' : '.' + String(ms).padStart(3, '0').replace(/0+$/, '');
  return `${base}${frac} +0000 UTC`;
}

/** fmt.Sprint of one value (what `{{ x }}` prints, except that a nil prints as `<no value>` there). */
export function sprintValue(v: GoValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return formatFloatG(v, -1);
  if (typeof v === 'boolean') return v ? 'true' : 'false';
  if (v instanceof GoInt) return String(v.n);
  if (v instanceof GoTime) return formatGoTime(v);
  if (v instanceof GoStruct) return '{' + Object.values(v.fields).map((f) => sprintValue(f)).join(' ') + '}';
  if (Array.isArray(v)) return '[' + v.map((e) => sprintValue(e)).join(' ') + ']';
  if (isMap(v)) {
    const keys = [...v.keys()].sort();
    return 'map[' + keys.map((k) => `${k}:${sprintValue(v.get(k) ?? null)}`).join(' ') + ']';
  }
  return String(v);
}

/** fmt.Sprint(args...): spaces between operands when neither side is a string. */
export function sprint(args: readonly GoValue[]): string {
  let out = '';
  for (let i = 0; i < args.length; i++) {
    if (i > 0 && typeof args[i] !== 'string' && typeof args[i - 1] !== 'string') out += ' ';
    out += sprintValue(args[i]);
  }
  return out;
}

/** fmt.Sprintln(args...): always spaces, plus a newline. */
export function sprintln(args: readonly GoValue[]): string {
  return args.map((a) => sprintValue(a)).join(' ') + '\n';
}

/** strconv.Quote for the characters templates deal with. */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0) ?? 0;
    if (ch === '"' || ch === '\\') out += '\\' + ch;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (c < 0x20 || c === 0x7f) out += '\\x' + c.toString(16).padStart(2, '0');
    else out += ch;
  }
  return out + '"';
}

interface Spec {
  minus: boolean;
  plus: boolean;
  sharp: boolean;
  space: boolean;
  zero: boolean;
  width: number | null;
  prec: number | null;
}

function pad(s: string, spec: Spec, numeric: boolean): string {
  if (spec.width === null || s.length >= spec.width) return s;
  if (spec.minus) return s.padEnd(spec.width, ' ');
  if (spec.zero && numeric) {
    const sign = s[0] === '-' || s[0] === '+' || s[0] === ' ' ? s[0] : '';
    return sign + s.slice(sign.length).padStart(spec.width - sign.length, '0');
  }
  return s.padStart(spec.width, ' ');
}

function badVerb(verb: string, v: GoValue): string {
  return v === null ? `%!${verb}(<nil>)` : `%!${verb}(${goTypeName(v)}=${sprintValue(v)})`;
}

function signed(s: string, spec: Spec): string {
  if (s[0] === '-' || s === 'NaN' && !spec.plus) return s;
  if (s === '+Inf') return spec.plus ? s : spec.space ? ' Inf' : s;
  if (spec.plus) return '+' + s;
  if (spec.space) return ' ' + s;
  return s;
}

function formatOne(verb: string, v: GoValue, spec: Spec): string {
  switch (verb) {
    case 'v':
      if (typeof v === 'number') return pad(signed(formatFloatG(v, spec.prec ?? -1), spec), spec, true);
      if (typeof v === 'string' && spec.sharp) return pad(goQuote(v), spec, false);
      return pad(sprintValue(v), spec, false);
    case 's':
      if (typeof v === 'string') return pad(spec.prec !== null ? [...v].slice(0, spec.prec).join('') : v, spec, false);
      if (Array.isArray(v) || isMap(v) || v instanceof GoTime) return pad(sprintValue(v), spec, false);
      return badVerb(verb, v);
    case 'q':
      if (typeof v === 'string') return pad(goQuote(v), spec, false);
      if (v instanceof GoInt) return pad(`'${String.fromCodePoint(v.n)}'`, spec, false);
      return badVerb(verb, v);
    case 'd':
      if (v instanceof GoInt) return pad(signed(String(v.n), spec), spec, true);
      return badVerb(verb, v);
    case 'T':
      return pad(v === null ? '<nil>' : goTypeName(v), spec, false);
    case 't':
      if (typeof v === 'boolean') return pad(String(v), spec, false);
      return badVerb(verb, v);
    case 'x':
    case 'X': {
      let s: string | null = null;
      if (v instanceof GoInt) s = (v.n < 0 ? '-' : '') + Math.abs(v.n).toString(16);
      else if (typeof v === 'string') s = Buffer.from(v, 'utf8').toString('hex');
      if (s === null) return badVerb(verb, v);
      if (spec.sharp && v instanceof GoInt) s = s.startsWith('-') ? '-0x' + s.slice(1) : '0x' + s;
      return pad(verb === 'X' ? s.toUpperCase() : s, spec, true);
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      if (typeof v !== 'number') return badVerb(verb, v);
      let s: string;
      if (verb === 'e' || verb === 'E') s = formatFloatE(v, spec.prec ?? 6, verb === 'E');
      else if (verb === 'f' || verb === 'F') s = formatFloatF(v, spec.prec ?? 6);
      else s = formatFloatG(v, spec.prec ?? -1, verb === 'G');
      return pad(signed(s, spec), spec, Number.isFinite(v));
    }
    default:
      return `%!${verb}(${v === null ? '<nil>' : `${goTypeName(v)}=${sprintValue(v)}`})`;
  }
}

/** fmt.Sprintf with Go's verbs; mismatches render as Go does (`%!d(float64=1.5)`, `%!s(MISSING)`). */
export function sprintf(format: string, args: readonly GoValue[]): string {
  let out = '';
  let argi = 0;
  let i = 0;
  while (i < format.length) {
    const ch = format[i];
    if (ch !== '%') {
      out += ch;
      i++;
      continue;
    }
    i++;
    const spec: Spec = { minus: false, plus: false, sharp: false, space: false, zero: false, width: null, prec: null };
    for (; i < format.length; i++) {
      const f = format[i];
      if (f === '-') spec.minus = true;
      else if (f === '+') spec.plus = true;
      else if (f === '#') spec.sharp = true;
      else if (f === ' ') spec.space = true;
      else if (f === '0') spec.zero = !spec.minus;
      else break;
    }
    const readNumber = (): number | null => {
      if (format[i] === '*') {
        i++;
        const a = args[argi++];
        return a instanceof GoInt ? a.n : null;
      }
      const m = /^\d+/.exec(format.slice(i));
      if (!m) return null;
      i += m[0].length;
      return Number(m[0]);
    };
    spec.width = readNumber();
    if (format[i] === '.') {
      i++;
      spec.prec = readNumber() ?? 0;
    }
    if (i >= format.length) {
      out += '%!(NOVERB)';
      break;
    }
    const verb = String.fromCodePoint(format.codePointAt(i) ?? 0);
    i += verb.length;
    if (verb === '%') {
      out += '%';
      continue;
    }
    if (argi >= args.length) {
      out += `%!${verb}(MISSING)`;
      continue;
    }
    out += formatOne(verb, args[argi++], spec);
  }
  if (argi < args.length) {
    out += '%!(EXTRA ' + args.slice(argi).map((a) => (a === null ? '<nil>' : `${goTypeName(a)}=${sprintValue(a)}`)).join(', ') + ')';
  }
  return out;
}
