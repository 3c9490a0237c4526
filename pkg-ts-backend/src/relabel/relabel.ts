// Relabeling as Prometheus applies it to targets (relabel_configs), samples
// (metric_relabel_configs), alerts and remote-write series: a list of steps over one label set.
import { createHash } from 'node:crypto';
import { Label, Labels } from '../model/labels';
import { Regex } from '../model/regex';
import { captureGroupNames, expandTemplate } from './expand';
import { cachedExec, cachedMatches } from './matchCache';

export type RelabelAction =
  | 'replace'
  | 'keep'
  | 'drop'
  | 'keepequal'
  | 'dropequal'
  | 'hashmod'
  | 'labelmap'
  | 'labeldrop'
  | 'labelkeep'
  | 'lowercase'
  | 'uppercase';

export const RELABEL_ACTIONS: readonly RelabelAction[] = [
  'replace',
  'keep',
  'drop',
  'keepequal',
  'dropequal',
  'hashmod',
  'labelmap',
  'labeldrop',
  'labelkeep',
  'lowercase',
  'uppercase',
];

export interface RelabelConfig {
  sourceLabels: string[];
  separator: string;
  /** Anchored RE2 (model/regex compileAnchored). */
  regex: Regex;
  modulus: number;
  targetLabel: string;
  replacement: string;
  action: RelabelAction;
}

/**
 * Applies the steps in order; returns null when a step drops the label set. When no step changes
 * anything the input itself is returned, so callers can keep using interned label sets.
 */
export function relabel(labels: Labels, cfgs: readonly RelabelConfig[]): Labels | null {
  const state = new RelabelState(labels);
  for (const cfg of cfgs) {
    if (!applyStep(state, cfg)) return null;
  }
  return state.result();
}

/** The label set being relabeled: read straight from the input until a step first writes. */
class RelabelState {
  /** A sorted private copy, made on the first write. */
  private written?: Label[];

  constructor(private readonly input: Labels) {}

  private current(): Labels {
    return this.written ?? this.input;
  }

  /** Index of `name`, or -(insertion point) - 1 when absent. */
  private find(name: string): number {
    const ls = this.current();
    let lo = 0;
    let hi = ls.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const n = ls[mid].name;
      if (n === name) return mid;
      if (n < name) lo = mid + 1;
      else hi = mid - 1;
    }
    return -lo - 1;
  }

  get(name: string): string {
    const i = this.find(name);
    return i >= 0 ? this.current()[i].value : '';
  }

  /** Empty values mean "absent", as in Prometheus. */
  set(name: string, value: string): void {
    if (value === '') {
      this.delete(name);
      return;
    }
    const i = this.find(name);
    if (i >= 0 && this.current()[i].value === value) return;
    const w = this.mutable();
    if (i >= 0) w[i] = { name, value };
    else w.splice(-i - 1, 0, { name, value });
  }

  delete(name: string): void {
    const i = this.find(name);
    if (i >= 0) this.mutable().splice(i, 1);
  }

  /** A snapshot of the names and values, safe to iterate while writing. */
  entries(): Labels {
    return this.written ? [...this.written] : this.input;
  }

  result(): Labels {
    return this.written ?? this.input;
  }

  private mutable(): Label[] {
    if (!this.written) this.written = [...this.input];
    return this.written;
  }
}

function sourceValue(ls: RelabelState, cfg: RelabelConfig): string {
  if (cfg.sourceLabels.length === 1) return ls.get(cfg.sourceLabels[0]);
  return cfg.sourceLabels.map((n) => ls.get(n)).join(cfg.separator);
}

/** Returns false when the label set is dropped. */
function applyStep(ls: RelabelState, cfg: RelabelConfig): boolean {
  switch (cfg.action) {
    case 'keep':
      return cachedMatches(cfg.regex, sourceValue(ls, cfg));
    case 'drop':
      return !cachedMatches(cfg.regex, sourceValue(ls, cfg));
    case 'keepequal':
      return ls.get(cfg.targetLabel) === sourceValue(ls, cfg);
    case 'dropequal':
      return ls.get(cfg.targetLabel) !== sourceValue(ls, cfg);
    case 'replace': {
      const groups = cachedExec(cfg.regex, sourceValue(ls, cfg));
      if (!groups) return true;
      const names = groupNamesOf(cfg.regex);
      const target = expandTemplate(cfg.targetLabel, groups, names);
      if (!isValidTargetLabel(target)) return true;
      ls.set(target, expandTemplate(cfg.replacement, groups, names));
      return true;
    }
    case 'lowercase':
      ls.set(cfg.targetLabel, sourceValue(ls, cfg).toLowerCase());
      return true;
    case 'uppercase':
      ls.set(cfg.targetLabel, sourceValue(ls, cfg).toUpperCase());
      return true;
    case 'hashmod':
      ls.set(cfg.targetLabel, String(md5Sum64(sourceValue(ls, cfg)) % BigInt(cfg.modulus)));
      return true;
    case 'labelmap': {
      const names = groupNamesOf(cfg.regex);
      // Decide on the names present before this step, so a mapped name is not mapped again.
      for (const { name, value } of ls.entries()) {
        const groups = cachedExec(cfg.regex, name);
        if (groups) ls.set(expandTemplate(cfg.replacement, groups, names), value);
      }
      return true;
    }
    case 'labeldrop':
      for (const { name } of ls.entries()) if (cachedMatches(cfg.regex, name)) ls.delete(name);
      return true;
    case 'labelkeep':
      for (const { name } of ls.entries()) if (!cachedMatches(cfg.regex, name)) ls.delete(name);
      return true;
  }
}

/** Named groups per compiled regex: relabeling runs per sample, the pattern is scanned once. */
const groupNamesCache = new WeakMap<Regex, Map<string, number>>();

function groupNamesOf(re: Regex): Map<string, number> {
  let names = groupNamesCache.get(re);
  if (!names) {
    names = captureGroupNames(re.source);
    groupNamesCache.set(re, names);
  }
  return names;
}


/** Prometheus 3 validates names as UTF-8 by default, so any non-empty expansion is a usable target. */
function isValidTargetLabel(name: string): boolean {
  return name !== '';
}

/** The last 8 bytes of the MD5 digest as a big-endian uint64, as Prometheus's hashmod uses. */
export function md5Sum64(s: string): bigint {
  return createHash('md5').update(s, 'utf8').digest().readBigUInt64BE(8);
}
