import type { Expr } from './ast';
import { ParseError, parseExpr, parseMetricSelector } from './index';
import { stripPositions } from './testUtil';

function parseError(q: string, opts = {}): ParseError {
  try {
    parseExpr(q, opts);
  } catch (e) {
    if (e instanceof ParseError) return e;
    throw e;
  }
  throw new Error(`${q} parsed`);
}

/** The tree as nested strings, showing grouping without positions. */
function shape(e: Expr): string {
  switch (e.type) {
    case 'BinaryExpr':
      return `(${shape(e.lhs)} ${e.op} ${shape(e.rhs)})`;
    case 'UnaryExpr':
      return `(${e.op}${shape(e.expr)})`;
    case 'NumberLiteral':
      return String(e.val);
    case 'VectorSelector':
      return e.name;
    case 'ParenExpr':
      return `[${shape(e.expr)}]`;
    default:
      return e.type;
  }
}

describe('numbers', () => {
  test.each([
    ['1', 1],
    ['.5', 0.5],
    ['5.', 5],
    ['5e-3', 0.005],
    ['0xc', 12],
    ['0x_1F', 31],
    ['0755', 493],
    ['1_000', 1000],
    ['+5.5e-3', 0.0055],
    ['-0755', -493],
    ['Inf', Infinity],
    ['-inf', -Infinity],
    ['1m', 60],
    ['1h30m', 5400],
    ['250ms', 0.25],
  ])('%s', (q, v) => {
    const e = parseExpr(q);
    expect(e.type).toBe('NumberLiteral');
    expect(e.type === 'NumberLiteral' && e.val).toBe(v);
    expect(e.pos).toEqual({ start: 0, end: q.length });
  });

  test('NaN', () => {
    const e = parseExpr('NaN');
    expect(e.type === 'NumberLiteral' && Number.isNaN(e.val)).toBe(true);
  });

  test.each([
    ['.', "1:1: parse error: unexpected character: '.'"],
    ['2.5.', '1:1: parse error: bad number or duration syntax: "2.5."'],
    ['100..4', '1:1: parse error: bad number or duration syntax: "100.."'],
    ['0deadbeef', '1:1: parse error: bad number or duration syntax: "0de"'],
    ['1e400', '1:1: parse error: error parsing number: strconv.ParseFloat: parsing "1e400": value out of range'],
    ['5mm', '1:1: parse error: bad number or duration syntax: "5mm"'],
    ['1.5m', '1:1: parse error: unknown unit "." in duration "1.5m"'],
  ])('%s fails', (q, msg) => {
    expect(parseError(q).message).toBe(msg);
  });
});

describe('precedence and associativity', () => {
  test.each([
    ['1 + 2 * 3', '(1 + (2 * 3))'],
    ['1 * 2 + 3', '((1 * 2) + 3)'],
    ['2 ^ 3 ^ 2', '(2 ^ (3 ^ 2))'],
    ['1 - 2 - 3', '((1 - 2) - 3)'],
    ['-1^2', '(-(1 ^ 2))'],
    ['-1*2', '(-1 * 2)'],
    ['-1^-2', '(-(1 ^ -2))'],
    ['+1 + -2 * 1', '(1 + (-2 * 1))'],
    ['-a * b', '((-a) * b)'],
    ['-a ^ b', '(-(a ^ b))'],
    ['a ^ -b * c', '((a ^ (-b)) * c)'],
    ['foo + bar or bla and blub', '((foo + bar) or (bla and blub))'],
    ['foo and bar unless baz or qux', '(((foo and bar) unless baz) or qux)'],
    ['a == bool b + c', '(a == (b + c))'],
    ['a atan2 b * c', '((a atan2 b) * c)'],
    ['a % b / c', '((a % b) / c)'],
    ['1 < bool 2 - 1 * 2', '(1 < (2 - (1 * 2)))'],
  ])('%s', (q, expected) => {
    expect(shape(parseExpr(q))).toBe(expected);
  });
});

