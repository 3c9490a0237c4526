/** @jest-environment node */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { loadConfigFile } from '../../pkg-ts-backend/src/config/load';
import { parseExpr } from '../../pkg-ts-backend/src/promql/parser';
import { parseRuleFile } from '../../pkg-ts-backend/src/rules/file';
import { parseVariableQuery } from '../variableQuery';
import {
  BUILT_IN_DATASOURCES,
  ROOT,
  datasourceRefs,
  filesUnder,
  readJson,
  readYaml,
  withSampleVariables,
} from './stack';

interface PluginJson {
  id: string;
}
interface DataSourceFile {
  apiVersion: number;
  datasources: Array<{
    name: string;
    type: string;
    uid: string;
    url: string;
    access: string;
    jsonData?: Record<string, unknown>;
  }>;
}
interface Target {
  refId: string;
  expr?: string;
  datasource?: { type?: string; uid?: string };
}
interface Panel {
  id: number;
  title: string;
  type: string;
  targets?: Target[];
  gridPos: { x: number; y: number; w: number; h: number };
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query: string }> };
  annotations: { list: Array<{ name: string; target?: Target; builtIn?: number }> };
}

const plugin = readJson('plugin.json') as PluginJson;
const datasourceFile = readYaml('provisioning/datasources/flint.yaml') as DataSourceFile;
const flintSource = datasourceFile.datasources[0];

function isPluginRef(ref: { type?: string; uid?: string }): boolean {
  return ref.type === plugin.id && ref.uid === flintSource.uid;
}

test('every provisioning file parses', () => {
  const files = filesUnder('provisioning');
  expect(files.length).toBeGreaterThanOrEqual(9);
  for (const file of files) {
    if (/\.ya?ml$/.test(file)) expect(() => readYaml(file)).not.toThrow();
    else if (file.endsWith('.json')) expect(() => readJson(file)).not.toThrow();
    else throw new Error(`unexpected file in provisioning/: ${file}`);
  }
});

describe('data source', () => {
  test('one Flint data source of the plugin type, with a fixed uid, pointing at the flint service', () => {
    expect(datasourceFile.apiVersion).toBe(1);
    expect(datasourceFile.datasources).toHaveLength(1);
    expect(flintSource).toMatchObject({ type: plugin.id, uid: 'flint', access: 'proxy', url: 'http://flint:9090' });
    expect(flintSource.jsonData).toMatchObject({ timeInterval: '15s' });
  });
});

describe('dashboards', () => {
  const provider = (
    readYaml('provisioning/dashboards/flint.yaml') as { providers: Array<{ type: string; options: { path: string } }> }
  ).providers[0];
  const dashboardFiles = filesUnder('provisioning/dashboards/json');
  const dashboards = dashboardFiles.map((f) => ({ file: f, dashboard: readJson(f) as Dashboard }));

  test('the provider reads the folder the dashboards are mounted at', () => {
    expect(provider.type).toBe('file');
    expect(provider.options.path).toBe('/etc/grafana/provisioning/dashboards/json');
    expect(dashboardFiles.length).toBeGreaterThanOrEqual(2);
  });

  test('uids are unique and the two required dashboards exist', () => {
    const uids = dashboards.map((d) => d.dashboard.uid);
    expect(new Set(uids).size).toBe(uids.length);
    expect(uids).toEqual(expect.arrayContaining(['flint-overview', 'node-exporter-host']));
  });

  test.each(dashboardFiles)('%s: every data source reference is the plugin', (file) => {
    const dashboard = readJson(file) as Dashboard;
    const refs = datasourceRefs(dashboard).filter(({ ref }) => !BUILT_IN_DATASOURCES.has(ref.type ?? ''));
    expect(refs.length).toBeGreaterThan(dashboard.panels.length);
    for (const { path, ref } of refs) expect({ path, ok: isPluginRef(ref) }).toEqual({ path, ok: true });
  });

  test.each(dashboardFiles)('%s: panels have queries flint can parse, and do not overlap', (file) => {
    const dashboard = readJson(file) as Dashboard;
    const cells = new Set<string>();
    for (const panel of dashboard.panels) {
      expect(panel.targets?.length).toBeGreaterThan(0);
      for (const target of panel.targets ?? []) {
        expect(target.expr).toBeTruthy();
        expect(() => parseExpr(withSampleVariables(target.expr as string))).not.toThrow();
      }
      for (let x = panel.gridPos.x; x < panel.gridPos.x + panel.gridPos.w; x++)
        for (let y = panel.gridPos.y; y < panel.gridPos.y + panel.gridPos.h; y++) {
          expect(cells.has(`${x},${y}`)).toBe(false);
          cells.add(`${x},${y}`);
        }
      expect(panel.gridPos.x + panel.gridPos.w).toBeLessThanOrEqual(24);
    }
  });

  test.each(dashboardFiles)('%s: variables are variable queries of the plugin, and are used', (file) => {
    const dashboard = readJson(file) as Dashboard;
    const text = JSON.stringify(dashboard.panels);
    for (const variable of dashboard.templating.list) {
      expect(parseVariableQuery(variable.query)).toBeDefined();
      expect(text).toContain(`$${variable.name}`);
    }
  });

  test('annotation queries parse', () => {
    for (const { dashboard } of dashboards)
      for (const annotation of dashboard.annotations.list.filter((a) => !a.builtIn))
        expect(() => parseExpr(withSampleVariables(annotation.target?.expr ?? ''))).not.toThrow();
  });
});

