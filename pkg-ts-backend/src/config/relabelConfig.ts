// Reading and validating one relabel_configs entry with Prometheus's defaults and messages.
import { Node } from 'yaml';
import { isValidLegacyLabelName } from '../model/labels';
import { compileAnchored, Regex } from '../model/regex';
import { RELABEL_ACTIONS, RelabelAction, RelabelConfig } from '../relabel/relabel';
import { NameValidationScheme } from './types';
import { YamlReader } from './yamlReader';

const DEFAULT_REGEX = '(.*)';
const DEFAULT_SEPARATOR = ';';
const DEFAULT_REPLACEMENT = '$1';

/** A target label with `$1`/`${name}` references, in the legacy character set. */
const LEGACY_TEMPLATE_TARGET = /^(?:(?:[a-zA-Z_]|\$(?:\{\w+\}|\w+))+\w*)+$/;

function isValidLabelName(name: string, scheme: NameValidationScheme): boolean {
  return scheme === 'legacy' ? isValidLegacyLabelName(name) : name !== '';
}

function isValidTemplateName(name: string, scheme: NameValidationScheme): boolean {
  return scheme === 'legacy' ? LEGACY_TEMPLATE_TARGET.test(name) : name !== '';
}

export function readRelabelConfigs(r: YamlReader, node: Node | null, scheme: NameValidationScheme, nullMessage: string): RelabelConfig[] {
  const out: RelabelConfig[] = [];
  r.list(node, '[]*relabel.Config', (item) => {
    if (item === null) r.fail(node, nullMessage);
    out.push(readRelabelConfig(r, item, scheme));
  });
  return out;
}

export function readRelabelConfig(r: YamlReader, node: Node, scheme: NameValidationScheme): RelabelConfig {
  let sourceLabels: string[] | undefined;
  let separator = DEFAULT_SEPARATOR;
  let regexSource = DEFAULT_REGEX;
  let modulus = 0;
  let targetLabel = '';
  let replacement = DEFAULT_REPLACEMENT;
  let action: RelabelAction = 'replace';
  r.struct(node, 'relabel.Config', {
    source_labels: (v) => (sourceLabels = r.stringList(v)),
    separator: (v) => (separator = v === null ? DEFAULT_SEPARATOR : r.string(v)),
    regex: (v) => (regexSource = r.string(v)),
    modulus: (v) => (modulus = r.uint(v)),
    target_label: (v) => (targetLabel = r.string(v)),
    replacement: (v) => (replacement = v === null ? DEFAULT_REPLACEMENT : r.string(v)),
    action: (v) => {
      const written = r.string(v);
      const lower = written.toLowerCase() as RelabelAction;
      if (written === '') return;
      if (!RELABEL_ACTIONS.includes(lower)) r.fail(v, `unknown relabel action ${JSON.stringify(written)}`);
      action = lower;
    },
  });
  let regex: Regex;
  try {
    regex = compileAnchored(regexSource);
  } catch (err) {
    r.fail(node, (err as Error).message);
  }
  const cfg: RelabelConfig = { sourceLabels: sourceLabels ?? [], separator, regex, modulus, targetLabel, replacement, action };
  const problem = relabelConfigProblem(cfg, sourceLabels !== undefined, scheme);
  if (problem) r.fail(node, problem);
  return cfg;
}

/** Prometheus's validation of one relabel step; returns its message, or undefined when valid. */
export function relabelConfigProblem(c: RelabelConfig, sourceLabelsSet: boolean, scheme: NameValidationScheme): string | undefined {
  const a = c.action;
  const needsTarget = a === 'replace' || a === 'hashmod' || a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal';
  const invalidTarget = `${JSON.stringify(c.targetLabel)} is invalid 'target_label' for ${a} action`;
  if (a === 'hashmod' && c.modulus === 0) return 'relabel configuration for hashmod requires non-zero modulus';
  if (needsTarget && c.targetLabel === '') return `relabel configuration for ${a} action requires 'target_label' value`;
  if (a === 'replace') {
    const ok = c.targetLabel.includes('$') ? isValidTemplateName(c.targetLabel, scheme) : isValidLabelName(c.targetLabel, scheme);
    if (!ok) return invalidTarget;
  }
  if ((a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal' || a === 'hashmod') && !isValidLabelName(c.targetLabel, scheme)) {
    return invalidTarget;
  }
  if ((a === 'lowercase' || a === 'uppercase' || a === 'keepequal' || a === 'dropequal') && c.replacement !== DEFAULT_REPLACEMENT) {
    return `'replacement' can not be set for ${a} action`;
  }
  if (a === 'labelmap' && !isValidTemplateName(c.replacement, scheme)) {
    return `${JSON.stringify(c.replacement)} is invalid 'replacement' for ${a} action`;
  }
  if (
    (a === 'keepequal' || a === 'dropequal') &&
    (c.regex.source !== DEFAULT_REGEX || c.modulus !== 0 || c.separator !== DEFAULT_SEPARATOR || c.replacement !== DEFAULT_REPLACEMENT)
  ) {
    return `${a} action requires only 'source_labels' and \`target_label\`, and no other fields`;
  }
  if (
    (a === 'labeldrop' || a === 'labelkeep') &&
    (sourceLabelsSet || c.targetLabel !== '' || c.modulus !== 0 || c.separator !== DEFAULT_SEPARATOR || c.replacement !== DEFAULT_REPLACEMENT)
  ) {
    return `${a} action requires only 'regex', and no other fields`;
  }
  return undefined;
}
