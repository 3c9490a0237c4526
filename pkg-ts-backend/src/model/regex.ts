// RE2 regular expressions (PromQL and relabeling use RE2 syntax: linear time, no backtracking).
import { RE2 } from 're2-wasm';

export interface Regex {
  /** The pattern as the user wrote it. */
  readonly source: string;
  /** True when the whole string matches (Prometheus anchors label regexes: `^(?s:…)$`). */
  matches(s: string): boolean;
  /** Capture groups of a whole-string match, or null; index 0 is the whole string. */
  exec(s: string): (string | undefined)[] | null;
}

const cache = new Map<string, Regex>();

/**
 * Compiles an RE2 pattern anchored at both ends with `.` matching newlines, as Prometheus 3 does
 * for label matchers, relabeling and label_replace. Throws with RE2's message on a bad pattern.
 */
export function compileAnchored(source: string): Regex {
  let r = cache.get(source);
  if (!r) {
    r = new AnchoredRegex(source);
    if (cache.size > 10_000) cache.clear();
    cache.set(source, r);
  }
  return r;
}

class AnchoredRegex implements Regex {
  private readonly re: RE2;
  /** Fast paths for the shapes dashboards use most. */
  private readonly literal?: string;
  private readonly alternatives?: ReadonlySet<string>;
  private readonly matchAll: boolean;

  constructor(readonly source: string) {
    try {
      this.re = new RE2(`^(?s:${source})$`, 'u');
    } catch (err) {
      throw new Error(`error parsing regexp: ${describeRe2Error(err, source)}`);
    }
    this.matchAll = source === '.*' || source === '(?s:.*)';
    if (/^[A-Za-z0-9_:\-/ ]*$/.test(source)) this.literal = source;
    else if (/^[A-Za-z0-9_:\-/ ]+(\|[A-Za-z0-9_:\-/ ]+)+$/.test(source)) this.alternatives = new Set(source.split('|'));
  }

  matches(s: string): boolean {
    if (this.matchAll) return true;
    if (this.literal !== undefined) return s === this.literal;
    if (this.alternatives) return this.alternatives.has(s);
    this.re.lastIndex = 0;
    return this.re.test(s);
  }

  exec(s: string): (string | undefined)[] | null {
    this.re.lastIndex = 0;
    const m = this.re.exec(s);
    return m ? Array.from(m) : null;
  }
}

/** RE2's (C++) error phrases and the ones Go's regexp/syntax prints, which Prometheus shows. */
const GO_PHRASES: [RegExp, string][] = [
  [/^missing \)$/, 'missing closing )'],
  [/^missing \]$/, 'missing closing ]'],
  [/^bad repetition operator$/, 'invalid nested repetition operator'],
  [/^invalid perl operator$/, 'invalid or unsupported Perl syntax'],
  [/^invalid repetition size$/, 'invalid repeat count'],
  [/^duplicate capture group name$/i, 'invalid named capture'],
  [/^trailing \\$/, 'trailing backslash at end of expression'],
];

/** Rewrites re2-wasm's error (`Invalid regular expression: /…/u: missing ): (`) as Go's (`missing closing ): \`(\``). */
function describeRe2Error(err: unknown, source: string): string {
  const msg = (err as Error).message ?? String(err);
  const m = /^Invalid regular expression: \/.*\/u: (.*)$/s.exec(msg);
  const detail = m ? m[1] : msg;
  const sep = detail.indexOf(': ');
  const phrase = sep >= 0 ? detail.slice(0, sep) : detail;
  const fragment = sep >= 0 ? detail.slice(sep + 2) : `^(?s:${source})$`;
  const goPhrase = GO_PHRASES.find(([re]) => re.test(phrase))?.[1] ?? phrase;
  return `${goPhrase}: \`${fragment}\``;
}
