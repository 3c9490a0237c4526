import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { createLogger } from '../util/log';
import { configLastReloadSuccessful } from '../util/metrics';
import { ConfigError } from './load';
import { ConfigReloader } from './reloader';
import { Config } from './types';

const quietLogger = () => createLogger({ write: () => undefined });

let dir: string;
let file: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'flint-reload-'));
  file = path.join(dir, 'flint.yml');
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function gaugeValue(): Promise<number> {
  return (await configLastReloadSuccessful.get()).values[0].value;
}

test('a good reload applies everywhere; a bad one keeps the running config', async () => {
  const applied: Config[] = [];
  const reloader = new ConfigReloader(file, quietLogger());
  reloader.addApplier({ name: 'scrape', apply: (c) => void applied.push(c) });

  fs.writeFileSync(file, 'global: {scrape_interval: 15s}\n');
  await reloader.reload();
  expect(applied).toHaveLength(1);
  expect(reloader.current()?.global.scrapeIntervalMs).toBe(15_000);
  expect(await gaugeValue()).toBe(1);

  fs.writeFileSync(file, 'global: {scrape_interval: nope}\n');
  await expect(reloader.reload()).rejects.toThrow(ConfigError);
  await expect(reloader.reload()).rejects.toThrow(`couldn't load configuration (--config.file=${JSON.stringify(file)}): parsing YAML file ${file}: line 1: not a valid duration string: "nope"`);
  expect(applied).toHaveLength(1);
  expect(reloader.current()?.global.scrapeIntervalMs).toBe(15_000);
  expect(await gaugeValue()).toBe(0);
});

test('a subsystem that rejects the config fails the reload', async () => {
  fs.writeFileSync(file, '');
  const reloader = new ConfigReloader(file, quietLogger());
  reloader.addApplier({
    name: 'rules',
    apply: async () => {
      throw new Error('bad rule file');
    },
  });
  await expect(reloader.reload()).rejects.toThrow('one or more errors occurred while applying the new configuration');
  expect(reloader.current()).toBeUndefined();
});
