// Expected strings are what Prometheus (promtool test rules) renders for the same templates.
import { labelsFromRecord } from '../../model/labels';
import type { Sample } from '../../promql/value';
import { checkAlertTemplate, expandAlertTemplate } from './index';

const series: Sample[] = [
  { metric: labelsFromRecord({ __name__: 'm', job: 'j2', instance: 'i:1' }), t: 0, v: 1234.5 },
  { metric: labelsFromRecord({ __name__: 'm', job: 'j1', instance: 'i:2' }), t: 0, v: 77 },
];

async function render(text: string, value = 1234.5, labels: Record<string, string> = { __name__: 'm', job: 'j2', instance: 'i:1' }): Promise<string> {
  return expandAlertTemplate(
    'T',
    text,
    { labels: labelsFromRecord(labels), externalLabels: labelsFromRecord({ cluster: 'c1' }), externalUrl: 'http://ex.com/prom', value },
    { ts: 0, externalUrl: 'http://ex.com/prom', query: async (q) => (q === 'm' ? series : []) }
  );
}

const cases: Array<[string, string]> = [
  ['{{ humanize 1234567.0 }}|{{ humanize 0.001234 }}|{{ humanize 0 }}|{{ humanize 999.99 }}|{{ humanize -1500 }}|{{ humanize "12345" }}', '1.235M|1.234m|0|1000|-1.5k|12.35k'],
  ['{{ humanize1024 1024.0 }}|{{ humanize1024 1048576.0 }}|{{ humanize1024 0.5 }}|{{ humanize1024 1500.0 }}', '1ki|1Mi|0.5|1.465ki'],
  [
    '{{ humanizeDuration 3661.0 }}|{{ humanizeDuration 899.99 }}|{{ humanizeDuration 0.0012 }}|{{ humanizeDuration 0 }}|{{ humanizeDuration 90061.5 }}|{{ humanizeDuration 1.5 }}|{{ humanizeDuration -61.0 }}',
    '1h 1m 1s|14m 59s|1.2ms|0s|1d 1h 1m 1s|1.5s|-1m 1s',
  ],
  ['{{ humanizePercentage 0.1234 }}|{{ humanizePercentage 1.0 }}|{{ humanizePercentage 0.000012 }}', '12.34%|100%|0.0012%'],
  ['{{ humanizeTimestamp 1435065584.128 }}|{{ humanizeTimestamp 0 }}', '2015-06-23 13:19:44.128 +0000 UTC|1970-01-01 00:00:00 +0000 UTC'],
  [
    '{{ $value }}|{{ printf "%.2f" $value }}|{{ printf "%d" $value }}|{{ printf "%s-%v-%q" "x" 1.5 "y" }}|{{ printf "%5.1f|%-6s|%03d" 3.14159 "ab" 7 }}',
    '1234.5|1234.50|%!d(float64=1234.5)|x-1.5-"y"|  3.1|ab    |007',
  ],
  ['{{ $labels.job }}|{{ $labels.missing }}|{{ .Labels.instance }}|{{ $externalLabels.cluster }}|{{ $externalURL }}', 'j2||i:1|c1|http://ex.com/prom'],
  ['{{ title "hello world-foo" }}|{{ toUpper "abc" }}|{{ toLower "ABC" }}|{{ reReplaceAll "(a+)b" "X$1Y" "aab cab" }}|{{ match "^a.c$" "abc" }}', 'Hello World-Foo|ABC|abc|X cX|true'],
  [
    '{{ range $i, $e := query "m" }}{{ $i }}:{{ $e.Labels.job }}={{ $e.Value }};{{ end }}|{{ with query "m" }}{{ . | first | value | humanize }}{{ end }}|{{ query "m" | first | label "job" }}',
    '0:j2=1234.5;1:j1=77;|1.234k|j2',
  ],
  [
    '{{- " a " -}}   {{/* c */}}  |{{ len "héllo" }}|{{ index $labels "job" }}|{{ 1e6 }}|{{ 100000.0 }}|{{ 0.00001 }}|{{ 1.0 }}|{{ 3 }}|{{ eq 1 1 }}|{{ and 1 0 }}|{{ or 0 "" "z" }}',
    ' a   |6|j2|1e+06|100000|1e-05|1|3|true|0|z',
  ],
  [
    '{{ printf "%v %v %v" 1e21 123456789.0 -0.0000123 }}|{{ printf "%g %e %G" 1234567.0 1234.5678 1e-7 }}|{{ printf "%x %X %t %%" 255 "hi" true }}|{{ printf "%s" 1 }}|{{ printf "%d" }}|{{ printf "%d" 1 2 }}',
    '1e+21 1.23456789e+08 -1.23e-05|1.234567e+06 1.234568e+03 1E-07|ff 6869 true %|%!s(int=1)|%!d(MISSING)|1%!(EXTRA int=2)',
  ],
  [
    '{{ $labels }}|{{ stripPort "host:9090" }}|{{ stripDomain "foo.bar.com:9090" }}|{{ graphLink "up == 0" }}|{{ tableLink "a{b=\\"c\\"}" }}',
    'map[__name__:m instance:i:1 job:j2]|host|foo:9090|/graph?g0.expr=up+%3D%3D+0&g0.tab=0|/graph?g0.expr=a%7Bb%3D%22c%22%7D&g0.tab=1',
  ],
  ['{{ humanize 1e30 }}|{{ humanize 1e-30 }}|{{ humanize1024 -2048 }}|{{ humanizeDuration 86400 }}|{{ humanizeDuration 0.5 }}', '1e+06Y|1e-06y|-2ki|1d 0h 0m 0s|500ms'],
];

