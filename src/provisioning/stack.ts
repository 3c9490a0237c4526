// Readers for the files of the docker compose stack, shared by the checks in this folder.
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { parseDocument } from 'yaml';

export const ROOT = join(__dirname, '..', '..');

export function readYaml(relativePath: string): unknown {
  const doc = parseDocument(readFileSync(join(ROOT, relativePath), 'utf8'), { prettyErrors: true });
  if (doc.errors.length > 0) throw new Error(`${relativePath}: ${doc.errors.map((e) => e.message).join('; ')}`);
  return doc.toJS();
}

export function readJson(relativePath: string): unknown {
  return JSON.parse(readFileSync(join(ROOT, relativePath), 'utf8'));
}

/** Every file below a folder of the repository, as paths relative to the repository. */
export function filesUnder(relativeDir: string): string[] {
  const found: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) walk(path);
      else found.push(path);
    }
  };
  walk(relativeDir);
  return found.sort();
}

export interface DataSourceRef {
  type?: string;
  uid?: string;
}

/** Grafana's own pseudo data sources, which dashboards and rules may use beside the plugin. */
export const BUILT_IN_DATASOURCES = new Set(['grafana', '__expr__', 'datasource']);

/** Every `datasource` reference anywhere in a JSON value, with where it is. */
export function datasourceRefs(value: unknown, path = '$'): Array<{ path: string; ref: DataSourceRef }> {
  const refs: Array<{ path: string; ref: DataSourceRef }> = [];
  if (Array.isArray(value)) value.forEach((v, i) => refs.push(...datasourceRefs(v, `${path}[${i}]`)));
  else if (value && typeof value === 'object') {
    for (const [key, v] of Object.entries(value)) {
      if (key === 'datasource' && v && typeof v === 'object')
        refs.push({ path: `${path}.datasource`, ref: v as DataSourceRef });
      refs.push(...datasourceRefs(v, `${path}.${key}`));
    }
  }
  return refs;
}

/**
 * An expression with Grafana's variables replaced by values of the right kind, so flint's
 * parser can check what Grafana would send.
 */
export function withSampleVariables(expr: string): string {
  return expr
    .replace(/\$__(rate_interval|interval|range)\b/g, '5m')
    .replace(/\$__range_s\b/g, '300')
    .replace(/\$\{?(\w+)\}?/g, 'sample');
}
