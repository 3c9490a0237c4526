// Alert label and annotation templates, expanded the way Prometheus does: the template text is
// prefixed with definitions of $labels, $externalLabels, $externalURL and $value, and any error
// becomes the expanded value `<error expanding template: ...>` rather than failing the rule.
import { Labels, labelsToRecord } from '../../model/labels';
import { BUILTINS, LAZY_BUILTINS } from './builtins';
import { FuncSpec, TemplateExecutor } from './exec';
import { prometheusFuncs, TemplateQueryFunc } from './functions';
import { TemplateNode, TemplateParseError, TemplateParser } from './parse';
import { GoStruct, GoValue } from './values';

export { TemplateQueryFunc } from './functions';

export interface AlertTemplateData {
  labels: Labels;
  externalLabels: Labels;
  externalUrl: string;
  value: number;
}

export interface ExpandOptions {
  /** Evaluation time (ms): queries in the template run at this instant. */
  ts: number;
  query?: TemplateQueryFunc;
  externalUrl: string;
}

const ALERT_DEFS = '{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}';

// Go prints the anonymous struct's type in field errors (`can't evaluate field Foo in type ...`).
const ALERT_DATA_TYPE = 'struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value float64 }';

function labelMap(ls: Labels): ReadonlyMap<string, GoValue> {
  return new Map(Object.entries(labelsToRecord(ls)));
}

function allFuncs(opts: ExpandOptions): Map<string, FuncSpec> {
  const funcs = new Map(BUILTINS);
  for (const [k, v] of prometheusFuncs(opts)) funcs.set(k, v);
  return funcs;
}

/** Every function name a template may call (the set is fixed; only the implementations vary per call). */
const FUNCTION_NAMES: ReadonlySet<string> = new Set([...BUILTINS.keys(), ...prometheusFuncs({ ts: 0, externalUrl: '' }).keys(), ...LAZY_BUILTINS]);

/** Parsed templates by name and text: alert annotations are expanded for every alert on every evaluation. */
const parsedCache = new Map<string, TemplateNode[] | TemplateParseError>();
const PARSED_CACHE_LIMIT = 10_000;

function parseCached(name: string, text: string): TemplateNode[] {
  const key = `${name}\xff${text}`;
  let hit = parsedCache.get(key);
  if (hit === undefined) {
    try {
      hit = new TemplateParser(name, text, FUNCTION_NAMES).parse();
    } catch (err) {
      if (!(err instanceof TemplateParseError)) throw err;
      hit = err;
    }
    if (parsedCache.size >= PARSED_CACHE_LIMIT) parsedCache.clear();
    parsedCache.set(key, hit);
  }
  if (hit instanceof TemplateParseError) throw hit;
  return hit;
}

/** Expands `text` as template `name` over `data`; throws Prometheus's error text on failure. */
export async function expandTemplate(name: string, text: string, data: GoValue, opts: ExpandOptions): Promise<string> {
  let tree: TemplateNode[];
  try {
    tree = parseCached(name, text);
  } catch (err) {
    throw new Error(`error parsing template ${name}: ${(err as Error).message}`);
  }
  try {
    return await new TemplateExecutor(name, text, allFuncs(opts)).execute(tree, data);
  } catch (err) {
    throw new Error(`error executing template ${name}: ${(err as Error).message}`);
  }
}

/** Checks that a rule's label or annotation template parses; returns Go's parse error text, as `promtool check rules` shows it. */
export function checkAlertTemplate(ruleName: string, text: string): string | null {
  try {
    new TemplateParser(`__alert_${ruleName}`, ALERT_DEFS + text, FUNCTION_NAMES).parse();
    return null;
  } catch (err) {
    return (err as Error).message;
  }
}

/** Expands one alert label or annotation; an error is returned as the value, as Prometheus does. */
export async function expandAlertTemplate(ruleName: string, text: string, data: AlertTemplateData, opts: ExpandOptions): Promise<string> {
  if (!text.includes('{{')) return text;
  const goData = new GoStruct(ALERT_DATA_TYPE, {
    Labels: labelMap(data.labels),
    ExternalLabels: labelMap(data.externalLabels),
    ExternalURL: data.externalUrl,
    Value: data.value,
  });
  try {
    return await expandTemplate(`__alert_${ruleName}`, ALERT_DEFS + text, goData, opts);
  } catch (err) {
    return `<error expanding template: ${(err as Error).message}>`;
  }
}
