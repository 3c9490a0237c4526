// `flint serve`: wires storage, collection, query, rules and the web server together and runs
// them until SIGINT/SIGTERM, then shuts down in reverse order. SIGHUP and POST /-/reload reload
// the configuration; a bad file is rejected and the running configuration stays in force.
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { registerApi } from '../api/register';
import { createPromqlParser } from '../api/promqlParser';
import { embeddedConfigYaml, selfScrapeTarget } from '../config/embedded';
import { expandFileGlob } from '../config/fileGlob';
import { ConfigError, loadConfigFile, parseConfig } from '../config/load';
import { ConfigReloader } from '../config/reloader';
import type { Config, SDConfig } from '../config/types';
import { DiscoveryManager } from '../discovery/manager';
import type { GrafanaPluginService } from '../grafana/plugin/service';
import { Notifier } from '../notifier/notifier';
import { Engine } from '../promql/engine';
import { languageFeatures } from '../promql/features';
import { engineQueryFunc } from '../rules/engineQuery';
import { RuleManager } from '../rules/manager';
import { ScrapeManager } from '../scrape/manager';
import { ExemplarStorage } from '../storage/exemplars';
import { registerRemoteHandlers } from '../storage/remote/handlers';
import { RemoteReadClient } from '../storage/remote/read';
import { RemoteWriteStorage } from '../storage/remote/storage';
import { TSDB } from '../tsdb/db';
import { createLogger, Logger } from '../util/log';
import * as metrics from '../util/metrics';
import { BUILD_INFO, VERSION } from '../version';
import { WebServer } from '../web/server';
import { registerUi } from '../web/ui';
import { tsdbAdmin } from './adapters';
import { RemoteReadEngine } from './remoteReadEngine';
import type { ServerOptions } from './options';
import { UsageError } from './flags';

export interface LoadedConfigText {
  /** The file it came from, or '' for the embedded default. */
  path: string;
  yaml: string;
}

/** Reads the config text: the named file, or the embedded default when the default file is absent. */
export function readConfigText(opts: ServerOptions): LoadedConfigText {
  if (!opts.configFileExplicit && !existsSync(opts.configFile)) {
    return { path: '', yaml: embeddedConfigYaml(selfScrapeTarget(opts.listenAddress)) };
  }
  try {
    return { path: opts.configFile, yaml: readFileSync(opts.configFile, 'utf8') };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file or directory' : code === 'EACCES' ? 'permission denied' : (err as Error).message;
    throw new UsageError(`error loading config from "${opts.configFile}": ${why}`);
  }
}

export interface RunningServer {
  readonly logger: Logger;
  readonly web: WebServer;
  readonly tsdb: TSDB;
  readonly address: { host: string; port: number };
  readonly grafanaAddress?: string;
  reload(): Promise<void>;
  stop(): Promise<void>;
}

function externalUrlFor(opts: ServerOptions, port: number): string {
  if (opts.externalUrl) return opts.externalUrl.replace(/\/$/, '');
  return `http://${selfScrapeTarget(opts.listenAddress).replace(/:\d+$/, `:${port}`)}`;
}

