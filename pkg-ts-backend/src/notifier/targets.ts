// Alertmanager targets from discovered groups: each target gets `__scheme__` and
// `__alerts_path__` from its config, then the config's relabel_configs decide whether it is kept
// and what its push URL is.
import { posix } from 'node:path';
import type { AlertmanagerConfig } from '../config/types';
import { ADDRESS_LABEL, TargetGroup } from '../discovery/targetGroup';
import { getLabel, Label, Labels, labelsFromPairs } from '../model/labels';
import { relabel } from '../relabel/relabel';

export const SCHEME_LABEL = '__scheme__';
export const ALERTS_PATH_LABEL = '__alerts_path__';

export interface AlertmanagerTarget {
  url: string;
  labels: Labels;
}

/** `/<prefix>/api/v2/alerts`, cleaned like Go's path.Join. */
export function alertsPath(pathPrefix: string): string {
  return posix.join('/', pathPrefix, '/api/v2/alerts');
}

function urlOf(labels: Labels): string {
  return `${getLabel(labels, SCHEME_LABEL)}://${getLabel(labels, ADDRESS_LABEL)}${getLabel(labels, ALERTS_PATH_LABEL)}`;
}

export function alertmanagerTargets(
  cfg: AlertmanagerConfig,
  groups: readonly TargetGroup[],
  warn: (msg: string, err: string) => void
): { active: AlertmanagerTarget[]; dropped: AlertmanagerTarget[] } {
  const active = new Map<string, AlertmanagerTarget>();
  const dropped: AlertmanagerTarget[] = [];
  for (const g of groups) {
    for (const target of g.targets) {
      const pairs: Label[] = [...g.labels.filter((l) => !target.some((t) => t.name === l.name)), ...target];
      pairs.push({ name: SCHEME_LABEL, value: cfg.scheme }, { name: ALERTS_PATH_LABEL, value: alertsPath(cfg.pathPrefix) });
      const pre = labelsFromPairs(pairs);
      const post = relabel(pre, cfg.relabelConfigs);
      if (post === null) {
        dropped.push({ url: urlOf(pre), labels: pre });
        continue;
      }
      const addr = getLabel(post, ADDRESS_LABEL);
      if (addr === '' || addr.includes('/')) {
        warn('Invalid Alertmanager address', `"${addr}" is not a valid hostname`);
        continue;
      }
      const url = urlOf(post);
      if (!active.has(url)) active.set(url, { url, labels: post });
    }
  }
  return { active: [...active.values()], dropped };
}