describe('selectors', () => {
  test('a selector with a name and matchers', () => {
    const e = parseExpr('foo{a="b", c!="d", e=~"f.*", g!~"h",}');
    expect(e.type).toBe('VectorSelector');
    if (e.type !== 'VectorSelector') return;
    expect(e.name).toBe('foo');
    expect(e.matchers.map(String)).toEqual(['a="b"', 'c!="d"', 'e=~"f.*"', 'g!~"h"', '__name__="foo"']);
    expect(e.pos).toEqual({ start: 0, end: 37 });
  });

  test('keywords can be metric names', () => {
    for (const name of ['offset', 'by', 'without', 'sum', 'start', 'end', 'step', 'anchored', 'and']) {
      const e = parseExpr(`${name}{job="x"}`);
      expect(e.type === 'VectorSelector' && e.name).toBe(name);
    }
    expect(shape(parseExpr('foo * sum'))).toBe('(foo * sum)');
  });

  test('quoted UTF-8 names', () => {
    const e = parseExpr('{"my.metric", "a.b"="c", \'x\'=`y`}');
    expect(e.type === 'VectorSelector' && e.matchers.map(String)).toEqual([
      '__name__="my.metric"',
      '"a.b"="c"',
      'x="y"',
    ]);
  });

  test('string escapes', () => {
    const e = parseExpr(`"\\a\\b\\f\\n\\r\\t\\v\\\\\\"\\101\\x41\\u00e9\\U0001F600"`);
    expect(e.type === 'StringLiteral' && e.val).toBe('\x07\b\f\n\r\t\v\\"AAé😀');
    const bytes = parseExpr('"a\\xc5z"');
    expect(bytes.type === 'StringLiteral' && bytes.val).toBe('a\udcc5z');
    const utf8 = parseExpr('"\\xc3\\xa9"');
    expect(utf8.type === 'StringLiteral' && utf8.val).toBe('é');
  });

  test('range, offset and @ modifiers', () => {
    const e = parseExpr('foo[5m] offset -1m @ 1.5');
    expect(stripPositions(e)).toMatchObject({
      type: 'MatrixSelector',
      range: 300000,
      vectorSelector: { offset: -60000, timestamp: 1500 },
    });
    expect(e.pos).toEqual({ start: 0, end: 24 });
    const n = parseExpr('foo[90] offset 1.5');
    expect(stripPositions(n)).toMatchObject({ range: 90000, vectorSelector: { offset: 1500 } });
    const se = parseExpr('foo @ end()');
    expect(stripPositions(se)).toMatchObject({ type: 'VectorSelector', startOrEnd: 'end', timestamp: null });
    expect(se.pos).toEqual({ start: 0, end: 11 });
  });

  test('constant duration expressions are folded', () => {
    const folded = (q: string): unknown => stripPositions(parseExpr(q));
    expect(folded('foo[2m*(10+5)]')).toMatchObject({ range: 1800000 });
    expect(folded('foo[24m+((1.5*2m)+2m)]')).toMatchObject({ range: 1740000 });
    expect(folded('foo[1h30m % 1h]')).toMatchObject({ range: 1800000 });
    expect(folded('foo[-5m+35m]')).toMatchObject({ range: 1800000 });
    expect(folded('foo[max_of(5s, 1m)]')).toMatchObject({ range: 60000 });
    expect(folded('foo[29s+1s:20*500ms] offset -(20*(((((8 - 2) / 3) * 7s) % 4) + 8000ms))')).toMatchObject({
      range: 30000,
      step: 10000,
      offset: -200000,
    });
    expect(folded('foo offset (100 + 2)')).toMatchObject({ offset: 102000 });
    expect(folded('foo offset (-2 ^ 2)')).toMatchObject({ offset: -4000 });
    expect(folded('foo offset min(3s, 1m)')).toMatchObject({ offset: 3000 });
    expect(folded('foo offset +5m')).toMatchObject({ offset: 300000 });
    // Outside parentheses only the literal belongs to the offset.
    expect(folded('foo offset 100 + 2')).toMatchObject({
      type: 'BinaryExpr',
      lhs: { offset: 100000 },
      rhs: { val: 2 },
    });
    expect(folded('foo offset -2 ^ 2')).toMatchObject({ type: 'BinaryExpr', op: '^', lhs: { offset: -2000 } });
  });

  test('subqueries', () => {
    const e = parseExpr('rate(foo[1m])[5m:30s] offset 1m @ start()');
    expect(stripPositions(e)).toMatchObject({
      type: 'SubqueryExpr',
      range: 300000,
      step: 30000,
      offset: 60000,
      startOrEnd: 'start',
    });
    expect(e.pos).toEqual({ start: 0, end: 41 });
    expect(stripPositions(parseExpr('foo[5m:]'))).toMatchObject({ step: 0 });
  });

  test.each([
    ['{}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['{a=~".*"}', '1:1: parse error: vector selector must contain at least one non-empty matcher'],
    ['foo{__name__="bar"}', '1:1: parse error: metric name must not be set twice: "foo" or "bar"'],
    ['some_metric{a=b}', '1:15: parse error: unexpected identifier "b" in label matching, expected string'],
    ['some_metric{a:b="b"}', "1:14: parse error: unexpected character inside braces: ':'"],
    ['foo{,}', '1:5: parse error: unexpected "," in label matching, expected identifier or "}"'],
    ['foo{a="b" c="d"}', '1:11: parse error: unexpected identifier "c" in label matching, expected "," or "}"'],
    ['foo{a}', '1:6: parse error: unexpected "}" in label matching, expected label matching operator'],
    ['foo{', '1:5: parse error: unexpected end of input inside braces'],
    ['foo{a="b"', '1:10: parse error: unexpected end of input inside braces'],
    ['foo{a=~"("}', '1:5: parse error: error parsing regexp'],
    ['foo[5m', '1:7: parse error: unclosed left bracket'],
    ['foo{bar="baz"}[', '1:16: parse error: unexpected end of input in duration expression'],
    ['foo[5s x 5s]', "1:8: parse error: unexpected character: 'x', expected ':'"],
    ['foo["5m"]', `1:5: parse error: unexpected character in duration expression: '"'`],
    ['foo[5m1]', '1:5: parse error: bad number or duration syntax: "5m1"'],
    ['foo[5y1hs]', '1:5: parse error: unknown unit "hs" in duration "5y1hs"'],
    ['foo[5m1h]', '1:5: parse error: not a valid duration string: "5m1h"'],
    ['foo[0m]', '1:5: parse error: duration must be greater than 0'],
    ['foo[-1]', '1:5: parse error: duration must be greater than 0'],
    ['foo[9.5e10]', '1:5: parse error: duration out of range'],
    ['foo offset 9.5e10', '1:12: parse error: duration out of range'],
    [
      'foo[]',
      '1:5: parse error: unexpected "]" in subquery or range selector, expected number, duration, step(), or range()',
    ],
    ['foo[5m 1m]', '1:8: parse error: unexpected duration "1m" in subquery or range, expected ":" or "]"'],
    ['foo[step()]', '1:5: parse error: function "step" is not enabled'],
    ['foo[5s/0d]', '1:7: parse error: division by zero'],
    ['foo[5s%0d]', '1:7: parse error: modulo by zero'],
    ['foo offset (4d/0)', '1:15: parse error: division by zero'],
    ['foo[-2^2]', '1:5: parse error: duration must be greater than 0'],
    ['foo[max(1m)]', '1:11: parse error: unexpected ")" in subquery or range selector, expected ","'],
    ['(foo)[5m]', '1:6: parse error: ranges only allowed for vector selectors'],
    ['foo offset 5m [5m]', '1:15: parse error: no offset modifiers allowed before range'],
    ['foo @ 1 [5m]', '1:9: parse error: no @ modifiers allowed before range'],
    [
      '1 offset 1d',
      '1:1: parse error: offset modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    ],
    ['foo offset 1s offset 2s', '1:1: parse error: offset may not be set multiple times'],
    [
      'foo offset bar',
      '1:12: parse error: unexpected identifier "bar" in offset, expected number, duration, step(), or range()',
    ],
    [
      'some_metric[5m] OFFSET',
      '1:23: parse error: unexpected end of input in offset, expected number, duration, step(), or range()',
    ],
    ['foo @ bar', '1:7: parse error: unexpected identifier "bar" in @, expected timestamp'],
    ['foo @ Inf', '1:1: parse error: timestamp out of bounds for @ modifier: +Inf'],
    ['foo @ 1 @ 2', '1:1: parse error: @ <timestamp> may not be set multiple times'],
    [
      'sum(foo) @ 1',
      '1:1: parse error: @ modifier must be preceded by an instant vector selector or range vector selector or a subquery',
    ],
    ['"\\q"', "1:1: parse error: unknown escape sequence U+0071 'q'"],
    ['"abc', '1:1: parse error: unterminated quoted string'],
    ['`abc', '1:1: parse error: unterminated raw string'],
    ['"\\xZ1"', "1:1: parse error: illegal character U+005A 'Z' in escape sequence"],
    ['"\\uD800"', '1:1: parse error: escape sequence is an invalid Unicode code point'],
  ])('%s fails', (q, msg) => {
    expect(parseError(q).message.startsWith(msg)).toBe(true);
  });
});

describe('operators and modifiers', () => {
  test('vector matching', () => {
    const e = parseExpr('bar + on(foo) bla / on(baz, buz) group_right(test) blub');
    expect(stripPositions(e)).toMatchObject({
      op: '+',
      vectorMatching: { card: 'one-to-one', matchingLabels: ['foo'], on: true, include: [] },
      rhs: {
        op: '/',
        vectorMatching: { card: 'one-to-many', matchingLabels: ['baz', 'buz'], on: true, include: ['test'] },
      },
    });
    expect(stripPositions(parseExpr('foo and ignoring(a) bar'))).toMatchObject({
      vectorMatching: { card: 'many-to-many', on: false, matchingLabels: ['a'] },
    });
    expect(stripPositions(parseExpr('foo * on(a) group_left bar'))).toMatchObject({
      vectorMatching: { card: 'many-to-one', include: [] },
    });
    expect(stripPositions(parseExpr('foo * 2'))).toMatchObject({ vectorMatching: null });
    expect(stripPositions(parseExpr('foo > bool 2'))).toMatchObject({ returnBool: true });
  });

  test.each([
    ['1+', '1:3: parse error: unexpected end of input'],
    ['', '1:1: parse error: no expression found in input'],
    ['# just a comment\n\n', '1:1: parse error: no expression found in input'],
    ['*1', '1:1: parse error: unexpected <op:*>'],
    ['@@', '1:1: parse error: unexpected <op:@>'],
    ['(1))', "1:5: parse error: unexpected right parenthesis ')'"],
    ['((1)', '1:5: parse error: unclosed left parenthesis'],
    ['1 !~ 1', "1:3: parse error: unexpected character after '!': '~'"],
    ['1 =~ 1', "1:3: parse error: unexpected character after '=': '~'"],
    ['a - on(b) ignoring(c) d', '1:11: parse error: unexpected <ignoring>'],
    ['1 and 1', '1:1: parse error: set operator "and" not allowed in binary scalar expression'],
    ['foo or 1', '1:1: parse error: set operator "or" not allowed in binary scalar expression'],
    ['1 == 1', '1:3: parse error: comparisons between scalars must use BOOL modifier'],
    ['foo + bool bar', '1:5: parse error: bool modifier can only be used on comparison operators'],
    ['foo == on(bar) 10', '1:1: parse error: vector matching only allowed between instant vectors'],
    ['foo and on(bar) group_left(baz) bar', '1:1: parse error: no grouping allowed for "and" operation'],
    ['foo * on(a) group_left(a) bar', '1:5: parse error: label "a" must not occur in ON and GROUP clause at once'],
    [
      '-"string"',
      '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "string"',
    ],
    [
      '-test[5m]',
      '1:1: parse error: unary expression only allowed on expressions of type scalar or instant vector, got "range vector"',
    ],
    ['foo[5m] + 1', '1:1: parse error: binary expression must contain only scalar and instant vector types'],
    ['"a"[5m:]', '1:1: parse error: subquery is only allowed on instant vector, got string instead'],
    ['foo bar', '1:5: parse error: unexpected identifier "bar"'],
    ['a == on() bool b', '1:11: parse error: unexpected <bool>'],
    ['h >/ 0.5', '1:3: parse error: the native histogram trim operator >/ is not supported'],
    ['h </ 0.5', '1:3: parse error: the native histogram trim operator </ is not supported'],
    ['a + fill(0) b', '1:5: parse error: binop fill modifiers are experimental and not enabled'],
    ['a + on(x) fill_left(1) b', '1:11: parse error: binop fill modifiers are experimental and not enabled'],
    ['rate(foo[5m] anchored)', '1:6: parse error: anchored modifier is experimental and not enabled'],
    ['foo smoothed', '1:1: parse error: smoothed modifier is experimental and not enabled'],
  ])('%s fails', (q, msg) => {
    expect(parseError(q).message).toBe(msg);
  });

  test('multi-line positions count lines and UTF-8 bytes', () => {
    expect(parseError('foo +\n  bar ++').message).toBe('2:9: parse error: unexpected end of input');
    expect(parseError('{a="é"} +').message).toBe('1:11: parse error: unexpected end of input');
  });
});

describe('functions and aggregations', () => {
  test('aggregation modifiers before or after the arguments', () => {
    const before = stripPositions(parseExpr('sum by (a, b) (foo)'));
    const after = stripPositions(parseExpr('sum(foo) by (a, b,)'));
    expect(after).toEqual(before);
    expect(before).toMatchObject({
      type: 'AggregateExpr',
      op: 'sum',
      grouping: ['a', 'b'],
      without: false,
      param: null,
    });
    expect(stripPositions(parseExpr('count_values without (x) ("v", foo)'))).toMatchObject({
      without: true,
      param: { val: 'v' },
    });
    expect(stripPositions(parseExpr('sum by (sum, by, on, bool, "a.b") (x)'))).toMatchObject({
      grouping: ['sum', 'by', 'on', 'bool', 'a.b'],
    });
    expect(parseExpr('sum(x) by (a)').pos).toEqual({ start: 0, end: 13 });
  });

  test('parameterised and experimental aggregations', () => {
    expect(stripPositions(parseExpr('topk(5, x)'))).toMatchObject({ op: 'topk', param: { val: 5 } });
    expect(stripPositions(parseExpr('limitk(2, x)', { enableExperimentalFunctions: true }))).toMatchObject({
      op: 'limitk',
    });
    expect(stripPositions(parseExpr('limit_ratio(0.5, x)', { enableExperimentalFunctions: true }))).toMatchObject({
      op: 'limit_ratio',
    });
  });

  test('calls and their types', () => {
    const e = parseExpr('label_join(up, "a", ",", "b", "c", "d")');
    expect(e.type === 'Call' && e.args.length).toBe(6);
    expect(e.pos).toEqual({ start: 0, end: 39 });
    expect(parseExpr('hour()').type).toBe('Call');
    expect(parseExpr('round(x, 5)').type).toBe('Call');
  });

  test.each([
    [
      'rate(some_metric)',
      '1:6: parse error: expected type range vector in call to function "rate", got instant vector',
    ],
    ['floor()', '1:1: parse error: expected 1 argument(s) in call to "floor", got 0'],
    ['label_join(x, "a")', '1:1: parse error: expected at least 3 argument(s) in call to "label_join", got 2'],
    ['hour(x, y)', '1:1: parse error: expected at most 1 argument(s) in call to "hour", got 2'],
    ['constructor(x)', '1:1: parse error: unknown function with name "constructor"'],
    ['non_existent_function_far_bar()', '1:1: parse error: unknown function with name "non_existent_function_far_bar"'],
    ['mad_over_time(x[5m])', '1:1: parse error: function "mad_over_time" is not enabled'],
    [
      'limitk(1, x)',
      '1:1: parse error: limitk() is experimental and must be enabled with --enable-feature=promql-experimental-functions',
    ],
    ['rate(x[5m],)', '1:11: parse error: trailing commas not allowed in function call args'],
    ['sum(1)', '1:5: parse error: expected type instant vector in aggregation expression, got scalar'],
    [
      'topk(some_metric)',
      '1:1: parse error: wrong number of arguments for aggregate expression provided, expected 2, got 1',
    ],
    ['topk(x, y)', '1:6: parse error: expected type scalar in aggregation parameter, got instant vector'],
    ['count_values(1, x)', '1:14: parse error: expected type string in aggregation parameter, got scalar'],
    ['sum()', '1:1: parse error: no arguments for aggregate expression provided'],
    ['sum by (a) foo', '1:12: parse error: unexpected identifier "foo" in aggregation'],
    ['sum(x) by', '1:10: parse error: unexpected end of input in grouping opts, expected "("'],
    ['sum by (a b) (x)', '1:11: parse error: unexpected identifier "b" in grouping opts, expected "," or ")"'],
    ['sum by (1) (x)', '1:9: parse error: unexpected number "1" in grouping opts, expected label'],
    ['sum by (a:b) (x)', '1:9: parse error: unexpected metric identifier "a:b" in grouping opts, expected label'],
    ['sum by (a) (x) by (b)', '1:16: parse error: unexpected <by>'],
  ])('%s fails', (q, msg) => {
    expect(parseError(q).message).toBe(msg);
  });
});

describe('parseMetricSelector', () => {
  test('parses selectors without the non-empty check', () => {
    expect(parseMetricSelector('up').map(String)).toEqual(['__name__="up"']);
    expect(parseMetricSelector('{job="x"}').map(String)).toEqual(['job="x"']);
    expect(parseMetricSelector('{job=~".*"}').map(String)).toEqual(['job=~".*"']);
  });

  test('rejects anything but a selector', () => {
    expect(() => parseMetricSelector('up + 1')).toThrow('1:4: parse error: unexpected <op:+>');
    expect(() => parseMetricSelector('rate(x[5m])')).toThrow(ParseError);
  });
});

describe('duration precision', () => {
  it('keeps millisecond literals exact where float seconds would truncate', () => {
    const range = (q: string) => {
      const e = parseExpr(q);
      return e.type === 'MatrixSelector' ? e.range : NaN;
    };
    expect(range('m[1001ms]')).toBe(1001);
    expect(range('m[1003ms]')).toBe(1003);
    expect(range('m[2002ms]')).toBe(2002);
    expect(range('m[1s+1ms]')).toBe(1001);
    expect(range('m[(2s3ms)]')).toBe(2003);
    const off = parseExpr('m offset -1003ms');
    expect(off.type === 'VectorSelector' && off.offset).toBe(-1003);
  });
});
