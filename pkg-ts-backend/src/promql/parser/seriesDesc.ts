// Series descriptions of promqltest files: `metric{l="v"} 1 2+3x4 _ _x2 stale -Inf`.
// The labels are lexed like PromQL; the values follow Prometheus's expanding notation.
import { Label, Labels, labelsFromPairs, METRIC_NAME } from '../../model/labels';
import { STALE_NAN } from '../../model/value';
import { Lexer, Token, TokenKind } from './lexer';
import { parseNumberLiteral } from './numbers';
import { ParseError } from './parseError';
import { describeToken } from './parser';
import { unquotePromQLString } from './quote';

export type SeriesDescValue = { omitted: true } | { omitted: false; value: number };

export interface SeriesDesc {
  labels: Labels;
  values: SeriesDescValue[];
}

const NUMBER = String.raw`(?:[iI][nN][fF]|[nN][aA][nN]|(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9][0-9_]*)(?:[eE][+-]?[0-9]+)?)`;
const VALUE_ITEM = new RegExp(`^([+-]?${NUMBER})(?:([+-])(${NUMBER}))?(?:x([0-9]+))?$`);
const BLANK_ITEM = /^_(?:x([0-9]+))?$/;

class SeriesDescParser {
  private readonly lexer: Lexer;
  private tok: Token;

  constructor(private readonly input: string) {
    this.lexer = new Lexer(input, true);
    this.tok = this.lexer.next();
  }

  fail(reason: string, start: number, end = this.input.length): never {
    throw new ParseError(reason, { start, end }, this.input);
  }

  /** The current token's kind (a method, so checks after advance() are not narrowed away). */
  private kind(): TokenKind {
    return this.tok.kind;
  }

  private advance(): Token {
    const t = this.tok;
    if (t.kind === 'ERROR') this.fail(t.text, t.start);
    this.tok = this.lexer.next();
    return t;
  }

  private unexpected(context: string, expected: string): never {
    if (this.tok.kind === 'ERROR') this.fail(this.tok.text, this.tok.start);
    this.fail(
      `unexpected ${describeToken(this.tok)} in ${context}, expected ${expected}`,
      this.tok.start,
      this.tok.end
    );
  }

  private unquote(t: Token): string {
    try {
      return unquotePromQLString(t.text);
    } catch (e) {
      return this.fail(`error unquoting string ${JSON.stringify(t.text)}: ${(e as Error).message}`, t.start, t.end);
    }
  }

  /** Parses `name{...}`, `{...}` or `name`; returns the labels and where the values start. */
  parseMetric(): { labels: Labels; valuesStart: number } {
    const pairs: Label[] = [];
    let name: string | null = null;
    let valuesStart = 0;
    if (this.kind() !== 'LEFT_BRACE') {
      if (
        !['IDENTIFIER', 'METRIC_IDENTIFIER', 'AGGREGATOR', 'KEYWORD', 'OPERATOR', 'PREPROCESSOR'].includes(
          this.kind()
        ) ||
        !/^[a-zA-Z_:]/.test(this.tok.text)
      ) {
        this.unexpected('series description', 'metric name or "{"');
      }
      const nameTok = this.advance();
      name = nameTok.text;
      valuesStart = nameTok.end;
    }
    // `name {{...}}` starts the values with a histogram; only a brace right after the name opens labels.
    if (this.kind() === 'LEFT_BRACE' && (name === null || this.tok.start === valuesStart)) {
      this.advance();
      while (this.kind() !== 'RIGHT_BRACE') {
        const nameTok = this.tok;
        if (nameTok.kind !== 'IDENTIFIER' && nameTok.kind !== 'STRING')
          this.unexpected('label set', 'identifier or "}"');
        this.advance();
        const labelName = nameTok.kind === 'STRING' ? this.unquote(nameTok) : nameTok.text;
        if (nameTok.kind === 'STRING' && (this.kind() === 'COMMA' || this.kind() === 'RIGHT_BRACE')) {
          pairs.push({ name: METRIC_NAME, value: labelName });
        } else {
          if (this.kind() !== 'EQL') this.unexpected('label set', nameTok.kind === 'STRING' ? '"," or "}"' : '"="');
          this.advance();
          if (this.kind() !== 'STRING') this.unexpected('label set', 'string');
          pairs.push({ name: labelName, value: this.unquote(this.advance()) });
        }
        if (this.kind() === 'COMMA') this.advance();
        else if (this.kind() !== 'RIGHT_BRACE') this.unexpected('label set', '"," or "}"');
      }
      // Values begin right after the closing brace; they are not lexed as PromQL.
      valuesStart = this.tok.end;
    }
    if (name !== null) pairs.push({ name: METRIC_NAME, value: name });
    return { labels: labelsFromPairs(pairs), valuesStart };
  }

  parseValues(from: number): SeriesDescValue[] {
    const values: SeriesDescValue[] = [];
    const re = /\S+/g;
    re.lastIndex = from;
    const rest = this.input;
    let m: RegExpExecArray | null;
    while ((m = re.exec(rest)) !== null) {
      const item = m[0];
      const at = m.index;
      if (item.startsWith('{{')) {
        this.fail('native histogram sample values ({{...}}) are not supported', at, at + item.length);
      }
      if (item === 'stale') {
        values.push({ omitted: false, value: STALE_NAN });
        continue;
      }
      const blank = BLANK_ITEM.exec(item);
      if (blank) {
        const n = blank[1] === undefined ? 1 : this.repetitions(blank[1], at);
        for (let i = 0; i < n; i++) values.push({ omitted: true });
        continue;
      }
      const v = VALUE_ITEM.exec(item);
      if (!v)
        this.fail(
          `bad series value ${JSON.stringify(item)}: expected a number, "_", "stale" or an expanding notation like 1+2x3`,
          at,
          at + item.length
        );
      const [, first, sign, increment, times] = v;
      if (sign !== undefined && times === undefined) {
        this.fail(
          `bad series value ${JSON.stringify(item)}: an increment needs a repetition count (e.g. 1+2x3)`,
          at,
          at + item.length
        );
      }
      let current = this.number(first, at);
      if (times === undefined) {
        values.push({ omitted: false, value: current });
        continue;
      }
      const step = sign === undefined ? 0 : sign === '-' ? -this.number(increment, at) : this.number(increment, at);
      const n = this.repetitions(times, at);
      for (let i = 0; i <= n; i++) {
        values.push({ omitted: false, value: current });
        if (sign !== undefined) current += step;
      }
    }
    return values;
  }

  private number(text: string, at: number): number {
    const sign = text.startsWith('-') ? -1 : 1;
    const body = text.startsWith('-') || text.startsWith('+') ? text.slice(1) : text;
    try {
      return sign * parseNumberLiteral(body);
    } catch (e) {
      return this.fail(`error parsing number: ${(e as Error).message}`, at);
    }
  }

  private repetitions(text: string, at: number): number {
    const n = Number(text);
    if (!Number.isSafeInteger(n)) this.fail(`invalid repetition in series values: ${text}`, at);
    return n;
  }
}

/** Parses one promqltest series line. Native histogram values raise a ParseError naming them. */
export function parseSeriesDesc(input: string): SeriesDesc {
  const p = new SeriesDescParser(input);
  const { labels, valuesStart } = p.parseMetric();
  return { labels, values: p.parseValues(valuesStart) };
}
