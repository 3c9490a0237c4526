// Reads Prometheus's `.test` script format (see /work/shared/promql-testdata/FORMAT.md) into
// commands. Native histogram values are recognised but not loaded: the series that carry
// them are remembered so the runner can skip the cases that read them.
import type { Labels } from '../../model/labels';
import { parseDuration } from '../../model/duration';
import { parseSeriesDesc, SeriesDescValue } from '../parser';

export const SKIP_HISTOGRAM_VALUES = 'expects native histogram values';

export interface LoadedSeries {
  labels: Labels;
  values: SeriesDescValue[];
  /** The line held at least one native histogram sample (left out of `values`). */
  hasHistograms: boolean;
}

export interface LoadCommand {
  kind: 'load';
  line: number;
  step: number;
  series: LoadedSeries[];
  /** `load_with_nhcb`: classic histograms also become native histogram series. */
  withNhcb: boolean;
  /** The block carried `@st` start-timestamp lines (not loaded). */
  startTimestamps: boolean;
}

export interface ClearCommand {
  kind: 'clear';
  line: number;
}

export interface ExpectedSeries {
  labels: Labels;
  values: SeriesDescValue[];
  line: number;
}

export interface AnnotationExpectation {
  kind: 'any' | 'msg' | 'regex';
  text: string;
}

export interface EvalCommand {
  kind: 'eval';
  line: number;
  expr: string;
  instant: boolean;
  /** Instant: the time; range: start. */
  start: number;
  end: number;
  step: number;
  fail: AnnotationExpectation | null;
  warn: AnnotationExpectation[] | null;
  info: AnnotationExpectation[] | null;
  noWarn: boolean;
  noInfo: boolean;
  ordered: boolean;
  expectString: string | null;
  rangeVector: { start: number; end: number; step: number } | null;
  scalar: number | null;
  expected: ExpectedSeries[];
  /** Why the case cannot run here (native histograms), or null. */
  skip: string | null;
}

export type Command = LoadCommand | ClearCommand | EvalCommand;

export class ScriptError extends Error {
  constructor(
    readonly line: number,
    message: string
  ) {
    super(`line ${line}: ${message}`);
  }
}

const HISTOGRAM_ITEM = /\{\{[^}]*\}\}(?:[+-]\{\{[^}]*\}\})?(?:x(\d+))?/g;

/** Replaces native histogram items by as many empty slots, so the float samples keep their times. */
function withoutHistograms(line: string): { text: string; found: boolean } {
  let found = false;
  const text = line.replace(HISTOGRAM_ITEM, (_m, times: string | undefined) => {
    found = true;
    return times === undefined ? '_' : `_x${Number(times) + 1}`;
  });
  return { text, found };
}

function parseSeriesLine(text: string, line: number): LoadedSeries {
  const { text: clean, found } = withoutHistograms(text);
  try {
    const d = parseSeriesDesc(clean);
    return { labels: d.labels, values: d.values, hasHistograms: found };
  } catch (err) {
    throw new ScriptError(line, `error parsing series ${JSON.stringify(text)}: ${(err as Error).message}`);
  }
}

function duration(s: string, line: number): number {
  try {
    return parseDuration(s);
  } catch (err) {
    throw new ScriptError(line, (err as Error).message);
  }
}

/** Go's strconv.Unquote for `expect string` arguments (double-quoted or back-quoted). */
function unquote(s: string, line: number): string {
  if (s.length >= 2 && s.startsWith('`') && s.endsWith('`')) return s.slice(1, -1);
  if (s.length >= 2 && s.startsWith('"') && s.endsWith('"')) {
    try {
      return JSON.parse(s) as string;
    } catch {
      throw new ScriptError(line, `invalid string ${s}`);
    }
  }
  throw new ScriptError(line, `invalid string ${s}`);
}

/** parseNumber of the runner: Go integers with base prefixes, or floats incl. Inf and NaN. */
export function parseScalarLine(s: string): number | null {
  if (/^[+-]?0[xX][0-9a-fA-F]+$/.test(s)) return s.startsWith('-') ? -Number(s.slice(1)) : Number(s.replace('+', ''));
  if (/^[+-]?0[oO][0-7]+$/.test(s) || /^[+-]?0[bB][01]+$/.test(s))
    return s.startsWith('-') ? -Number(s.slice(1)) : Number(s.replace('+', ''));
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  if (/^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/.test(s)) return Number(s);
  return null;
}

const INSTANT_HEADER = /^eval(?:_(fail|warn|ordered|info))?\s+instant\s+at\s+(\S+)\s+(.+)$/;
const RANGE_HEADER = /^eval(?:_(fail|warn|info))?\s+range\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)\s+(.+)$/;
const EXPECT_LINE = /^expect\s+(ordered|fail|warn|no_warn|info|no_info)(?:\s+(msg|regex):(.*))?$/;
const RANGE_VECTOR_LINE = /^expect\s+range\s+vector\s+from\s+(\S+)\s+to\s+(\S+)\s+step\s+(\S+)$/;
const STRING_LINE = /^expect\s+string\s+(.+)$/;

