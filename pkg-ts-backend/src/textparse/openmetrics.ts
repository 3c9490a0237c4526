// OpenMetrics 1.0 text: single spaces between tokens, no blank or free comment lines, timestamps
// in (float) seconds, optional exemplars after ` # `, and a mandatory final `# EOF`.
import { TextParserBase } from './base';
import {
  CH_HASH,
  CH_LBRACE,
  CH_LF,
  CH_QUOTE,
  CH_SPACE,
  isMetricNameChar,
  isMetricNameStart,
  quote,
  unescapeHelp,
  unescapeLabelValue,
} from './scan';
import { Entry, EntryKind, MetricType } from './types';

const OM_TYPES: Record<string, MetricType> = {
  counter: 'counter',
  gauge: 'gauge',
  histogram: 'histogram',
  gaugehistogram: 'gaugehistogram',
  summary: 'summary',
  info: 'info',
  stateset: 'stateset',
  unknown: 'unknown',
};

/** Families whose `<name>_created` sample is a creation time rather than a series of its own. */
const CREATED_FAMILIES: ReadonlySet<MetricType> = new Set<MetricType>([
  'counter',
  'histogram',
  'gaugehistogram',
  'summary',
]);

const NO_EOF = 'data does not end with # EOF';

export interface OpenMetricsOptions {
  /** Drop `<family>_created` samples (Prometheus does when it ingests created timestamps instead). */
  skipCreatedSeries?: boolean;
}

export class OpenMetricsParser extends TextParserBase {
  readonly format = 'openmetrics' as const;
  protected readonly blanksBeforeBrace = false;
  private done = false;

  constructor(
    src: string,
    validUtf8: boolean,
    private readonly options: OpenMetricsOptions = {}
  ) {
    super(src, validUtf8);
  }

  next(): EntryKind {
    const src = this.src;
    const n = src.length;
    for (;;) {
      if (this.done) return Entry.End;
      this.hasExemplar = false;
      const i = this.pos;
      this.entryStart = i;
      if (i >= n) this.fail(NO_EOF);
      const c = src.charCodeAt(i);
      if (c === CH_HASH) {
        if (src.startsWith('# EOF', i) && (i + 5 === n || src.charCodeAt(i + 5) === CH_LF)) {
          if (i + 5 < n - 1) this.fail('unexpected data after # EOF');
          this.done = true;
          this.pos = n;
          return Entry.End;
        }
        const kind = src.startsWith('# HELP ', i)
          ? Entry.Help
          : src.startsWith('# TYPE ', i)
            ? Entry.Type
            : src.startsWith('# UNIT ', i)
              ? Entry.Unit
              : undefined;
        if (kind === undefined) return this.failAt('expected a valid start token', i);
        return this.readMetadata(kind, i + 7);
      }
      if (!isMetricNameStart(c) && c !== CH_LBRACE) return this.failAt('expected a valid start token', i);
      this.readSeries(i);
      this.readSampleSuffix();
      if (this.options.skipCreatedSeries && this.isCreatedSample()) continue;
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
      this.scanLabelSet(o, true, false);
    } else {
      let j = i + 1;
      while (j < n && isMetricNameChar(src.charCodeAt(j))) j++;
      o.push(i, j);
      this.pos = j;
      if (this.charAt(j) === CH_LBRACE) {
        this.pos = j + 1;
        this.scanLabelSet(o, true, false);
      }
    }
    if (o[0] === -1) this.fail(`metric name not set while parsing: ${quote(src.slice(i, this.pos))}`);
  }

  private isCreatedSample(): boolean {
    if (!CREATED_FAMILIES.has(this.familyType)) return false;
    this.ensureOffsets();
    const start = this.offsets[0];
    const family = this.familyName;
    return (
      this.offsets[1] - start === family.length + 8 &&
      this.src.startsWith(family, start) &&
      this.src.startsWith('_created', start + family.length)
    );
  }

