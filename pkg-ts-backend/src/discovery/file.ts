// file_sd_configs: target groups read from JSON or YAML files, re-read when the files change
// (watched through their directories) and every refresh_interval. A file that cannot be read or
// parsed keeps the groups it had; a file that disappears takes its groups with it.
import fs from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { expandFileGlob } from '../config/fileGlob';
import { FileSDConfig } from '../config/types';
import { Logger } from '../util/log';
import { Discoverer } from './discoverer';
import { fileReadErrorsTotal } from './metrics';
import { parseTargetGroups, TargetGroup } from './targetGroup';

export const FILEPATH_LABEL = '__meta_filepath';

/** Settling time after a change event, so an editor's write-rename sequence is read once. */
const WATCH_DEBOUNCE_MS = 50;

export class FileDiscoverer implements Discoverer {
  private readonly byFile = new Map<string, TargetGroup[]>();
  private readonly watchers: fs.FSWatcher[] = [];
  private timer?: NodeJS.Timeout;
  private debounce?: NodeJS.Timeout;
  private stopped = false;
  private lastEmitted = '';

  constructor(
    private readonly config: FileSDConfig,
    private readonly logger: Logger
  ) {}

  run(update: (groups: TargetGroup[]) => void): void {
    const refresh = () => {
      if (this.stopped) return;
      this.refresh(update);
    };
    for (const dir of new Set(this.config.files.map((f) => path.dirname(f)))) {
      try {
        const w = fs.watch(dir, () => {
          clearTimeout(this.debounce);
          this.debounce = setTimeout(refresh, WATCH_DEBOUNCE_MS);
        });
        w.on('error', (err) => this.logger.error('Error watching file directory', { dir, err }));
        this.watchers.push(w);
      } catch (err) {
        this.logger.error('Error adding file watch', { dir, err });
      }
    }
    const tick = () => {
      refresh();
      if (!this.stopped) this.timer = setTimeout(tick, this.config.refreshIntervalMs).unref();
    };
    tick();
  }

  stop(): void {
    this.stopped = true;
    clearTimeout(this.timer);
    clearTimeout(this.debounce);
    for (const w of this.watchers) w.close();
  }

  private refresh(update: (groups: TargetGroup[]) => void): void {
    const present = new Set<string>();
    for (const pattern of this.config.files) {
      for (const file of expandFileGlob(pattern)) {
        present.add(file);
        try {
          this.byFile.set(file, readTargetFile(file));
        } catch (err) {
          fileReadErrorsTotal.inc();
          this.logger.error('Error reading file', { path: file, err });
        }
      }
    }
    for (const file of [...this.byFile.keys()]) if (!present.has(file)) this.byFile.delete(file);
    const groups = [...this.byFile.values()].flat();
    const key = JSON.stringify(groups);
    if (key === this.lastEmitted) return;
    this.lastEmitted = key;
    update(groups);
  }
}

/** Parses one file_sd file (by extension: .json, otherwise YAML). */
export function readTargetFile(file: string): TargetGroup[] {
  const text = fs.readFileSync(file, 'utf8');
  const doc: unknown = path.extname(file).toLowerCase() === '.json' ? JSON.parse(text) : parseYaml(text);
  return parseTargetGroups(doc, file, [{ name: FILEPATH_LABEL, value: file }]);
}