export function parseScript(text: string): Command[] {
  const lines = text.split('\n').map((l) => {
    const t = l.trim();
    return t.startsWith('#') ? '' : t;
  });
  const cmds: Command[] = [];
  let i = 0;
  while (i < lines.length) {
    const l = lines[i];
    if (l === '') {
      i++;
      continue;
    }
    const lineNo = i + 1;
    const word = l.split(/\s+/)[0].toLowerCase();
    if (word === 'clear') {
      cmds.push({ kind: 'clear', line: lineNo });
      i++;
    } else if (word.startsWith('load')) {
      const m = /^load(_with_nhcb)?\s+(\S+)$/.exec(l);
      if (!m) throw new ScriptError(lineNo, `invalid load command "${l}"`);
      const step = duration(m[2], lineNo);
      const byKey = new Map<string, LoadedSeries>();
      let startTimestamps = false;
      i++;
      for (; i < lines.length && lines[i] !== ''; i++) {
        if (/^\S+@st\s/.test(lines[i])) {
          // Start timestamps for the next line's samples: flint's storage does not keep them.
          startTimestamps = true;
          continue;
        }
        const s = parseSeriesLine(lines[i], i + 1);
        byKey.set(JSON.stringify(s.labels), s);
      }
      cmds.push({
        kind: 'load',
        line: lineNo,
        step,
        series: [...byKey.values()],
        withNhcb: m[1] !== undefined,
        startTimestamps,
      });
    } else if (word.startsWith('eval')) {
      const [cmd, next] = parseEval(lines, i);
      cmds.push(cmd);
      i = next;
    } else {
      throw new ScriptError(lineNo, `invalid command "${l}"`);
    }
  }
  return cmds;
}

function parseEval(lines: string[], at: number): [EvalCommand, number] {
  const header = lines[at];
  const line = at + 1;
  const cmd: EvalCommand = {
    kind: 'eval',
    line,
    expr: '',
    instant: true,
    start: 0,
    end: 0,
    step: 0,
    fail: null,
    warn: null,
    info: null,
    noWarn: false,
    noInfo: false,
    ordered: false,
    expectString: null,
    rangeVector: null,
    scalar: null,
    expected: [],
    skip: null,
  };
  let modifier: string | undefined;
  const im = INSTANT_HEADER.exec(header);
  const rm = im ? null : RANGE_HEADER.exec(header);
  if (im) {
    modifier = im[1];
    cmd.start = cmd.end = duration(im[2], line);
    cmd.expr = im[3];
  } else if (rm) {
    modifier = rm[1];
    cmd.instant = false;
    cmd.start = duration(rm[2], line);
    cmd.end = duration(rm[3], line);
    cmd.step = duration(rm[4], line);
    cmd.expr = rm[5];
    if (cmd.end < cmd.start)
      throw new ScriptError(line, 'invalid test definition, end timestamp before start timestamp');
  } else throw new ScriptError(line, `invalid evaluation command "${header}"`);
  if (modifier === 'fail') cmd.fail = { kind: 'any', text: '' };
  if (modifier === 'ordered') cmd.ordered = true;
  if (modifier === 'warn') cmd.warn = [{ kind: 'any', text: '' }];
  if (modifier === 'info') cmd.info = [{ kind: 'any', text: '' }];
  let i = at + 1;
  for (; i < lines.length && lines[i] !== ''; i++) {
    const l = lines[i];
    const lno = i + 1;
    if (modifier === 'fail' && l.startsWith('expected_fail_message ')) {
      cmd.fail = { kind: 'msg', text: l.slice('expected_fail_message '.length).trim() };
      i++;
      break;
    }
    if (modifier === 'fail' && l.startsWith('expected_fail_regexp ')) {
      cmd.fail = { kind: 'regex', text: l.slice('expected_fail_regexp '.length).trim() };
      i++;
      break;
    }
    if (l.split(' ')[0] === 'expect') {
      const rv = RANGE_VECTOR_LINE.exec(l);
      if (rv) {
        cmd.rangeVector = { start: duration(rv[1], lno), end: duration(rv[2], lno), step: duration(rv[3], lno) };
        continue;
      }
      const sm = STRING_LINE.exec(l);
      if (sm) {
        cmd.expectString = unquote(sm[1].trim(), lno);
        continue;
      }
      const em = EXPECT_LINE.exec(l);
      if (!em) throw new ScriptError(lno, `invalid expect statement "${l}"`);
      const exp: AnnotationExpectation = em[2]
        ? { kind: em[2] as 'msg' | 'regex', text: em[3].trim() }
        : { kind: 'any', text: '' };
      switch (em[1]) {
        case 'ordered':
          cmd.ordered = true;
          break;
        case 'fail':
          if (cmd.fail && modifier !== 'fail') throw new ScriptError(lno, 'multiple expect fail lines are not allowed');
          cmd.fail = exp;
          break;
        case 'warn':
          (cmd.warn ??= []).push(exp);
          break;
        case 'info':
          (cmd.info ??= []).push(exp);
          break;
        case 'no_warn':
          cmd.noWarn = true;
          break;
        case 'no_info':
          cmd.noInfo = true;
          break;
      }
      continue;
    }
    const scalar = parseScalarLine(l);
    if (scalar !== null) {
      cmd.scalar = scalar;
      i++;
      break;
    }
    if (l.includes('{{')) cmd.skip = SKIP_HISTOGRAM_VALUES;
    const s = parseSeriesLine(l, lno);
    if (cmd.instant && !cmd.rangeVector && s.values.length > 1)
      throw new ScriptError(lno, 'expecting multiple values in instant evaluation not allowed');
    cmd.expected.push({ labels: s.labels, values: s.values, line: lno });
  }
  if ((cmd.warn && cmd.noWarn) || (cmd.info && cmd.noInfo))
    throw new ScriptError(line, 'conflicting expect lines for annotations');
  return [cmd, i];
}
