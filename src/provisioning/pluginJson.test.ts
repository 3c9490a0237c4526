/** @jest-environment node */
// plugin.json against what Grafana requires of a plugin (its plugin.schema.json) and what a
// backend data source with alerting needs.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, readJson } from './stack';

interface PluginJson {
  type: string;
  name: string;
  id: string;
  backend?: boolean;
  alerting?: boolean;
  annotations?: boolean;
  metrics?: boolean;
  executable?: string;
  info: {
    author?: { name?: string };
    keywords: string[];
    logos: { small: string; large: string };
    links?: Array<{ name: string; url: string }>;
    version: string;
    updated: string;
    description?: string;
  };
  dependencies: { grafanaDependency: string; plugins?: unknown[] };
}

const plugin = readJson('plugin.json') as PluginJson;

test('the fields Grafana requires are present', () => {
  for (const field of ['type', 'name', 'id', 'info', 'dependencies'] as const) expect(plugin[field]).toBeTruthy();
  for (const field of ['keywords', 'logos', 'version', 'updated'] as const) expect(plugin.info[field]).toBeTruthy();
  expect(plugin.dependencies.grafanaDependency).toMatch(/^>=\d+\.\d+\.\d+$/);
});

test("the id follows Grafana's <org>-<name>-<type> rule and names a data source", () => {
  expect(plugin.id).toMatch(/^[0-9a-z]+-([0-9a-z]+-)?(app|panel|datasource)$/);
  expect(plugin.id).toBe('flintlabs-flint-datasource');
  expect(plugin.type).toBe('datasource');
});

test('a backend data source for metrics, alerting and annotations, started as gpx_flint', () => {
  expect(plugin).toMatchObject({
    backend: true,
    alerting: true,
    annotations: true,
    metrics: true,
    executable: 'gpx_flint',
  });
});

test('the version and date placeholders are filled in by the build from package.json', () => {
  expect(plugin.info.version).toBe('%VERSION%');
  expect(plugin.info.updated).toBe('%TODAY%');
});

test('logos exist, and links are absolute', () => {
  for (const logo of [plugin.info.logos.small, plugin.info.logos.large])
    expect(existsSync(join(ROOT, logo))).toBe(true);
  for (const link of plugin.info.links ?? []) expect(new URL(link.url).protocol).toBe('https:');
});

test('the build entry module exists', () => {
  expect(existsSync(join(ROOT, 'src', 'module.ts'))).toBe(true);
});
