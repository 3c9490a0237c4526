// Series hints: a hinted series is taken without scanning its labels, and must read exactly as a scan would.
import { labelsToRecord } from '../model/labels';
import { createParser, Entry, ExpositionParser } from './index';

const TEXT = 'text/plain; version=0.0.4';
const OM = 'application/openmetrics-text; version=1.0.0';

/** Each series entry as [series, hit, labels, value], hinting `hints[i]` before the i-th call to next(). */
function readWithHints(body: string, contentType: string, hints: string[]) {
  const p: ExpositionParser = createParser(body, contentType).parser;
  const out: [string, boolean, Record<string, string>, number][] = [];
  for (let i = 0; ; i++) {
    p.hintNextSeries(hints[i] ?? '');
    const e = p.next();
    if (e === Entry.End) return out;
    if (e === Entry.Series) out.push([p.series(), p.seriesIsHint(), labelsToRecord(p.labels()), p.value()]);
  }
}

describe('series hints', () => {
  test('a matching hint gives the same series, labels and value as a scan', () => {
    const body = 'a{x="1",y="2"} 1\nb 2\n{"c.d",z="3"} 3\n';
    const scanned = readWithHints(body, TEXT, []);
    const hinted = readWithHints(body, TEXT, ['a{x="1",y="2"}', 'b', '{"c.d",z="3"}']);
    expect(hinted.map((s) => s[1])).toEqual([true, true, true]);
    expect(hinted.map(([s, , l, v]) => [s, l, v])).toEqual(scanned.map(([s, , l, v]) => [s, l, v]));
  });

  test('a bare-name hint does not match a longer name or the same name with a label set', () => {
    const hinted = readWithHints('ab 1\na {x="1"} 2\na{x="1"} 3\n', TEXT, ['a', 'a', 'a']);
    expect(hinted.map(([s, hit, l]) => [s, hit, l])).toEqual([
      ['ab', false, { __name__: 'ab' }],
      ['a {x="1"}', false, { __name__: 'a', x: '1' }],
      ['a{x="1"}', false, { __name__: 'a', x: '1' }],
    ]);
  });

  test('a hint differing anywhere in the label set does not match', () => {
    const hinted = readWithHints('a{x="1",y="2"} 1\na{x="2"} 2\n', TEXT, ['a{x="1"}', 'a{x="1"}']);
    expect(hinted).toEqual([
      ['a{x="1",y="2"}', false, { __name__: 'a', x: '1', y: '2' }, 1],
      ['a{x="2"}', false, { __name__: 'a', x: '2' }, 2],
    ]);
  });

  test('OpenMetrics: hints keep exemplars, le normalisation and _created detection working', () => {
    const body = [
      '# TYPE h histogram',
      'h_bucket{le="1"} 1 # {trace="t"} 0.5',
      'h_bucket{le="+Inf"} 2',
      'h_count 2',
      'h_sum 1',
      'h_created 7',
      '# EOF',
      '',
    ].join('\n');
    const hints = ['', 'h_bucket{le="1"}', 'h_bucket{le="+Inf"}', 'h_count', 'h_sum', 'h_created'];
    const scan = createParser(body, OM, { skipCreatedSeries: true }).parser;
    const hinted = createParser(body, OM, { skipCreatedSeries: true }).parser;
    for (let i = 0; ; i++) {
      hinted.hintNextSeries(hints[i] ?? '');
      const a = scan.next();
      expect(hinted.next()).toBe(a);
      if (a === Entry.End) break;
      if (a !== Entry.Series) continue;
      expect(hinted.seriesIsHint()).toBe(true);
      expect(hinted.labels()).toEqual(scan.labels());
      expect(hinted.exemplar()).toEqual(scan.exemplar());
      expect(hinted.value()).toBe(scan.value());
    }
  });

  test('errors after a hinted series are reported as without a hint', () => {
    expect(() => readWithHints('a{x="1"} 1x\n', TEXT, ['a{x="1"}'])).toThrow(
      'strconv.ParseFloat: parsing "1x": invalid syntax while parsing: "a{x=\\"1\\"} 1x"'
    );
  });
});