describe('alert templates render as Prometheus renders them', () => {
  test.each(cases)('%s', async (text, want) => {
    expect(await render(text)).toBe(want);
  });

  test('if/else on the value', async () => {
    const t = '{{ if gt $value 1000.0 }}high{{ else }}low{{ end }}';
    expect(await render(t, 1234.5)).toBe('high');
    expect(await render(t, 77)).toBe('low');
  });

  test('else if chains and range else', async () => {
    const t = '{{ if lt $value 10.0 }}a{{ else if lt $value 100.0 }}b{{ else }}c{{ end }}';
    expect(await render(t, 5)).toBe('a');
    expect(await render(t, 50)).toBe('b');
    expect(await render(t, 500)).toBe('c');
    expect(await render('{{ range query "none" }}x{{ else }}empty{{ end }}')).toBe('empty');
    expect(await render('{{ range $k, $v := $labels }}{{ $k }}={{ $v }},{{ end }}')).toBe('__name__=m,instance=i:1,job=j2,');
    expect(await render('{{ $x := 1 }}{{ if true }}{{ $x = 2 }}{{ end }}{{ $x }}')).toBe('2');
  });

  test('text without actions passes through unchanged', async () => {
    expect(await render('plain {text}')).toBe('plain {text}');
  });
});

describe('more renderings checked against promtool test rules', () => {
  const tiny: Sample[] = [
    { metric: labelsFromRecord({ __name__: 'm', job: 'j2', instance: 'i:1' }), t: 0, v: 0.000123 },
    { metric: labelsFromRecord({ __name__: 'm', job: 'j1', instance: 'i:2' }), t: 0, v: 77 },
  ];
  async function renderTiny(text: string): Promise<string> {
    return expandAlertTemplate(
      'T',
      text,
      { labels: tiny[0].metric, externalLabels: [], externalUrl: 'http://ex.com/prom/', value: 0.000123 },
      { ts: 0, externalUrl: 'http://ex.com/prom/', query: async (q) => (q === 'm' ? tiny : []) }
    );
  }
  const err = (col: number, ctx: string, msg: string): string =>
    `<error expanding template: error executing template __alert_T: template: __alert_T:1:${col}: executing "__alert_T" at <${ctx}>: ${msg}>`;
  test.each([
    ['{{ template "x" }}', err(124, '{{template "x"}}', 'template "x" not defined')],
    ['{{ $labels.job.y }}', err(122, '$labels.job.y', "can't evaluate field y in type string")],
    ['{{ "a" "b" }}', err(115, '"a"', 'can\'t give argument to non-function "a"')],
    ['{{ humanize 1 2 }}', err(115, 'humanize', 'wrong number of args for humanize: want 1 got 2')],
    ['{{ range $i, $x := query "m" }}{{ if eq $i 1 }}{{ break }}{{ end }}{{ $x.Labels.job }}{{ end }}', 'j2'],
    [
      '{{ with $labels.nope }}yes{{ else }}{{ with $labels.job }}job={{ . }}{{ end }}{{ end }}|{{ index (query "m") 0 | value }}|{{ len (query "m") }}|{{ html "<a&b>" }}|{{ urlquery "a b&c" }}|{{ js "it\'s" }}',
      "job=j2|0.000123|2|&lt;a&amp;b&gt;|a+b%26c|it\\'s",
    ],
    ['{{ toTime 1435065584.128 }}|{{ parseDuration "1h30m" }}|{{ "x" | printf "%s-%s" "y" }}|{{ print 1 2 "a" "b" 3.5 }}|{{ println "a" 1 }}', '2015-06-23 13:19:44.128 +0000 UTC|5400|y-x|1 2ab3.5|a 1\n'],
    ['{{ index $labels "nope" }}|{{ not 0 }}|{{ and 1 2 }}|{{ ne "a" "b" }}|{{ lt 1.5 2.5 }}|{{ le "a" "b" }}|{{ eq "a" "b" "a" }}', '|true|2|true|true|true|true'],
    ['{{ $v := 3 }}{{ if true }}{{ $v := 4 }}{{ $v }}{{ end }}{{ $v }}|{{ range $i, $e := "abc" }}{{ end }}', err(196, '"abc"', "range can't iterate over abc")],
    ['{{ printf "%5.2f%%" 12.3456 }}|{{ printf "%-8v|" "ab" }}|{{ printf "%08.3f" -3.14159 }}|{{ printf "%+.1e" 12345.678 }}|{{ printf "%T" 1 }}', '12.35%|ab      ||-003.142|+1.2e+04|int'],
    ['{{ humanizeDuration "3661" }}|{{ humanize "1e3" }}|{{ humanize "inf" }}|{{ humanize1024 "NaN" }}|{{ humanizePercentage "0.5" }}|{{ humanizeTimestamp "1435065584" }}', '1h 1m 1s|1k|+Inf|NaN|50%|2015-06-23 13:19:44 +0000 UTC'],
    ['{{ title "ünïcode wörds" }}|{{ toUpper "straße" }}|{{ reReplaceAll "(?P<x>a)" "[${x}]" "banana" }}|{{ reReplaceAll "a" "$$" "aa" }}|{{ match "b+" "abbc" }}', 'Ünïcode Wörds|STRAßE|b[a]n[a]n[a]|$$|true'],
    ['{{ stripDomain "1.2.3.4:80" }}|{{ stripDomain "host.example.com" }}|{{ stripPort "[::1]:9090" }}|{{ stripPort "nohost" }}', '1.2.3.4:80|host|::1|nohost'],
    ['{{ .Value }}|{{ .ExternalURL }}|{{ $value | printf "%v" }}|{{ 1.0 | printf "%v" }}|{{ -0.0 }}|{{ 1e100 }}|{{ 123456789012345678.0 }}', '0.000123|http://ex.com/prom/|0.000123|1|-0|1e+100|1.2345678901234568e+17'],
  ])('%s', async (text, want) => {
    expect(await renderTiny(text)).toBe(want);
  });
});

