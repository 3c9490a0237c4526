// The PromQL lexer. Like Prometheus's it is pulled one token at a time and depends on context
// (inside `{...}` keywords are plain identifiers, inside `[...]` only durations, numbers and `:`
// are expected), so a lexical error late in the input only surfaces once the parser gets there.
import { goQuoteRune } from './quote';

export type TokenKind =
  | 'EOF'
  | 'ERROR'
  | 'IDENTIFIER'
  | 'METRIC_IDENTIFIER'
  | 'NUMBER'
  | 'DURATION'
  | 'STRING'
  | 'LEFT_PAREN'
  | 'RIGHT_PAREN'
  | 'LEFT_BRACE'
  | 'RIGHT_BRACE'
  | 'LEFT_BRACKET'
  | 'RIGHT_BRACKET'
  | 'COMMA'
  | 'COLON'
  | 'EQL'
  | 'OPERATOR'
  | 'AGGREGATOR'
  | 'KEYWORD'
  | 'PREPROCESSOR';

export interface Token {
  kind: TokenKind;
  /** The source text; for ERROR tokens the error message. */
  text: string;
  start: number;
  end: number;
}

const AGGREGATOR_WORDS: ReadonlySet<string> = new Set([
  'sum',
  'avg',
  'count',
  'min',
  'max',
  'group',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'count_values',
  'quantile',
  'limitk',
  'limit_ratio',
]);
const OPERATOR_WORDS: ReadonlySet<string> = new Set(['and', 'or', 'unless', 'atan2']);
const KEYWORD_WORDS: ReadonlySet<string> = new Set([
  'offset',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'bool',
]);
/** Words allowed inside `[...]` (Prometheus 3.14 writes `min_of`/`max_of`, earlier `min`/`max`). */
const DURATION_KEYWORDS: ReadonlySet<string> = new Set(['step', 'range', 'min', 'max', 'min_of', 'max_of']);
const PREPROCESSOR_WORDS: ReadonlySet<string> = new Set(['start', 'end']);

