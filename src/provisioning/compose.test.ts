/** @jest-environment node */
// Docker cannot run where these tests run, so the stack is checked as files: every service,
// mount, port and address that the services use to find each other.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, readJson, readYaml } from './stack';

interface Service {
  image?: string;
  build?: { context: string; dockerfile?: string };
  command?: string[];
  environment?: Record<string, string>;
  volumes?: string[];
  ports?: string[];
  depends_on?: string[];
}

const compose = readYaml('docker-compose.yml') as {
  services: Record<string, Service>;
  volumes: Record<string, unknown>;
};
const plugin = readJson('plugin.json') as { id: string };
const { services } = compose;

function flag(service: Service, name: string): string | undefined {
  const prefix = `--${name}=`;
  return service.command?.find((c) => c.startsWith(prefix))?.slice(prefix.length);
}

function portOf(address: string): string {
  return address.slice(address.lastIndexOf(':') + 1);
}

test('the stack has Grafana, flint, node exporter, Alertmanager and the demo app', () => {
  expect(Object.keys(services).sort()).toEqual(['alertmanager', 'demo-app', 'flint', 'grafana', 'node-exporter']);
  for (const [name, service] of Object.entries(services)) {
    expect({ name, runnable: Boolean(service.image || service.build) }).toEqual({ name, runnable: true });
    for (const dependency of service.depends_on ?? []) expect(Object.keys(services)).toContain(dependency);
  }
});

test('bind mounts exist on the host and named volumes are declared', () => {
  for (const service of Object.values(services))
    for (const volume of service.volumes ?? []) {
      const [source] = volume.split(':');
      if (source.startsWith('.')) {
        // dist/ is what `npm run build` makes; its sources are checked instead.
        if (source === './dist') continue;
        expect({ volume, exists: existsSync(join(ROOT, source)) }).toEqual({ volume, exists: true });
      } else if (!source.startsWith('/')) expect(Object.keys(compose.volumes)).toContain(source);
    }
});

describe('grafana', () => {
  const grafana = services.grafana;
  const env = grafana.environment ?? {};

  test('loads the plugin from dist/, unsigned loading allowed for its id only', () => {
    expect(grafana.volumes).toContain(`./dist:/var/lib/grafana/plugins/${plugin.id}:ro`);
    expect(env.GF_PLUGINS_ALLOW_LOADING_UNSIGNED_PLUGINS).toBe(plugin.id);
  });

  test("finds the plugin backend at flint's --grafana.listen-address", () => {
    // The variable the locator executable reads, as the backend README documents it.
    const variable = `GF_PLUGIN_${plugin.id.toUpperCase().replace(/-/g, '_')}_GRPC_ADDRESS`;
    expect(readFileSync(join(ROOT, 'pkg-ts-backend/src/grafana/README.md'), 'utf8')).toContain(variable);
    expect(readFileSync(join(ROOT, 'scripts/build-plugin.mjs'), 'utf8')).toContain('_GRPC_ADDRESS');
    const grpcPort = portOf(flag(services.flint, 'grafana.listen-address') ?? '');
    expect(env[variable]).toBe(`flint:${grpcPort}`);
  });

  test('provisioning folders are mounted where Grafana reads them', () => {
    for (const kind of ['datasources', 'dashboards', 'alerting'])
      expect(grafana.volumes).toContain(`./provisioning/${kind}:/etc/grafana/provisioning/${kind}:ro`);
  });
});

describe('flint', () => {
  const flint = services.flint;

  test('is built from the Dockerfile and reads the stack configuration', () => {
    expect(flint.build).toEqual({ context: '.', dockerfile: 'Dockerfile' });
    expect(existsSync(join(ROOT, 'Dockerfile'))).toBe(true);
    expect(flag(flint, 'config.file')).toBe('/etc/flint/flint.yml');
    expect(flint.volumes).toContain('./provisioning/flint:/etc/flint:ro');
  });

  test('listens where the data source URL points', () => {
    const source = (readYaml('provisioning/datasources/flint.yaml') as { datasources: Array<{ url: string }> })
      .datasources[0];
    const url = new URL(source.url);
    expect(url.hostname).toBe('flint');
    expect(portOf(flag(flint, 'web.listen-address') ?? '')).toBe(url.port);
  });

  test('scrapes the services of the stack at their ports', () => {
    const config = readYaml('provisioning/flint/flint.yml') as {
      scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
      alerting: { alertmanagers: Array<{ static_configs: Array<{ targets: string[] }> }> };
    };
    const targets = config.scrape_configs.flatMap((s) => s.static_configs.flatMap((c) => c.targets));
    const known: Record<string, string> = {
      localhost: portOf(flag(flint, 'web.listen-address') ?? ''),
      'node-exporter': '9100',
      'demo-app': services['demo-app'].environment?.PORT ?? '',
      alertmanager: '9093',
      grafana: '3000',
    };
    for (const target of targets) {
      const host = target.slice(0, target.lastIndexOf(':'));
      expect({ target, port: known[host] }).toEqual({ target, port: portOf(target) });
    }
    expect(config.alerting.alertmanagers[0].static_configs[0].targets).toEqual(['alertmanager:9093']);
  });

  test('the image runs the built server with the plugin protocol files', () => {
    const dockerfile = readFileSync(join(ROOT, 'Dockerfile'), 'utf8');
    expect(dockerfile).toMatch(/^FROM node:\d+/m);
    expect(dockerfile).toContain('pkg-ts-backend/src/grafana/plugin/proto');
    expect(dockerfile).toContain('ENTRYPOINT ["node", "pkg-ts-backend/bin/flint.js"]');
    for (const source of ['pkg-ts-backend/bin', 'pkg-ts-backend/src/grafana/plugin/proto', 'scripts/build-ui.mjs'])
      expect(existsSync(join(ROOT, source))).toBe(true);
  });
});

test('the demo app builds from its own folder and listens on the scraped port', () => {
  const demo = services['demo-app'];
  expect(demo.build?.context).toBe('./demo-app');
  for (const file of ['Dockerfile', 'package.json', 'tsconfig.json', 'src/main.ts'])
    expect(existsSync(join(ROOT, 'demo-app', file))).toBe(true);
  const pkg = readJson('demo-app/package.json') as { dependencies: Record<string, string> };
  expect(Object.keys(pkg.dependencies)).toContain('prom-client');
});

test("Alertmanager's configuration is mounted and names its receiver", () => {
  expect(services.alertmanager.volumes).toContain('./provisioning/alertmanager:/etc/alertmanager:ro');
  const config = readYaml('provisioning/alertmanager/alertmanager.yml') as {
    route: { receiver: string };
    receivers: Array<{ name: string }>;
  };
  expect(config.receivers.map((r) => r.name)).toContain(config.route.receiver);
});