export async function startServer(opts: ServerOptions, logger = createLogger({ level: opts.logLevel, format: opts.logFormat })): Promise<RunningServer> {
  const startTime = Date.now();
  const configText = readConfigText(opts);
  const configName = configText.path || '(embedded default)';
  let initial: Config;
  try {
    initial = parseConfig(configText.yaml, configName);
  } catch (err) {
    throw new ConfigError(`error loading config from "${configName}": ${(err as Error).message}`);
  }
  const dataDir = resolve(opts.tsdbPath);
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
  } catch (err) {
    throw new UsageError(`storage path "${opts.tsdbPath}" is not a writable directory: ${(err as Error).message}`);
  }
  metrics.startDefaultMetrics();
  metrics.buildInfo.labels(BUILD_INFO.version, BUILD_INFO.revision, BUILD_INFO.branch, BUILD_INFO.goVersion).set(1);
  logger.info('Starting flint', { version: VERSION, node: process.versions.node });
  logger.info(configText.path ? 'Using configuration file' : 'No configuration file found; using the embedded default (flint scrapes itself)', {
    filename: configText.path || opts.configFile,
  });

  let ready = false;
  let lastReloadOk = true;
  let lastConfigTime = Date.now();
  let stopping: Promise<void> | undefined;
  let reloader: ConfigReloader | undefined;
  let current = initial;
  const web = new WebServer({
    listenAddress: opts.listenAddress,
    enableLifecycle: opts.enableLifecycle,
    readTimeoutMs: opts.readTimeoutMs,
    maxConnections: opts.maxConnections,
    webConfigFile: opts.webConfigFile,
    logger: logger.child({ component: 'web' }),
    reload: () => reload(),
    quit: () => void stop(),
  });
  const addr = await web.listen();
  const externalUrl = externalUrlFor(opts, addr.port);

  const tsdb = await TSDB.open(dataDir, {
    retentionTimeMs: opts.retentionTimeMs,
    retentionSizeBytes: opts.retentionSizeBytes,
    minBlockDurationMs: opts.minBlockDurationMs,
    maxBlockDurationMs: opts.maxBlockDurationMs,
    walFsync: opts.walFsync,
    outOfOrderTimeWindowMs: initial.storage.outOfOrderTimeWindowMs,
    logger: logger.child({ component: 'tsdb' }),
  });
  // Prometheus keeps exemplars only behind --enable-feature=exemplar-storage.
  const exemplars = opts.features.has('exemplar-storage') ? new ExemplarStorage(initial.storage.maxExemplars) : undefined;
  metrics.setExemplarStats(exemplars);
  let readClients: RemoteReadClient[] = [];
  const remote = new RemoteWriteStorage(logger.child({ component: 'remote' }), dataDir);
  const appendable = remote.wrap(tsdb);
  const engine = new Engine({
    lookbackDeltaMs: opts.lookbackDeltaMs,
    maxSamples: opts.queryMaxSamples,
    timeoutMs: opts.queryTimeoutMs,
    maxConcurrency: opts.queryMaxConcurrency,
    ...languageFeatures(opts.features),
    enableDelayedNameRemoval: opts.features.has('promql-delayed-name-removal'),
    defaultEvalIntervalMs: initial.global.evaluationIntervalMs,
    logger: logger.child({ component: 'query engine' }),
  });
  const discovery = new DiscoveryManager(logger.child({ component: 'discovery manager scrape' }));
  const scrape = new ScrapeManager(appendable, {
    logger,
    externalLabels: initial.global.externalLabels,
    exemplars,
    timestampToleranceMs: opts.scrapeTimestampToleranceMs,
  });
  discovery.onUpdate((groups) => scrape.onTargetGroups(groups));
  const notifier = new Notifier({
    logger: logger.child({ component: 'notifier' }),
    queueCapacity: opts.notificationQueueCapacity,
    externalLabels: initial.global.externalLabels,
  });
  const rules = new RuleManager({
    appendable,
    queryable: tsdb,
    query: engineQueryFunc(engine, tsdb),
    notifier,
    logger: logger.child({ component: 'rule manager' }),
    externalLabels: initial.global.externalLabels,
    externalUrl,
    forOutageToleranceMs: opts.forOutageToleranceMs,
    forGracePeriodMs: opts.forGracePeriodMs,
    resendDelayMs: opts.resendDelayMs,
    defaultEvaluationIntervalMs: initial.global.evaluationIntervalMs,
    defaultQueryOffsetMs: initial.global.ruleQueryOffsetMs,
    parseOptions: languageFeatures(opts.features),
  });

  const appliers = [
    { name: 'exemplars', apply: (cfg: Config) => exemplars?.resize(cfg.storage.maxExemplars) },
    { name: 'tsdb', apply: (cfg: Config) => tsdb.setOutOfOrderTimeWindow(cfg.storage.outOfOrderTimeWindowMs) },
    { name: 'remote_write', apply: (cfg: Config) => remote.applyConfig(cfg.remoteWrite, cfg.global.externalLabels) },
    {
      name: 'remote_read',
      apply: (cfg: Config) => {
        for (const c of readClients) c.close();
        readClients = cfg.remoteRead.map((rc) => new RemoteReadClient(rc, cfg.global.externalLabels));
      },
    },
    {
      name: 'scrape',
      apply: (cfg: Config) => {
        scrape.applyConfig(cfg);
        discovery.applyConfig(new Map<string, SDConfig[]>(cfg.scrapeConfigs.map((sc) => [sc.jobName, sc.serviceDiscovery])));
      },
    },
    { name: 'notify', apply: (cfg: Config) => notifier.applyConfig(cfg.alerting.alertmanagers, cfg.alerting.alertRelabelConfigs, '.', cfg.global.externalLabels) },
    {
      name: 'rules',
      apply: (cfg: Config) => {
        // Config paths arrive already joined to the config file's folder.
        const files = cfg.ruleFiles.flatMap((g) => expandFileGlob(g));
        return rules.update(files, cfg.global.evaluationIntervalMs, {
          externalLabels: cfg.global.externalLabels,
          defaultQueryOffsetMs: cfg.global.ruleQueryOffsetMs,
        });
      },
    },
    {
      name: 'current',
      apply: (cfg: Config) => {
        current = cfg;
      },
    },
  ];
  if (configText.path) {
    reloader = new ConfigReloader(configText.path, logger, loadConfigFile);
    for (const a of appliers) reloader.addApplier(a);
    await reloader.reload();
  } else {
    for (const a of appliers) await a.apply(initial);
    metrics.configLastReloadSuccessful.set(1);
    metrics.configLastReloadSuccessTimestampSeconds.set(Math.floor(Date.now() / 1000));
  }

  const localMinTime = () => Math.min(tsdb.status(1).headStats.minTime, ...tsdb.blocks().map((b) => b.minTime));
  registerApi(web.router, {
    engine: new RemoteReadEngine(engine, () => readClients, localMinTime),
    parser: createPromqlParser(languageFeatures(opts.features)),
    queryable: tsdb,
    tsdb: tsdbAdmin(tsdb),
    scrape,
    exemplars,
    rules,
    alertmanagers: notifier,
    configYaml: () => current.redacted ?? current.original,
    externalLabels: () => current.global.externalLabels,
    flags: opts.flags,
    runtime: () => ({ reloadConfigSuccess: lastReloadOk, lastConfigTime, corruptionCount: 0 }),
    buildInfo: BUILD_INFO,
    enableAdminApi: opts.enableAdminApi,
    lookbackDeltaMs: opts.lookbackDeltaMs,
    storagePath: dataDir,
    retentionTimeMs: opts.retentionTimeMs,
    retentionSizeBytes: opts.retentionSizeBytes,
    startTime,
    ready: () => ready,
    metricsHandler: async (_req, res) => {
      const m = await metrics.renderMetrics();
      res.writeHead(200, { 'Content-Type': m.contentType });
      res.end(m.body);
    },
  });
  registerRemoteHandlers(web.router, {
    appendable: tsdb,
    queryable: tsdb,
    enableWriteReceiver: opts.enableRemoteWriteReceiver,
    enableOtlpReceiver: opts.enableOtlpReceiver,
    otlpConfig: () => current.otlp,
    lookbackDeltaMs: opts.lookbackDeltaMs,
    logger,
    exemplars,
  });
  registerUi(web.router);

  let grafana: GrafanaPluginService | undefined;
  if (opts.grafanaListenAddress) {
    // Loaded only when asked for: gRPC and Arrow take a fifth of a second to load, before readiness.
    const { startGrafanaPluginService } = await import('../grafana/plugin/service');
    grafana = await startGrafanaPluginService({ address: opts.grafanaListenAddress, logger, version: VERSION });
    logger.info('Grafana backend plugin service listening (plain gRPC: keep this port on a private network)', { address: grafana.address });
  }

  async function reload(): Promise<void> {
    if (!reloader) throw new ConfigError('flint runs on its embedded default configuration; there is no file to reload');
    try {
      await reloader.reload();
      lastReloadOk = true;
      lastConfigTime = Date.now();
    } catch (err) {
      lastReloadOk = false;
      throw err;
    }
  }

  const shown = addr.family === 'IPv6' ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`;
  ready = true;
  web.setReady(true);
  metrics.ready.set(1);
  logger.info('Server is ready to receive web requests.', {
    ui: `http://${shown}/`,
    api: `http://${shown}/api/v1/`,
    storage: dataDir,
  });

  function stop(): Promise<void> {
    if (!stopping) {
      stopping = (async () => {
        logger.info('Stopping flint');
        ready = false;
        web.setReady(false);
        metrics.ready.set(0);
        discovery.stop();
        await scrape.stop();
        await rules.stop();
        await notifier.stop();
        await remote.stop();
        for (const c of readClients) c.close();
        await grafana?.stop();
        await web.close();
        await tsdb.close();
        logger.info('See you next time!');
      })();
    }
    return stopping;
  }

  return { logger, web, tsdb, address: { host: addr.address, port: addr.port }, grafanaAddress: grafana?.address, reload, stop };
}

/** Runs the server until a termination signal, then exits 0. */
export async function runServe(opts: ServerOptions): Promise<void> {
  const server = await startServer(opts);
  let signalled = false;
  const onSignal = (sig: NodeJS.Signals) => {
    if (signalled) return;
    signalled = true;
    server.logger.info('Received termination request', { signal: sig });
    server.stop().then(
      () => process.exit(0),
      (err: Error) => {
        server.logger.error('Shutdown failed', { err });
        process.exit(1);
      }
    );
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('SIGHUP', () => {
    server.reload().catch(() => undefined);
  });
}
