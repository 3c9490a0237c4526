// `flint serve`: wires storage, collection, query and the web server together and runs them
// until SIGINT/SIGTERM, then shuts down in reverse order.
import { accessSync, constants, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { embeddedConfigYaml, selfScrapeTarget } from '../config/embedded';
import { createLogger, Logger } from '../util/log';
import { VERSION } from '../version';
import { WebServer } from '../web/server';
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
  readonly address: { host: string; port: number };
  stop(): Promise<void>;
}

export async function startServer(opts: ServerOptions, logger = createLogger({ level: opts.logLevel, format: opts.logFormat })): Promise<RunningServer> {
  const config = readConfigText(opts);
  const dataDir = resolve(opts.tsdbPath);
  try {
    mkdirSync(dataDir, { recursive: true });
    accessSync(dataDir, constants.W_OK);
  } catch (err) {
    throw new UsageError(`storage path "${opts.tsdbPath}" is not a writable directory: ${(err as Error).message}`);
  }
  logger.info('Starting flint', { version: VERSION, node: process.versions.node });
  logger.info(config.path ? 'Loading configuration file' : 'No configuration file found; using the embedded default (flint scrapes itself)', {
    filename: config.path || opts.configFile,
  });

  let stopping: Promise<void> | undefined;
  const web = new WebServer({
    listenAddress: opts.listenAddress,
    enableLifecycle: opts.enableLifecycle,
    readTimeoutMs: opts.readTimeoutMs,
    maxConnections: opts.maxConnections,
    logger: logger.child({ component: 'web' }),
    quit: () => void stop(),
  });
  const addr = await web.listen();
  const shown = addr.family === 'IPv6' ? `[${addr.address}]:${addr.port}` : `${addr.address}:${addr.port}`;
  web.setReady(true);
  logger.info('Server is ready to receive web requests.', {
    ui: `http://${shown}/`,
    api: `http://${shown}/api/v1/`,
    storage: dataDir,
  });

  function stop(): Promise<void> {
    if (!stopping) {
      stopping = (async () => {
        logger.info('Stopping flint');
        web.setReady(false);
        await web.close();
        logger.info('See you next time!');
      })();
    }
    return stopping;
  }

  return { logger, web, address: { host: addr.address, port: addr.port }, stop };
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
}