  private readMetadata(kind: EntryKind, at: number): EntryKind {
    const src = this.src;
    const n = src.length;
    const keyword = kind === Entry.Help ? 'HELP' : kind === Entry.Type ? 'TYPE' : 'UNIT';
    let i = at;
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
    if (this.charAt(i) !== CH_SPACE) this.fail(`expected text in ${keyword}`);
    const end = src.indexOf('\n', i);
    if (end < 0) this.fail(NO_EOF);
    const text = src.slice(i + 1, end);
    this.pos = end + 1;
    this.metaName = name;
    if (kind === Entry.Type) {
      const t = Object.prototype.hasOwnProperty.call(OM_TYPES, text) ? OM_TYPES[text] : undefined;
      if (t === undefined) this.fail(`invalid metric type ${quote(text)}`);
      this.metaType = t;
      this.noteFamily(name, t);
    } else if (kind === Entry.Help) {
      this.metaText = unescapeHelp(text, true);
      this.noteFamily(name);
    } else {
      if (text !== '' && !(name.endsWith('_' + text) && name.length > text.length + 1)) {
        this.fail(`unit ${quote(text)} not a suffix of metric ${quote(name)}`);
      }
      this.metaText = text;
      this.noteFamily(name);
    }
    return kind;
  }

  /** Scans a token up to the next space or newline; fails on end of data. */
  private tokenEnd(i: number): number {
    const src = this.src;
    const n = src.length;
    let c: number;
    while (i < n && (c = src.charCodeAt(i)) !== CH_SPACE && c !== CH_LF) i++;
    if (i >= n) this.fail(NO_EOF);
    return i;
  }

  private readSampleSuffix(): void {
    let i = this.pos;
    if (this.charAt(i) !== CH_SPACE) {
      if (i >= this.src.length) this.fail(NO_EOF);
      return this.failAt('expected value after metric', i);
    }
    i++;
    let j = this.tokenEnd(i);
    if (j === i) return this.failAt('expected value after metric', i);
    this.sampleValue = this.readFloat(i, j);
    this.sampleTimestamp = NaN;
    if (this.src.charCodeAt(j) === CH_LF) {
      this.pos = j + 1;
      return;
    }
    i = j + 1;
    if (this.charAt(i) === CH_HASH) return this.readExemplar(i);
    j = this.tokenEnd(i);
    if (j === i) return this.failAt('expected timestamp or new record', i);
    const seconds = this.readFloat(i, j);
    if (!Number.isFinite(seconds)) this.fail(`invalid timestamp ${formatGoF(seconds)}`);
    this.sampleTimestamp = Math.trunc(seconds * 1000);
    if (this.src.charCodeAt(j) === CH_LF) {
      this.pos = j + 1;
      return;
    }
    if (this.charAt(j + 1) !== CH_HASH) return this.failAt('expected next entry after timestamp', j + 1);
    this.readExemplar(j + 1);
  }

  /** ` # {labels} value [timestamp]` after a sample; `at` is the `#`. */
  private readExemplar(at: number): void {
    const src = this.src;
    if (!src.startsWith('# {', at)) return this.failAt('expected exemplar labels', at);
    const name = this.metricName();
    if (!name.endsWith('_total') && !name.endsWith('_bucket'))
      this.fail(`metric name ${name} does not support exemplars`);
    const eo = this.exemplarOffsets;
    eo.length = 0;
    this.pos = at + 3;
    this.scanLabelSet(eo, true, true);
    let i = this.pos;
    if (this.charAt(i) !== CH_SPACE) return this.failAt('expected value after exemplar labels', i);
    i++;
    let j = this.tokenEnd(i);
    if (j === i) return this.failAt('expected value after exemplar labels', i);
    this.exemplarValue = this.readFloat(i, j);
    this.exemplarTimestamp = NaN;
    if (src.charCodeAt(j) === CH_SPACE) {
      i = j + 1;
      j = this.tokenEnd(i);
      if (j === i) return this.failAt('expected timestamp or comment', i);
      const seconds = this.readFloat(i, j);
      if (!Number.isFinite(seconds)) this.fail(`invalid exemplar timestamp ${formatGoF(seconds)}`);
      this.exemplarTimestamp = Math.trunc(seconds * 1000);
      if (src.charCodeAt(j) !== CH_LF) return this.failAt('expected next entry after exemplar timestamp', j);
    }
    this.hasExemplar = true;
    this.pos = j + 1;
  }
}

/** Go's `%f` for the non-finite values the timestamp errors print. */
function formatGoF(v: number): string {
  return Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf';
}
