// The Prometheus text format (0.0.4, and 1.0.0's quoted UTF-8 names): lenient about blanks,
// `#` lines other than HELP/TYPE are comments, timestamps are integer milliseconds.
import { TextParserBase } from './base';
import {
  CH_HASH,
  CH_LBRACE,
  CH_LF,
  CH_MINUS,
  CH_QUOTE,
  CH_SPACE,
  CH_TAB,
  isDigit,
  isMetricNameChar,
  isMetricNameStart,
  quote,
  unescapeHelp,
  unescapeLabelValue,
} from './scan';
import { Entry, EntryKind, MetricType } from './types';

const TEXT_TYPES: Record<string, MetricType> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  summary: 'summary',
  untyped: 'unknown',
};

function isBlank(c: number): boolean {
  return c === CH_SPACE || c === CH_TAB;
}

export class PromTextParser extends TextParserBase {
  readonly format = 'prometheus-text' as const;
  protected readonly blanksBeforeBrace = true;

  next(): EntryKind {
    const src = this.src;
    const n = src.length;
    for (;;) {
      this.hasExemplar = false;
      this.skipBlanks();
      const i = this.pos;
      this.entryStart = i;
      if (i >= n) return Entry.End;
      const c = src.charCodeAt(i);
      if (c === CH_LF) {
        this.pos = i + 1;
        continue;
      }
      if (c === CH_HASH) return this.readHashLine();
      if (!isMetricNameStart(c) && c !== CH_LBRACE) return this.failAt('expected a valid start token', i);
      this.readSeries(i);
      this.readSampleSuffix();
      return Entry.Series;
    }
  }

  protected scanSeries(i: number): void {
    const src = this.src;
    const n = src.length;
    const o = this.offsets;
    o.length = 0;
    if (src.charCodeAt(i) === CH_LBRACE) {
      o.push(-1, -1);
      this.pos = i + 1;
      this.scanLabelSet(o, false, false);
    } else {
      let j = i + 1;
      while (j < n && isMetricNameChar(src.charCodeAt(j))) j++;
      o.push(i, j);
      this.pos = j;
      this.skipBlanks();
      if (this.charAt(this.pos) === CH_LBRACE) {
        this.pos++;
        this.scanLabelSet(o, false, false);
      } else {
        this.pos = j;
      }
    }
    if (o[0] === -1) this.fail(`metric name not set while parsing: ${quote(src.slice(i, this.pos))}`);
  }

  private readSampleSuffix(): void {
    const src = this.src;
    const n = src.length;
    let i = this.pos;
    if (!isBlank(this.charAt(i))) return this.failAt('expected value after metric', i);
    this.skipBlanks();
    i = this.pos;
    let j = i;
    let c: number;
    while (j < n && (c = src.charCodeAt(j)) !== CH_LF && c !== CH_SPACE && c !== CH_TAB) j++;
    if (j === i) return this.failAt('expected value after metric', i);
    this.sampleValue = this.readFloat(i, j);
    this.pos = j;
    this.skipBlanks();
    i = this.pos;
    c = this.charAt(i);
    this.sampleTimestamp = NaN;
    if (c === CH_LF) {
      this.pos = i + 1;
      return;
    }
    if (Number.isNaN(c)) return this.failAt('expected timestamp or new record', i);
    j = i;
    if (c === CH_MINUS) j++;
    const digitsStart = j;
    while (j < n && isDigit(src.charCodeAt(j))) j++;
    if (j === digitsStart || (j < n && !isBlank((c = src.charCodeAt(j))) && c !== CH_LF))
      return this.failAt('expected timestamp or new record', i);
    this.sampleTimestamp = Number(src.slice(i, j));
    this.pos = j;
    this.skipBlanks();
    if (this.charAt(this.pos) !== CH_LF) return this.failAt('expected next entry after timestamp', this.pos);
    this.pos++;
  }

  /** `# HELP name text`, `# TYPE name type`, or any other comment. */
  private readHashLine(): EntryKind {
    const src = this.src;
    const n = src.length;
    this.pos++;
    this.skipBlanks();
    let i = this.pos;
    const isHelp = src.startsWith('HELP', i);
    const isType = !isHelp && src.startsWith('TYPE', i);
    const afterKeyword = this.charAt(i + 4);
    if ((isHelp || isType) && (isBlank(afterKeyword) || afterKeyword === CH_LF || Number.isNaN(afterKeyword))) {
      const keyword = isHelp ? 'HELP' : 'TYPE';
      this.pos = i + 4;
      this.skipBlanks();
      i = this.pos;
      let name: string;
      const c = this.charAt(i);
      if (isMetricNameStart(c)) {
        let j = i + 1;
        while (j < n && isMetricNameChar(src.charCodeAt(j))) j++;
        name = src.slice(i, j);
        i = j;
      } else if (c === CH_QUOTE) {
        const after = this.scanQuoted(i);
        name = unescapeLabelValue(src, i + 1, after - 1);
        i = after;
      } else {
        return this.failAt(`expected metric name after ${keyword}`, i);
      }
      let text = '';
      const after = this.charAt(i);
      if (isBlank(after)) {
        let end = src.indexOf('\n', i);
        if (end < 0) end = n;
        text = src.slice(i + 1, end);
        i = end;
      } else if (after !== CH_LF) {
        this.fail(`expected text in ${keyword}`);
      }
      if (this.charAt(i) !== CH_LF) return this.failAt('linebreak expected after metadata', i);
      this.pos = i + 1;
      this.metaName = name;
      if (isType) {
        const t = Object.prototype.hasOwnProperty.call(TEXT_TYPES, text) ? TEXT_TYPES[text] : undefined;
        if (t === undefined) this.fail(`invalid metric type ${quote(text)}`);
        this.metaType = t;
        this.noteFamily(name, t);
        return Entry.Type;
      }
      this.metaText = unescapeHelp(text, false);
      this.noteFamily(name);
      return Entry.Help;
    }
    const end = src.indexOf('\n', i);
    if (end < 0) return this.failAt('linebreak expected after comment', n);
    this.metaText = src.slice(i, end);
    this.pos = end + 1;
    return Entry.Comment;
  }
}
