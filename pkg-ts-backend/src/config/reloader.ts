// Config reloads (SIGHUP, POST /-/reload): load the file, hand the new config to every
// subsystem, and keep the running config when the file is bad. The outcome is what
// flint_config_last_reload_successful reports.
import { Logger } from '../util/log';
import { configLastReloadSuccessful, configLastReloadSuccessTimestampSeconds } from '../util/metrics';
import { ConfigError, loadConfigFile } from './load';
import { Config } from './types';

/** A subsystem that takes a new config (scrape, discovery, rules, notifier, remote storage...). */
export interface ConfigApplier {
  name: string;
  apply(cfg: Config): void | Promise<void>;
}

export class ConfigReloader {
  private readonly appliers: ConfigApplier[] = [];
  private config?: Config;
  private running: Promise<void> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly logger: Logger,
    private readonly load: (file: string) => Config = loadConfigFile
  ) {}

  addApplier(a: ConfigApplier): void {
    this.appliers.push(a);
  }

  /** The config in force (undefined before the first successful load). */
  current(): Config | undefined {
    return this.config;
  }

  /**
   * Loads and applies the file. Throws a ConfigError (and keeps the running config) when the file
   * is invalid or a subsystem rejects it. Reloads run one at a time, in call order.
   */
  reload(): Promise<void> {
    const next = this.running.then(() => this.reloadNow());
    this.running = next.catch(() => undefined);
    return next;
  }

  private async reloadNow(): Promise<void> {
    const started = Date.now();
    this.logger.info('Loading configuration file', { filename: this.file });
    let cfg: Config;
    try {
      cfg = this.load(this.file);
    } catch (err) {
      configLastReloadSuccessful.set(0);
      const message = `couldn't load configuration (--config.file=${JSON.stringify(this.file)}): ${(err as Error).message}`;
      this.logger.error('Error reloading config', { err: message });
      throw new ConfigError(message);
    }
    const failed: string[] = [];
    for (const a of this.appliers) {
      try {
        await a.apply(cfg);
      } catch (err) {
        failed.push(a.name);
        this.logger.error('Failed to apply configuration', { component: a.name, err });
      }
    }
    if (failed.length > 0) {
      configLastReloadSuccessful.set(0);
      throw new ConfigError(`one or more errors occurred while applying the new configuration (--config.file=${JSON.stringify(this.file)})`);
    }
    this.config = cfg;
    configLastReloadSuccessful.set(1);
    configLastReloadSuccessTimestampSeconds.set(Math.floor(Date.now() / 1000));
    this.logger.info('Completed loading of configuration file', { filename: this.file, totalDuration: `${Date.now() - started}ms` });
  }
}
