// Go-compatible string quoting and PromQL string unquoting.
//
// Go strings are bytes, so `"\xc5z"` is a legal PromQL string that is not valid UTF-8. JS strings
// cannot hold raw bytes; a byte that is not part of a valid UTF-8 sequence is kept as the lone
// surrogate U+DC00+byte (the "surrogateescape" convention). `goQuote` prints those back as `\xNN`,
// so error texts match Prometheus's, and `String.prototype.isWellFormed()` tells invalid UTF-8.

const PRINTABLE = /^[\p{L}\p{M}\p{N}\p{P}\p{S} ]$/u;

function escapeCodePoint(cp: number, ch: string, quote: string): string {
  switch (ch) {
    case '\x07':
      return '\\a';
    case '\b':
      return '\\b';
    case '\f':
      return '\\f';
    case '\n':
      return '\\n';
    case '\r':
      return '\\r';
    case '\t':
      return '\\t';
    case '\v':
      return '\\v';
    case '\\':
      return '\\\\';
    case quote:
      return '\\' + quote;
  }
  if (cp >= 0xdc80 && cp <= 0xdcff) return '\\x' + (cp - 0xdc00).toString(16).padStart(2, '0');
  if (PRINTABLE.test(ch)) return ch;
  if (cp < 0x20 || cp === 0x7f) return '\\x' + cp.toString(16).padStart(2, '0');
  if (cp >= 0xd800 && cp <= 0xdfff) return '\\ufffd';
  if (cp < 0x10000) return '\\u' + cp.toString(16).padStart(4, '0');
  return '\\U' + cp.toString(16).padStart(8, '0');
}

/** False when the string holds a lone surrogate, i.e. its Go counterpart is not valid UTF-8. */
export function isValidUtf8String(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      const n = s.charCodeAt(i + 1);
      if (!(n >= 0xdc00 && n <= 0xdfff)) return false;
      i++;
    } else if (c >= 0xdc00 && c <= 0xdfff) {
      return false;
    }
  }
  return true;
}

/** Go's `strconv.Quote` (`%q`). */
export function goQuote(s: string): string {
  let out = '"';
  for (const ch of s) out += escapeCodePoint(ch.codePointAt(0) ?? 0, ch, '"');
  return out + '"';
}

/** Go's `%.Nq`: quotes at most the first `maxRunes` code points. */
export function goQuoteTruncated(s: string, maxRunes: number): string {
  return goQuote(Array.from(s).slice(0, maxRunes).join(''));
}

/** Go's `%q` of a single rune; the empty string stands for end of input. */
export function goQuoteRune(ch: string): string {
  if (ch === '') return "'\ufffd'";
  return "'" + escapeCodePoint(ch.codePointAt(0) ?? 0, ch, "'") + "'";
}

/** Decodes UTF-8, keeping every byte of an invalid sequence as U+DC00+byte. */
function decodeUtf8Escaping(bytes: readonly number[]): string {
  let out = '';
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need = 0;
    let cp = 0;
    let min = 0;
    if (b < 0x80) {
      out += String.fromCharCode(b);
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) [need, cp, min] = [1, b & 0x1f, 0x80];
    else if (b >= 0xe0 && b <= 0xef) [need, cp, min] = [2, b & 0x0f, 0x800];
    else if (b >= 0xf0 && b <= 0xf4) [need, cp, min] = [3, b & 0x07, 0x10000];
    let ok = need > 0;
    for (let k = 1; ok && k <= need; k++) {
      const c = bytes[i + k];
      if (c === undefined || (c & 0xc0) !== 0x80) ok = false;
      else cp = (cp << 6) | (c & 0x3f);
    }
    if (ok && cp >= min && cp <= 0x10ffff && !(cp >= 0xd800 && cp < 0xe000)) {
      out += String.fromCodePoint(cp);
      i += need + 1;
    } else {
      out += String.fromCharCode(0xdc00 + b);
      i++;
    }
  }
  return out;
}

const SIMPLE_ESCAPES: Readonly<Record<string, string>> = {
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
  '\\': '\\',
};

/**
 * Unquotes a PromQL string literal (`"..."`, `'...'` or a back-quoted raw string), as the lexer
 * accepted it. Throws with Go's `invalid syntax` on malformed input.
 */
export function unquotePromQLString(lit: string): string {
  const quote = lit.charAt(0);
  if (lit.length < 2 || lit.charAt(lit.length - 1) !== quote) throw new Error('invalid syntax');
  const body = lit.slice(1, -1);
  if (quote === '`') {
    if (body.includes('`')) throw new Error('invalid syntax');
    return body;
  }
  if (quote !== '"' && quote !== "'") throw new Error('invalid syntax');
  if (!body.includes('\\')) {
    if (body.includes(quote) || body.includes('\n')) throw new Error('invalid syntax');
    return body;
  }
  let out = '';
  let bytes: number[] = [];
  const flushBytes = (): void => {
    if (bytes.length > 0) {
      out += decodeUtf8Escaping(bytes);
      bytes = [];
    }
  };
  let i = 0;
  while (i < body.length) {
    const c = body[i];
    if (c === quote || c === '\n') throw new Error('invalid syntax');
    if (c !== '\\') {
      flushBytes();
      out += c;
      i++;
      continue;
    }
    const e = body.charAt(i + 1);
    i += 2;
    if (Object.hasOwn(SIMPLE_ESCAPES, e)) {
      flushBytes();
      out += SIMPLE_ESCAPES[e];
    } else if (e === quote) {
      flushBytes();
      out += quote;
    } else if (e >= '0' && e <= '7') {
      const digits = body.slice(i - 1, i + 2);
      if (!/^[0-7]{3}$/.test(digits)) throw new Error('invalid syntax');
      const v = parseInt(digits, 8);
      if (v > 255) throw new Error('invalid syntax');
      bytes.push(v);
      i += 2;
    } else if (e === 'x') {
      const digits = body.slice(i, i + 2);
      if (!/^[0-9a-fA-F]{2}$/.test(digits)) throw new Error('invalid syntax');
      bytes.push(parseInt(digits, 16));
      i += 2;
    } else if (e === 'u' || e === 'U') {
      const n = e === 'u' ? 4 : 8;
      const digits = body.slice(i, i + n);
      if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(digits)) throw new Error('invalid syntax');
      const cp = parseInt(digits, 16);
      if (cp > 0x10ffff || (cp >= 0xd800 && cp < 0xe000)) throw new Error('invalid syntax');
      flushBytes();
      out += String.fromCodePoint(cp);
      i += n;
    } else {
      throw new Error('invalid syntax');
    }
  }
  flushBytes();
  return out;
}
