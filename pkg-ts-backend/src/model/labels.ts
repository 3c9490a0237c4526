// Label sets: arrays of name/value pairs sorted by name, treated as immutable once built.
// The TSDB interns one Labels per series; everything else passes references around.

export interface Label {
  readonly name: string;
  readonly value: string;
}

export type Labels = readonly Label[];

export const METRIC_NAME = '__name__';
export const EMPTY_LABELS: Labels = Object.freeze([]) as Labels;

const SEP = '\xff';

function byName(a: Label, b: Label): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0;
}

/** Builds a sorted label set from a record, dropping empty values (Prometheus treats them as absent). */
export function labelsFromRecord(rec: Record<string, string>): Labels {
  const out: Label[] = [];
  for (const name of Object.keys(rec)) {
    const value = rec[name];
    if (value !== '') out.push({ name, value });
  }
  return out.sort(byName);
}

/** Sorts pairs by name and drops empty values; later duplicates of a name win. */
export function labelsFromPairs(pairs: Iterable<Label>): Labels {
  const m = new Map<string, string>();
  for (const l of pairs) m.set(l.name, l.value);
  const out: Label[] = [];
  for (const [name, value] of m) if (value !== '') out.push({ name, value });
  return out.sort(byName);
}

export function labelsToRecord(ls: Labels): Record<string, string> {
  const rec: Record<string, string> = {};
  for (const l of ls) rec[l.name] = l.value;
  return rec;
}

export function getLabel(ls: Labels, name: string): string {
  for (const l of ls) if (l.name === name) return l.value;
  return '';
}

export function hasLabel(ls: Labels, name: string): boolean {
  for (const l of ls) if (l.name === name) return true;
  return false;
}

/** A string that is equal for two label sets exactly when the sets are equal (usable as a Map key). */
export function labelsKey(ls: Labels): string {
  let s = '';
  for (const l of ls) s += l.name + SEP + l.value + SEP;
  return s;
}

export function labelsEqual(a: Labels, b: Labels): boolean {
  if (a === b) return true;
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].name !== b[i].name || a[i].value !== b[i].value) return false;
  return true;
}

/** Orders label sets as Prometheus does (labels.Compare): pairwise by name, then value, then length. */
export function compareLabels(a: Labels, b: Labels): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    if (a[i].name !== b[i].name) return a[i].name < b[i].name ? -1 : 1;
    if (a[i].value !== b[i].value) return a[i].value < b[i].value ? -1 : 1;
  }
  return a.length - b.length;
}

/** Returns a copy with `name` set to `value` (removed when `value` is empty). */
export function withLabel(ls: Labels, name: string, value: string): Labels {
  const out: Label[] = [];
  let done = false;
  for (const l of ls) {
    if (!done && l.name >= name) {
      if (value !== '') out.push({ name, value });
      done = true;
      if (l.name === name) continue;
    }
    out.push(l);
  }
  if (!done && value !== '') out.push({ name, value });
  return out;
}

export function withoutLabels(ls: Labels, names: ReadonlySet<string>): Labels {
  return ls.filter((l) => !names.has(l.name));
}

export function keepLabels(ls: Labels, names: ReadonlySet<string>): Labels {
  return ls.filter((l) => names.has(l.name));
}

/** Prometheus's text form: `name{a="b", c="d"}` (quoting UTF-8 names when needed). */
export function formatLabels(ls: Labels): string {
  const name = getLabel(ls, METRIC_NAME);
  const rest = ls.filter((l) => l.name !== METRIC_NAME).map((l) => `${formatLabelName(l.name)}=${JSON.stringify(l.value)}`);
  if (name && isValidLegacyMetricName(name)) return rest.length ? `${name}{${rest.join(', ')}}` : name;
  if (name) rest.unshift(JSON.stringify(name));
  return `{${rest.join(', ')}}`;
}

export function formatLabelName(n: string): string {
  return isValidLegacyLabelName(n) ? n : JSON.stringify(n);
}

const LEGACY_METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LEGACY_LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function isValidLegacyMetricName(s: string): boolean {
  return LEGACY_METRIC_NAME.test(s);
}

export function isValidLegacyLabelName(s: string): boolean {
  return LEGACY_LABEL_NAME.test(s);
}