describe('alerting', () => {
  interface AlertQuery {
    refId: string;
    datasourceUid: string;
    model: { expr?: string; expression?: string; type?: string; datasource?: { type?: string; uid?: string } };
  }
  interface Rule {
    uid: string;
    title: string;
    condition: string;
    data: AlertQuery[];
    for: string;
  }
  const rules = readYaml('provisioning/alerting/rules.yaml') as {
    groups: Array<{ name: string; folder: string; interval: string; rules: Rule[] }>;
  };
  const contacts = readYaml('provisioning/alerting/contact-points.yaml') as {
    contactPoints: Array<{ name: string; receivers: Array<{ uid: string; type: string; settings: { url?: string } }> }>;
    policies: Array<{ receiver: string }>;
  };
  const allRules = rules.groups.flatMap((g) => g.rules);

  test('rules query the plugin data source and their conditions refer to their own queries', () => {
    expect(allRules.length).toBeGreaterThan(0);
    expect(new Set(allRules.map((r) => r.uid)).size).toBe(allRules.length);
    for (const rule of allRules) {
      const refIds = rule.data.map((q) => q.refId);
      expect(refIds).toContain(rule.condition);
      const pluginQueries = rule.data.filter((q) => q.datasourceUid !== '__expr__');
      expect(pluginQueries.length).toBeGreaterThan(0);
      for (const q of pluginQueries) {
        expect(q.datasourceUid).toBe(flintSource.uid);
        expect(isPluginRef(q.model.datasource ?? {})).toBe(true);
        expect(() => parseExpr(withSampleVariables(q.model.expr ?? ''))).not.toThrow();
      }
      for (const q of rule.data.filter((d) => d.datasourceUid === '__expr__'))
        expect(refIds).toContain(q.model.expression);
    }
  });

  test('the contact point sends to the stack Alertmanager, and the policy uses it', () => {
    const names = contacts.contactPoints.map((c) => c.name);
    for (const policy of contacts.policies) expect(names).toContain(policy.receiver);
    const receiver = contacts.contactPoints[0].receivers[0];
    expect(receiver).toMatchObject({ type: 'prometheus-alertmanager', settings: { url: 'http://alertmanager:9093' } });
  });

  test('rules live in the dashboards folder', () => {
    for (const group of rules.groups) expect(group.folder).toBe('Flint');
  });
});

describe("flint's configuration for the stack", () => {
  test("loads with flint's own config loader, rules included", () => {
    const config = loadConfigFile(join(ROOT, 'provisioning/flint/flint.yml'));
    expect(config.scrapeConfigs.map((s) => s.jobName)).toEqual(
      expect.arrayContaining(['flint', 'node', 'demo', 'alertmanager'])
    );
    for (const file of config.ruleFiles) expect(existsSync(file)).toBe(true);
  });

  test("its rule file passes flint's rule checks, and records what the demo dashboard reads", () => {
    const config = loadConfigFile(join(ROOT, 'provisioning/flint/flint.yml'));
    const groups = config.ruleFiles.flatMap((file) => parseRuleFile(readFileSync(file, 'utf8'), file));
    expect(groups.length).toBeGreaterThan(0);
    const demo = readFileSync(join(ROOT, 'provisioning/dashboards/json/demo-app.json'), 'utf8');
    expect(demo).toContain('job:request_processing_seconds:mean5m');
    expect(readFileSync(config.ruleFiles[0], 'utf8')).toContain('record: job:request_processing_seconds:mean5m');
  });
});
