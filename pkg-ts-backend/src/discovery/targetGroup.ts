// Target groups: what every discovery mechanism produces and the scrape and notifier layers consume.
import { Label, Labels, labelsFromPairs } from '../model/labels';

/**
 * A set of targets that share labels. Each target carries `__address__` and its own meta labels;
 * `labels` apply to every target of the group (a target's own labels win on a clash).
 */
export interface TargetGroup {
  /** Unique within its discovery mechanism, e.g. the file path and index for file_sd. */
  source: string;
  targets: Labels[];
  labels: Labels;
}

export const ADDRESS_LABEL = '__address__';

/** A target that only has an address, as static, file and HTTP discovery produce. */
export function addressTarget(address: string): Labels {
  return [{ name: ADDRESS_LABEL, value: address }];
}

/** Thrown for a malformed target-group document (file_sd or http_sd). */
export class TargetGroupFormatError extends Error {}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/**
 * Reads the documented file_sd / http_sd format — a list of `{targets: [..], labels: {..}}` —
 * adding `groupLabels` (such as `__meta_filepath`) to every group. Sources are `<prefix>:<index>`.
 */
export function parseTargetGroups(doc: unknown, sourcePrefix: string, groupLabels: readonly Label[]): TargetGroup[] {
  if (doc === null || doc === undefined) return [];
  if (!Array.isArray(doc)) throw new TargetGroupFormatError('target groups must be a list');
  return doc.map((entry, i) => {
    if (!isRecord(entry)) throw new TargetGroupFormatError(`target group ${i} is not an object`);
    for (const key of Object.keys(entry)) {
      if (key !== 'targets' && key !== 'labels') throw new TargetGroupFormatError(`field ${key} not found in type targetgroup.Group`);
    }
    const targets: Labels[] = [];
    const rawTargets = entry.targets ?? [];
    if (!Array.isArray(rawTargets)) throw new TargetGroupFormatError(`targets of group ${i} must be a list of strings`);
    for (const t of rawTargets) {
      if (typeof t !== 'string') throw new TargetGroupFormatError(`targets of group ${i} must be a list of strings`);
      targets.push(addressTarget(t));
    }
    const pairs: Label[] = [...groupLabels];
    const rawLabels = entry.labels ?? {};
    if (!isRecord(rawLabels)) throw new TargetGroupFormatError(`labels of group ${i} must be a map of strings`);
    for (const [name, value] of Object.entries(rawLabels)) {
      if (name === '') throw new TargetGroupFormatError(`"" is not a valid label name`);
      if (typeof value !== 'string') throw new TargetGroupFormatError(`label ${JSON.stringify(name)} of group ${i} must be a string`);
      pairs.push({ name, value });
    }
    return { source: `${sourcePrefix}:${i}`, targets, labels: labelsFromPairs(pairs) };
  });
}