function isDigit(c: string): boolean {
  return c >= '0' && c <= '9';
}
function isAlpha(c: string): boolean {
  return c === '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}
function isAlphaNumeric(c: string): boolean {
  return isAlpha(c) || isDigit(c);
}
/** Whether the UTF-16 code unit is a letter, digit or underscore (the hot path of word scanning). */
function isWordCode(c: number): boolean {
  return (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c === 95;
}

/** The end of the run of word characters (and colons, when allowed) starting at `from`. */
function scanWord(s: string, from: number, colon: boolean): number {
  let i = from;
  for (;;) {
    const c = s.charCodeAt(i);
    if (isWordCode(c) || (colon && c === 58)) i++;
    else return i;
  }
}

function isHexDigit(c: string): boolean {
  return isDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

/** A UTF-16 surrogate without its partner: what Go would see as invalid UTF-8. */
function isBrokenSurrogate(s: string, i: number): boolean {
  const c = s.charCodeAt(i);
  if (c >= 0xd800 && c <= 0xdbff) {
    const n = s.charCodeAt(i + 1);
    return !(n >= 0xdc00 && n <= 0xdfff);
  }
  if (c >= 0xdc00 && c <= 0xdfff) {
    const p = s.charCodeAt(i - 1);
    return !(p >= 0xd800 && p <= 0xdbff);
  }
  return false;
}

/** Go's `%#U` of a code point, as Prometheus prints bad escape characters. */
function goRuneDescription(ch: string): string {
  if (ch === '') return 'U+FFFFFFFFFFFFFFFF';
  const cp = ch.codePointAt(0) ?? 0;
  const hex = cp.toString(16).toUpperCase().padStart(4, '0');
  return `U+${hex} '${ch}'`;
}

export class Lexer {
  private pos = 0;
  private start = 0;
  private parenDepth = 0;
  private braceOpen = false;
  private bracketOpen = false;
  private gotColon = false;
  private gotDuration = false;
  /** True from `[` until the first number or duration in it: Prometheus's duration-expression state. */
  private bracketExpr = false;
  private done = false;

  /** `seriesDesc` lexes promqltest series descriptions: no hex numbers, `x` may follow a number. */
  constructor(
    readonly input: string,
    private readonly seriesDesc = false
  ) {}

  next(): Token {
    if (this.done) return this.make('EOF', this.input.length, this.input.length);
    for (;;) {
      const t = this.braceOpen
        ? this.insideBraces()
        : this.bracketOpen && this.bracketExpr
          ? this.insideBrackets()
          : this.statement();
      if (t !== null) {
        if (t.kind === 'ERROR' || t.kind === 'EOF') this.done = true;
        return t;
      }
    }
  }

  private peekChar(offset = 0): string {
    return this.input.charAt(this.pos + offset);
  }

  private make(kind: TokenKind, start: number, end: number): Token {
    return { kind, text: this.input.slice(start, end), start, end };
  }

  private emit(kind: TokenKind): Token {
    const t = this.make(kind, this.start, this.pos);
    this.start = this.pos;
    return t;
  }

  private error(message: string): Token {
    return { kind: 'ERROR', text: message, start: this.start, end: this.input.length };
  }

  private skipSpaceAndComments(): void {
    const s = this.input;
    for (;;) {
      const c = s.charCodeAt(this.pos);
      if (c === 32 || c === 9 || c === 10 || c === 13) {
        this.pos++;
      } else if (c === 35 /* # */) {
        while (this.pos < s.length && s[this.pos] !== '\n' && s[this.pos] !== '\r') this.pos++;
      } else {
        break;
      }
    }
    this.start = this.pos;
  }

  private statement(): Token | null {
    this.skipSpaceAndComments();
    if (this.pos >= this.input.length) {
      if (this.parenDepth !== 0) return this.error('unclosed left parenthesis');
      if (this.bracketOpen) return this.error('unclosed left bracket');
      return this.emit('EOF');
    }
    const c = this.input[this.pos++];
    switch (c) {
      case ',':
        return this.emit('COMMA');
      case '*':
      case '/':
      case '%':
      case '+':
      case '-':
      case '^':
      case '@':
        return this.emit('OPERATOR');
      case '=': {
        const n = this.peekChar();
        if (n === '=') {
          this.pos++;
          return this.emit('OPERATOR');
        }
        if (n === '~') return this.error(`unexpected character after '=': ${goQuoteRune(n)}`);
        return this.emit('EQL');
      }
      case '!': {
        const n = this.peekChar();
        this.pos++;
        if (n !== '=') return this.error(`unexpected character after '!': ${goQuoteRune(n)}`);
        return this.emit('OPERATOR');
      }
      case '<':
      case '>':
        // `</` and `>/` are Prometheus 3's histogram trim operators; lexed whole so the parser can name them.
        if (this.peekChar() === '=' || this.peekChar() === '/') this.pos++;
        return this.emit('OPERATOR');
      case '"':
      case "'":
        return this.lexString(c);
      case '`':
        return this.lexRawString();
      case '(':
        this.parenDepth++;
        return this.emit('LEFT_PAREN');
      case ')':
        return this.closeParen();
      case '{':
        this.braceOpen = true;
        return this.emit('LEFT_BRACE');
      case '[':
        if (this.bracketOpen) return this.error(`unexpected left bracket ${goQuoteRune(c)}`);
        this.bracketOpen = true;
        this.bracketExpr = true;
        this.gotColon = false;
        this.gotDuration = false;
        return this.emit('LEFT_BRACKET');
      case ']':
        if (!this.bracketOpen) return this.error(`unexpected right bracket ${goQuoteRune(c)}`);
        this.bracketOpen = false;
        return this.emit('RIGHT_BRACKET');
    }
    if (isDigit(c) || (c === '.' && isDigit(this.peekChar()))) {
      this.pos--;
      return this.lexNumberOrDuration();
    }
    if ((isAlpha(c) || c === ':') && this.bracketOpen) return this.afterDurationInBrackets(c);
    if (isAlpha(c) || c === ':') {
      this.pos--;
      return this.lexKeywordOrIdentifier();
    }
    return this.error(`unexpected character: ${goQuoteRune(c)}`);
  }

  /** Words and colons after the first duration inside `[...]`, as Prometheus's lexer sees them. */
  private afterDurationInBrackets(c: string): Token {
    if (c === ':') {
      if (this.gotColon) return this.error(`unexpected colon ${goQuoteRune(c)}`);
      this.gotColon = true;
      return this.emit('COLON');
    }
    const keyword = this.durationKeyword();
    if (keyword !== null) return keyword;
    return this.error(`unexpected character: ${goQuoteRune(c)}, expected ':'`);
  }

  /** The function names of duration expressions; null (position unchanged) for other words. */
  private durationKeyword(): Token | null {
    let end = this.start;
    while (isAlpha(this.input.charAt(end))) end++;
    const word = this.input.slice(this.start, end).toLowerCase();
    if (!DURATION_KEYWORDS.has(word)) return null;
    this.pos = end;
    return this.emit('IDENTIFIER');
  }

  private closeParen(): Token {
    const t = this.emit('RIGHT_PAREN');
    this.parenDepth--;
    // Prometheus reports the stray parenthesis from just after it.
    if (this.parenDepth < 0) return this.error(`unexpected right parenthesis ${goQuoteRune(')')}`);
    return t;
  }

  private insideBraces(): Token | null {
    this.skipSpaceAndComments();
    if (this.pos >= this.input.length) return this.error('unexpected end of input inside braces');
    const c = this.input[this.pos++];
    switch (c) {
      case ',':
        return this.emit('COMMA');
      case '"':
      case "'":
        return this.lexString(c);
      case '`':
        return this.lexRawString();
      case '=':
        if (this.peekChar() === '~') {
          this.pos++;
          return this.emit('OPERATOR');
        }
        return this.emit('EQL');
      case '!': {
        const n = this.peekChar();
        this.pos++;
        if (n === '~' || n === '=') return this.emit('OPERATOR');
        return this.error(`unexpected character after '!' inside braces: ${goQuoteRune(n)}`);
      }
      case '{':
        return this.error(`unexpected left brace ${goQuoteRune(c)}`);
      case '}':
        this.braceOpen = false;
        return this.emit('RIGHT_BRACE');
    }
    if (isAlpha(c)) {
      this.pos = scanWord(this.input, this.pos, false);
      return this.emit('IDENTIFIER');
    }
    return this.error(`unexpected character inside braces: ${goQuoteRune(c)}`);
  }

  // Inside `[...]` Prometheus 3 lexes duration expressions; tokens are produced for them so the
  // parser can say precisely what it does not support.
  private insideBrackets(): Token | null {
    this.skipSpaceAndComments();
    if (this.pos >= this.input.length) return this.error('unexpected end of input in duration expression');
    const c = this.input[this.pos++];
    switch (c) {
      case ']':
        this.bracketOpen = false;
        this.gotColon = false;
        return this.emit('RIGHT_BRACKET');
      case ':': {
        const colon = this.emit('COLON');
        if (!this.gotDuration) return this.error('unexpected colon before duration in duration expression');
        if (this.gotColon) return this.error('unexpected repeated colon in duration expression');
        this.gotColon = true;
        return colon;
      }
      case '(':
        this.parenDepth++;
        return this.emit('LEFT_PAREN');
      case ')':
        return this.closeParen();
      case '+':
      case '-':
      case '*':
      case '/':
      case '%':
      case '^':
        return this.emit('OPERATOR');
      case ',':
        return this.emit('COMMA');
    }
    if (isDigit(c) || (c === '.' && isDigit(this.peekChar()))) {
      this.pos--;
      this.gotDuration = true;
      this.bracketExpr = false;
      return this.lexNumberOrDuration();
    }
    if (isAlpha(c)) {
      const keyword = this.durationKeyword();
      if (keyword !== null) return keyword;
    }
    return this.error(`unexpected character in duration expression: ${goQuoteRune(c)}`);
  }

  private lexKeywordOrIdentifier(): Token {
    this.pos = scanWord(this.input, this.pos, true);
    const word = this.input.slice(this.start, this.pos);
    const lower = word.toLowerCase();
    if (lower === 'inf' || lower === 'nan') return this.emit('NUMBER');
    if (AGGREGATOR_WORDS.has(lower)) return this.emit('AGGREGATOR');
    if (OPERATOR_WORDS.has(lower)) return this.emit('OPERATOR');
    if (KEYWORD_WORDS.has(lower)) return this.emit('KEYWORD');
    if (PREPROCESSOR_WORDS.has(lower)) return this.emit('PREPROCESSOR');
    return this.emit(word.includes(':') ? 'METRIC_IDENTIFIER' : 'IDENTIFIER');
  }

  private lexNumberOrDuration(): Token {
    if (this.scanNumber()) return this.emit('NUMBER');
    if (this.acceptRemainingDuration()) return this.emit('DURATION');
    return this.error(`bad number or duration syntax: ${JSON.stringify(this.input.slice(this.start, this.pos))}`);
  }

  private accept(valid: string): boolean {
    const c = this.peekChar();
    if (c !== '' && valid.includes(c)) {
      this.pos++;
      return true;
    }
    return false;
  }

  // Mirrors the shape Prometheus accepts: [0x][.]digits with single dots, exponents and
  // underscores, and nothing alphanumeric right after. Validity of the value is checked later.
  private scanNumber(): boolean {
    const initial = this.pos;
    let digits = '0123456789';
    if (!this.seriesDesc && this.peekChar() === '0' && (this.peekChar(1) === 'x' || this.peekChar(1) === 'X')) {
      this.pos += 2;
      this.accept('_');
      digits = '0123456789abcdefABCDEF';
    }
    this.accept('.');
    this.accept(digits);
    let dotSeen = false;
    let exponentSeen = false;
    for (;;) {
      const c = this.peekChar();
      if (c === '' || !(digits + '._eE').includes(c)) break;
      const isExponent = (c === 'e' || c === 'E') && digits.length === 10;
      if (c === '.') {
        if (dotSeen) {
          this.pos++;
          return false;
        }
        this.pos++;
        dotSeen = true;
        if (this.accept('_.')) return false;
        if (digits.length > 10) return false;
        continue;
      }
      if (isExponent) {
        if (exponentSeen) {
          this.pos++;
          return false;
        }
        this.pos++;
        exponentSeen = true;
        this.accept('+-');
        if (this.accept('._eE') || this.pos >= this.input.length) return false;
        continue;
      }
      if (c === '_') {
        this.pos++;
        if (this.accept('._eE') || this.pos >= this.input.length) return false;
        continue;
      }
      while (this.peekChar() !== '' && digits.includes(this.peekChar())) this.pos++;
    }
    if (this.pos === initial) return false;
    const after = this.peekChar();
    return (this.seriesDesc && after === 'x') || !isAlphaNumeric(after);
  }

  private acceptRemainingDuration(): boolean {
    if (!this.accept('smhdwy')) return false;
    this.accept('s');
    while (this.accept('0123456789')) {
      while (this.accept('0123456789'));
      if (!this.accept('smhdw')) return false;
      this.accept('s');
    }
    if (isAlphaNumeric(this.peekChar())) {
      this.pos++;
      return false;
    }
    return true;
  }

  private lexString(quote: string): Token {
    for (;;) {
      if (this.pos >= this.input.length) return this.error('unterminated quoted string');
      const c = this.input[this.pos++];
      if (c === '\n') return this.error('unterminated quoted string');
      if (c === quote) return this.emit('STRING');
      if (isBrokenSurrogate(this.input, this.pos - 1)) return this.error('invalid UTF-8 rune');
      if (c === '\\') {
        const err = this.scanEscape(quote);
        if (err !== null) return this.error(err);
      }
    }
  }

  private scanEscape(quote: string): string | null {
    if (this.pos >= this.input.length) return 'escape sequence not terminated';
    const cp = this.input.codePointAt(this.pos) ?? 0;
    const ch = String.fromCodePoint(cp);
    this.pos += ch.length;
    let count: number;
    let base: number;
    let max: number;
    let first: string;
    if ('abfnrtv\\'.includes(ch) || ch === quote) return null;
    if (ch >= '0' && ch <= '7') {
      [count, base, max, first] = [3, 8, 255, ch];
    } else if (ch === 'x' || ch === 'u' || ch === 'U') {
      [count, base, max] = ch === 'x' ? [2, 16, 255] : ch === 'u' ? [4, 16, 0x10ffff] : [8, 16, 0x10ffff];
      first = this.input.charAt(this.pos);
      if (first !== '') this.pos++;
    } else {
      return `unknown escape sequence ${goRuneDescription(ch)}`;
    }
    let value = 0;
    let c = first;
    for (let left = count; left > 0; left--) {
      const d = base === 8 ? (c >= '0' && c <= '7' ? c.charCodeAt(0) - 48 : 99) : isHexDigit(c) ? parseInt(c, 16) : 99;
      if (d >= base) {
        if (c === '') return 'escape sequence not terminated';
        return `illegal character ${goRuneDescription(c)} in escape sequence`;
      }
      value = value * base + d;
      if (left > 1) {
        c = this.input.charAt(this.pos);
        if (c !== '') this.pos++;
      }
    }
    if (value > max || (value >= 0xd800 && value < 0xe000)) return 'escape sequence is an invalid Unicode code point';
    return null;
  }

  private lexRawString(): Token {
    const close = this.input.indexOf('`', this.pos);
    if (close < 0) {
      this.pos = this.input.length;
      return this.error('unterminated raw string');
    }
    for (let i = this.pos; i < close; i++) {
      if (isBrokenSurrogate(this.input, i)) return this.error('invalid UTF-8 rune');
    }
    this.pos = close + 1;
    return this.emit('STRING');
  }
}
