// Less common corners of both formats, through the streaming cursor and the column parse.
import { labelsToRecord } from '../model/labels';
import { createParser, Entry, parseExposition } from './index';

const TEXT = 'text/plain; version=0.0.4';
const OM = 'application/openmetrics-text; version=1.0.0';

describe('text format corners', () => {
  test('# EOF is only a comment; HELP without text; colons in names; trailing comma', () => {
    const p = parseExposition('# HELP a\n# EOF\nrule:rate:5m{a="b",} 1\n', TEXT);
    expect(p.metadata.get('a')?.help).toBe('');
    expect(labelsToRecord(p.labels[0])).toEqual({ __name__: 'rule:rate:5m', a: 'b' });
  });

  test('label values may hold braces, commas, hashes and equals signs; empty values are kept by the parser', () => {
    const p = parseExposition('m{a="}{,#=",b=""} 1\n', TEXT);
    expect(labelsToRecord(p.labels[0])).toEqual({ __name__: 'm', a: '}{,#=', b: '' });
  });

  test('negative timestamps and large integers', () => {
    const p = parseExposition('a 12345678901234567890 -1000\nb -0 0\n', TEXT);
    expect(p.values[0]).toBe(Number('12345678901234567890'));
    expect(p.timestamps[0]).toBe(-1000);
    expect(Object.is(p.values[1], -0)).toBe(true);
    expect(p.timestamps[1]).toBe(0);
  });

  test('a carriage return is not whitespace', () => {
    expect(() => parseExposition('a 1\r\n', TEXT)).toThrow('strconv.ParseFloat: parsing "1\\r": invalid syntax');
  });

  test('the cursor: series keys are the exposed text, metadata entries carry their family', () => {
    const { parser } = createParser('# TYPE x counter\nx_total{b="2", a="1"} 3 7\n# just a comment\n', TEXT);
    expect(parser.next()).toBe(Entry.Type);
    expect(parser.metadataName()).toBe('x');
    expect(parser.next()).toBe(Entry.Series);
    expect(parser.series()).toBe('x_total{b="2", a="1"}');
    expect(parser.metricName()).toBe('x_total');
    expect(parser.labels().map((l) => l.name)).toEqual(['__name__', 'a', 'b']);
    expect(parser.value()).toBe(3);
    expect(parser.timestamp()).toBe(7);
    expect(parser.exemplar()).toBeUndefined();
    expect(parser.next()).toBe(Entry.Comment);
    expect(parser.next()).toBe(Entry.End);
  });

  test('summary quantiles normalise only inside their family', () => {
    const p = parseExposition('# TYPE s summary\ns{quantile="1"} 2\ns_count 1\nt{quantile="1"} 3\n', TEXT);
    expect(labelsToRecord(p.labels[0]).quantile).toBe('1.0');
    expect(labelsToRecord(p.labels[2]).quantile).toBe('1');
  });
});

describe('OpenMetrics corners', () => {
  test('info, stateset and unknown types; empty UNIT; quoted names', () => {
    const body = [
      '# TYPE build info',
      'build_info{version="1"} 1',
      '# TYPE state stateset',
      'state{state="a"} 1',
      '# TYPE "my.metric" unknown',
      '# UNIT "my.metric" ',
      '{"my.metric",x="y"} 5',
      '# EOF',
      '',
    ].join('\n');
    const p = parseExposition(body, OM);
    expect(p.metadata.get('build')?.type).toBe('info');
    expect(p.metadata.get('state')?.type).toBe('stateset');
    expect(p.metadata.get('my.metric')).toEqual({ type: 'unknown', help: '', unit: '' });
    expect(labelsToRecord(p.labels[2])).toEqual({ __name__: 'my.metric', x: 'y' });
  });

  test('exemplar on a histogram bucket with the sample timestamp; seconds timestamps truncate to ms', () => {
    const p = parseExposition(
      '# TYPE h histogram\nh_bucket{le="1"} 2 123.4567 # {id="a"} 0.5 123.4\nh_count 2\nh_sum 1e0\n# EOF\n',
      OM
    );
    expect(p.timestamps[0]).toBe(123456);
    expect(p.exemplars.get(0)).toEqual({ labels: [{ name: 'id', value: 'a' }], value: 0.5, timestamp: 123400 });
    expect(p.values[2]).toBe(1);
  });

  test.each([
    ['a{b="c"}1\n# EOF\n', 'expected value after metric'],
    ['a{b="c" } 1\n# EOF\n', 'expected comma or brace close'],
    ['# EOF\n# EOF\n', 'unexpected data after # EOF'],
    ['# HELP a\n# EOF\n', 'expected text in HELP'],
    ['a 1 # {x="y"} 1\n# EOF\n', 'metric name a does not support exemplars'],
    ['a_total 1 #{x="y"} 1\n# EOF\n', 'expected exemplar labels'],
  ])('rejects %j', (body, message) => {
    expect(() => parseExposition(body, OM)).toThrow(message);
  });
});
