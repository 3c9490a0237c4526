// Relabeling as Prometheus applies it to targets (relabel_configs), samples
// (metric_relabel_configs), alerts and remote-write series: a list of steps over one label set.
import { createHash } from 'node:crypto';
import { Label, Labels, labelsFromPairs } from '../model/labels';
import { Regex } from '../model/regex';
import { captureGroupNames, expandTemplate } from './expand';

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

/** Applies the steps in order; returns null when a step drops the label set. */
export function relabel(labels: Labels, cfgs: readonly RelabelConfig[]): Labels | null {
  if (cfgs.length === 0) return labels;
  const current = new Map<string, string>();
  for (const l of labels) current.set(l.name, l.value);
  for (const cfg of cfgs) {
    if (!applyStep(current, cfg)) return null;
  }
  const pairs: Label[] = [];
  for (const [name, value] of current) pairs.push({ name, value });
  return labelsFromPairs(pairs);
}

/** Returns false when the label set is dropped. Empty values mean "absent", as in Prometheus. */
function applyStep(ls: Map<string, string>, cfg: RelabelConfig): boolean {
  const sourceValue = () => cfg.sourceLabels.map((n) => ls.get(n) ?? '').join(cfg.separator);
  switch (cfg.action) {
    case 'keep':
      return cfg.regex.matches(sourceValue());
    case 'drop':
      return !cfg.regex.matches(sourceValue());
    case 'keepequal':
      return (ls.get(cfg.targetLabel) ?? '') === sourceValue();
    case 'dropequal':
      return (ls.get(cfg.targetLabel) ?? '') !== sourceValue();
    case 'replace': {
      const groups = cfg.regex.exec(sourceValue());
      if (!groups) return true;
      const names = groupNamesOf(cfg.regex);
      const target = expandTemplate(cfg.targetLabel, groups, names);
      if (!isValidTargetLabel(target)) return true;
      setLabel(ls, target, expandTemplate(cfg.replacement, groups, names));
      return true;
    }
    case 'lowercase':
      setLabel(ls, cfg.targetLabel, sourceValue().toLowerCase());
      return true;
    case 'uppercase':
      setLabel(ls, cfg.targetLabel, sourceValue().toUpperCase());
      return true;
    case 'hashmod':
      setLabel(ls, cfg.targetLabel, String(md5Sum64(sourceValue()) % BigInt(cfg.modulus)));
      return true;
    case 'labelmap': {
      const names = groupNamesOf(cfg.regex);
      // Decide on the names present before this step, so a mapped name is not mapped again.
      for (const [name, value] of [...ls]) {
        const groups = cfg.regex.exec(name);
        if (groups) setLabel(ls, expandTemplate(cfg.replacement, groups, names), value);
      }
      return true;
    }
    case 'labeldrop':
      for (const name of [...ls.keys()]) if (cfg.regex.matches(name)) ls.delete(name);
      return true;
    case 'labelkeep':
      for (const name of [...ls.keys()]) if (!cfg.regex.matches(name)) ls.delete(name);
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

function setLabel(ls: Map<string, string>, name: string, value: string): void {
  if (value === '') ls.delete(name);
  else ls.set(name, value);
}

/** Prometheus 3 validates names as UTF-8 by default, so any non-empty expansion is a usable target. */
function isValidTargetLabel(name: string): boolean {
  return name !== '';
}

/** The last 8 bytes of the MD5 digest as a big-endian uint64, as Prometheus's hashmod uses. */
export function md5Sum64(s: string): bigint {
  return createHash('md5').update(s, 'utf8').digest().readBigUInt64BE(8);
}