describe('template errors become the value, with Go positions and contexts', () => {
  const prefix = '<error expanding template: error executing template __alert_T: template: __alert_T:1:115: executing "__alert_T" at ';
  test.each([
    ['{{ humanize "abc" }}', '<humanize "abc">: error calling humanize: strconv.ParseFloat: parsing "abc": invalid syntax>'],
    ['{{ eq $value 1 }}', '<eq $value 1>: error calling eq: incompatible types for comparison>'],
    [
      '{{ .Foo }}',
      "<.Foo>: can't evaluate field Foo in type struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }>",
    ],
    ['{{ first (query "nonexistent") }}', '<first (query "nonexistent")>: error calling first: first() called on vector with no elements>'],
  ])('%s', async (text, suffix) => {
    expect(await render(text)).toBe(prefix + suffix);
  });

  test('parse errors name the template and line', async () => {
    expect(await render('{{ nosuchfunc 1 }}')).toBe('<error expanding template: error parsing template __alert_T: template: __alert_T:1: function "nosuchfunc" not defined>');
    expect(checkAlertTemplate('T', '{{ if }}')).toMatch(/^template: __alert_T:1: /);
    expect(checkAlertTemplate('T', '{{ $labels.x }}')).toBeNull();
    expect(checkAlertTemplate('T', '{{ if true }}x')).toMatch(/unexpected EOF/);
    // Messages as promtool check rules prints them for the same templates.
    const goParseErrors: Array<[string, string]> = [
      ['{{ end }}', 'unexpected {{end}}'],
      ['{{ $undefined }}', 'undefined variable "$undefined"'],
      ['{{ "unterminated }}', 'unterminated quoted string'],
      ['{{ else }}', 'unexpected {{else}}'],
      ['{{ range }}{{ end }}', 'missing value for range'],
      ['{{ ( }}', 'unclosed left paren'],
      ['{{ 1x }}', 'bad number syntax: "1x"'],
      ['{{ break }}', '{{break}} outside {{range}}'],
      ['{{ if true }}{{ else }}{{ else }}{{ end }}', 'expected end; found {{else}}'],
      ['{{/* unclosed }}', 'unclosed comment'],
      ['x {{ .Labels', 'unclosed action'],
      ['{{ $x := }}', 'missing value for command'],
    ];
    for (const [text, msg] of goParseErrors) expect(checkAlertTemplate('A', text)).toBe(`template: __alert_A:1: ${msg}`);
  });
});
