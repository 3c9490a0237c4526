// State and label-set scanning shared by the Prometheus text and OpenMetrics parsers. Both keep
// offsets into the body while scanning and build strings only when an accessor asks for them.
import { Label, Labels, METRIC_NAME } from '../model/labels';
import { NORMAL_NAN } from '../model/value';
import {
  CH_BACKSLASH,
  CH_COMMA,
  CH_EQUAL,
  CH_LBRACE,
  CH_LF,
  CH_QUOTE,
  CH_RBRACE,
  CH_SPACE,
  CH_TAB,
  floatErrorMessage,
  formatOpenMetricsFloat,
  isLabelNameChar,
  isLabelNameStart,
  isMetricNameChar,
  parseFloatToken,
  quote,
  unescapeLabelValue,
} from './scan';
import { EntryKind, Exemplar, ExpositionFormat, ExpositionParser, MetricType, ParseError } from './types';

function byName(a: Label, b: Label): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

function tokenName(c: number): string {
  if (Number.isNaN(c)) return 'EOF';
  if (c === CH_LF) return 'LINEBREAK';
  return 'INVALID';
}

export abstract class TextParserBase implements ExpositionParser {
  abstract readonly format: ExpositionFormat;
  protected pos = 0;
  /** Where the current entry began (for error messages and the series text). */
  protected entryStart = 0;
  protected seriesEnd = 0;
  /** [nameStart, nameEnd, (labelNameStart, labelNameEnd, valueStart, valueEnd)*]; -1 while unknown. */
  protected offsets: number[] = [];
  /** Set when the series matched the hint unscanned: `offsets` are filled on first use. */
  private offsetsPending = false;
  private seriesHint = '';
  private hintMatched = false;
  protected sampleValue = 0;
  protected sampleTimestamp = NaN;
  protected exemplarOffsets: number[] = [];
  protected hasExemplar = false;
  protected exemplarValue = 0;
  protected exemplarTimestamp = NaN;
  protected metaName = '';
  protected metaType: MetricType = 'unknown';
  protected metaText = '';
  /** The family the last TYPE line declared; it decides `le`/`quantile` normalisation and `_created` skipping. */
  protected familyName = '';
  protected familyType: MetricType = 'unknown';

  constructor(
    protected readonly src: string,
    /** False when the body had invalid UTF-8 (decoded to U+FFFD): label values are then checked. */
    protected readonly validUtf8: boolean
  ) {}

  abstract next(): EntryKind;

  /**
   * Scans the name and label set of a sample starting at `start` into `offsets`, leaving `pos` at
   * the end of the series text; fails on malformed input.
   */
  protected abstract scanSeries(start: number): void;

  /** Whether blanks may separate a metric name from its `{` (the text format allows them). */
  protected abstract readonly blanksBeforeBrace: boolean;

  series(): string {
    return this.src.slice(this.entryStart, this.seriesEnd);
  }

  hintNextSeries(series: string): void {
    this.seriesHint = series;
  }

  seriesIsHint(): boolean {
    return this.hintMatched;
  }

  /**
   * Reads the series starting at `start`: when it is exactly the hint (text this parser format
   * accepted before), scanning the same characters again would reach the same end, so the label
   * set is left unscanned until an accessor needs it.
   */
  protected readSeries(start: number): void {
    const hint = this.seriesHint;
    this.hintMatched = hint !== '' && this.validUtf8 && this.startsWithSeries(hint, start);
    if (this.hintMatched) {
      this.pos = start + hint.length;
      this.offsetsPending = true;
    } else {
      this.offsetsPending = false;
      this.scanSeries(start);
    }
    this.seriesEnd = this.pos;
  }

