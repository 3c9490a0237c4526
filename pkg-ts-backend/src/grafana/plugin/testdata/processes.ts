// Test support for the interop suites: real servers (Prometheus, flint) in a temporary
// directory, the built locator started as Grafana starts it, and small waiting helpers.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

export const repoRoot = join(__dirname, '..', '..', '..', '..', '..');
export const locatorPath = join(repoRoot, 'dist', 'gpx_flint_linux_amd64');

/** Runs the build step that writes the locators, as `npm run build` does. */
export function buildLocators(): void {
  const build = spawnSync(process.execPath, [join(repoRoot, 'scripts', 'build-plugin.mjs'), 'locators'], {
    encoding: 'utf8',
  });
  if (build.status !== 0) throw new Error(`build-plugin failed: ${build.stderr}`);
}

export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * A server taking Prometheus's flags (Prometheus itself, or flint) that scrapes itself every
 * second under job `job`, with its data in `dir`.
 */
export class ScrapingServer {
  private child?: ChildProcess;
  readonly url: string;
  /** The end of its stderr, shown when it fails to come up. */
  private log = '';

  constructor(
    private readonly command: readonly string[],
    private readonly dir: string,
    readonly port: number,
    job: string,
    private readonly extraArgs: readonly string[] = []
  ) {
    this.url = `http://127.0.0.1:${port}`;
    mkdirSync(dir, { recursive: true });
    writeFileSync(
      join(dir, 'config.yml'),
      `global:\n  scrape_interval: 1s\n  evaluation_interval: 1s\nscrape_configs:\n  - job_name: ${job}\n    static_configs:\n      - targets: ['127.0.0.1:${port}']\n`
    );
  }

  async start(): Promise<void> {
    const [program, ...programArgs] = this.command;
    this.child = spawn(
      program,
      [
        ...programArgs,
        `--config.file=${join(this.dir, 'config.yml')}`,
        `--storage.tsdb.path=${join(this.dir, 'data')}`,
        `--web.listen-address=127.0.0.1:${this.port}`,
        ...this.extraArgs,
      ],
      { stdio: ['ignore', 'ignore', 'pipe'] }
    );
    this.child.stderr!.on('data', (chunk: Buffer) => (this.log = (this.log + chunk.toString()).slice(-4000)));
    // Two scrapes, so that a range query ending at the last whole second already has a point.
    await waitFor(`${this.command.join(' ')} to scrape itself twice`, async () => {
      const res = await fetch(`${this.url}/api/v1/query?query=count_over_time(up[1m])`);
      const body = (await res.json()) as { data: { result: Array<{ value: [number, string] }> } };
      return Number(body.data.result[0]?.value[1] ?? 0) >= 2 ? true : undefined;
    }).catch((e: Error) => {
      throw new Error(`${e.message}; its log ends with:\n${this.log}`);
    });
  }

  async stop(): Promise<void> {
    const child = this.child;
    if (!child || child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    await exited;
  }
}

export interface Locator {
  child: ChildProcess;
  firstLine: string;
}

/** Starts the locator as Grafana does: no arguments, Grafana's variables only, stdout piped. */
export async function startLocator(env: Record<string, string>): Promise<Locator> {
  const child = spawn(locatorPath, [], { env, stdio: ['ignore', 'pipe', 'pipe'] });
  const lines = createInterface({ input: child.stdout! });
  const firstLine = await new Promise<string>((resolve, reject) => {
    lines.once('line', resolve);
    child.once('exit', (code) => reject(new Error(`locator exited with ${code} before the handshake`)));
  });
  return { child, firstLine };
}

/** The environment Grafana gives a plugin process with host variables skipped: no PATH, no HOME. */
export function grafanaEnv(address: string): Record<string, string> {
  return {
    grafana_plugin_type: 'datasource',
    PLUGIN_PROTOCOL_VERSIONS: '2',
    PLUGIN_MIN_PORT: '10000',
    PLUGIN_MAX_PORT: '25000',
    GF_VERSION: '12.3.0',
    GF_EDITION: 'Open Source',
    GF_PLUGIN_GRPC_ADDRESS: address,
  };
}

export async function stopLocator(locator: Locator): Promise<void> {
  if (locator.child.exitCode !== null || locator.child.signalCode !== null) return;
  const exited = new Promise((resolve) => locator.child.once('exit', resolve));
  locator.child.kill('SIGKILL');
  await exited;
}