  /** Whether the series at `start` is exactly `hint` (a label set, or a bare name not followed by one). */
  private startsWithSeries(hint: string, start: number): boolean {
    const src = this.src;
    // A slice compared with === is a memory comparison; startsWith walks the characters one by one.
    if (src.slice(start, start + hint.length) !== hint) return false;
    if (hint.charCodeAt(hint.length - 1) === CH_RBRACE) return true;
    let i = start + hint.length;
    if (isMetricNameChar(src.charCodeAt(i))) return false;
    if (this.blanksBeforeBrace) i = blanksEnd(src, i);
    return src.charCodeAt(i) !== CH_LBRACE;
  }

  protected ensureOffsets(): void {
    if (!this.offsetsPending) return;
    const pos = this.pos;
    this.scanSeries(this.entryStart);
    this.pos = pos;
    this.offsetsPending = false;
  }

  metricName(): string {
    this.ensureOffsets();
    const o = this.offsets;
    return unescapeLabelValue(this.src, o[0], o[1]);
  }

  labels(): Labels {
    const name = this.metricName();
    const src = this.src;
    const o = this.offsets;
    const out: Label[] = [{ name: METRIC_NAME, value: name }];
    const normalise = this.normalisedLabel(name);
    for (let i = 2; i < o.length; i += 4) {
      const labelName = unescapeLabelValue(src, o[i], o[i + 1]);
      let value = unescapeLabelValue(src, o[i + 2], o[i + 3]);
      if (labelName === normalise) value = normaliseFloatLabel(value);
      out.push({ name: labelName, value });
    }
    return out.sort(byName);
  }

  value(): number {
    return this.sampleValue;
  }

  timestamp(): number {
    return this.sampleTimestamp;
  }

  exemplar(): Exemplar | undefined {
    if (!this.hasExemplar) return undefined;
    const src = this.src;
    const o = this.exemplarOffsets;
    const labels: Label[] = [];
    for (let i = 0; i < o.length; i += 4)
      labels.push({ name: src.slice(o[i], o[i + 1]), value: unescapeLabelValue(src, o[i + 2], o[i + 3]) });
    const ex: Exemplar = { labels: labels.sort(byName), value: this.exemplarValue };
    if (!Number.isNaN(this.exemplarTimestamp)) ex.timestamp = this.exemplarTimestamp;
    return ex;
  }

  metadataName(): string {
    return this.metaName;
  }

  metricType(): MetricType {
    return this.metaType;
  }

  help(): string {
    return this.metaText;
  }

  unit(): string {
    return this.metaText;
  }

  /** Which label's value Prometheus 3 normalises for this sample: `le` of histogram buckets, `quantile` of summaries. */
  private normalisedLabel(metricName: string): string | undefined {
    const t = this.familyType;
    if ((t === 'histogram' || t === 'gaugehistogram') && metricName === this.familyName + '_bucket') return 'le';
    if (t === 'summary' && metricName === this.familyName) return 'quantile';
    return undefined;
  }

  /** Records a TYPE/HELP line's family so later samples know which family they belong to. */
  protected noteFamily(name: string, type?: MetricType): void {
    if (type !== undefined) {
      this.familyName = name;
      this.familyType = type;
    } else if (name !== this.familyName) {
      this.familyName = name;
      this.familyType = 'unknown';
    }
  }

  protected charAt(i: number): number {
    return i < this.src.length ? this.src.charCodeAt(i) : NaN;
  }

  protected skipBlanks(): void {
    const src = this.src;
    let i = this.pos;
    let c: number;
    while ((c = src.charCodeAt(i)) === CH_SPACE || c === CH_TAB) i++;
    this.pos = i;
  }

  protected fail(message: string): never {
    throw new ParseError(message);
  }

  /** Prometheus's `<expected>, got "<text>" ("<TOKEN>") while parsing: "<line so far>"`. */
  protected failAt(expected: string, at = this.pos): never {
    const c = this.charAt(at);
    const got = Number.isNaN(c) ? '' : this.src[at];
    const soFar = this.src.slice(this.entryStart, Math.min(this.src.length, at + 1));
    throw new ParseError(`${expected}, got ${quote(got)} (${quote(tokenName(c))}) while parsing: ${quote(soFar)}`);
  }

  /** Reads the float token [start, end) or fails with Prometheus's message. */
  protected readFloat(start: number, end: number): number {
    const v = parseFloatToken(this.src, start, end);
    if (v === undefined)
      this.fail(
        `${floatErrorMessage(this.src.slice(start, end))} while parsing: ${quote(this.src.slice(this.entryStart, end))}`
      );
    return Number.isNaN(v) ? NORMAL_NAN : v;
  }

  /** Scans a quoted string starting at the opening quote; returns the offset just past the closing quote. */
  protected scanQuoted(start: number): number {
    const src = this.src;
    const n = src.length;
    let i = start + 1;
    while (i < n) {
      const c = src.charCodeAt(i);
      if (c === CH_QUOTE) return i + 1;
      if (c === CH_BACKSLASH) i += 2;
      else if (c === CH_LF) break;
      else i++;
    }
    return this.failAt('expected label value', Math.min(i, n));
  }

  /**
   * Scans a `{...}` label set whose `{` is at this.pos - 1, appending offsets to `out`.
   * `strict` is OpenMetrics (no blanks, a comma or `}` after every value); `exemplar`
   * forbids the quoted metric name form.
   */
  protected scanLabelSet(out: number[], strict: boolean, exemplar: boolean): void {
    // Works on a local index (written back to this.pos on exit): this runs for every label.
    const src = this.src;
    const n = src.length;
    let i = this.pos;
    for (;;) {
      if (!strict) i = blanksEnd(src, i);
      let c = src.charCodeAt(i);
      if (c === CH_RBRACE) {
        this.pos = i + 1;
        return;
      }
      let nameStart: number;
      let nameEnd: number;
      let quoted = false;
      if (isLabelNameStart(c)) {
        nameStart = i;
        i++;
        while (i < n && isLabelNameChar(src.charCodeAt(i))) i++;
        nameEnd = i;
      } else if (c === CH_QUOTE) {
        const after = this.scanQuoted(i);
        nameStart = i + 1;
        nameEnd = after - 1;
        i = after;
        quoted = true;
      } else {
        return this.failAt('expected label name', i);
      }
      if (!strict) i = blanksEnd(src, i);
      c = src.charCodeAt(i);
      if (quoted && (c === CH_COMMA || c === CH_RBRACE)) {
        // A lone quoted string is the metric name (the UTF-8 form `{"my.metric", a="b"}`).
        if (exemplar) return this.failAt('expected label name', i);
        if (out[0] !== -1)
          this.fail(`metric name already set while parsing: ${quote(src.slice(this.entryStart, i + 1))}`);
        out[0] = nameStart;
        out[1] = nameEnd;
        i++;
        if (c === CH_RBRACE) {
          this.pos = i;
          return;
        }
        continue;
      }
      if (c !== CH_EQUAL) return this.failAt('expected equal', i);
      i++;
      if (!strict) i = blanksEnd(src, i);
      if (src.charCodeAt(i) !== CH_QUOTE) return this.failAt('expected label value', i);
      const after = this.scanQuoted(i);
      if (!this.validUtf8 && src.slice(i + 1, after - 1).includes('\ufffd')) {
        this.fail(`invalid UTF-8 label value: ${quote(src.slice(i + 1, after - 1))}`);
      }
      out.push(nameStart, nameEnd, i + 1, after - 1);
      i = strict ? after : blanksEnd(src, after);
      c = src.charCodeAt(i);
      if (c === CH_COMMA) i++;
      else if (strict && c !== CH_RBRACE) return this.failAt('expected comma or brace close', i);
    }
  }
}

function blanksEnd(src: string, i: number): number {
  let c: number;
  while ((c = src.charCodeAt(i)) === CH_SPACE || c === CH_TAB) i++;
  return i;
}

function normaliseFloatLabel(value: string): string {
  const v = parseFloatToken(value, 0, value.length);
  return v === undefined ? value : formatOpenMetricsFloat(v);
}
