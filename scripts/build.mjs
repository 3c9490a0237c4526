#!/usr/bin/env node
// Builds everything a checkout ships: the flint server (tsc, incremental) and,
// where present, the Grafana plugin into dist/.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error(`flint: build step '${[cmd, ...args].join(' ')}' failed`);
    process.exit(r.status ?? 1);
  }
}

const bin = (name) => join(root, 'node_modules', '.bin', name);
run(bin('tsc'), ['-p', 'pkg-ts-backend/tsconfig.build.json']);
run(process.execPath, [join(root, 'scripts', 'build-ui.mjs')]);
if (existsSync(join(root, 'scripts', 'build-plugin.mjs'))) {
  run(process.execPath, [join(root, 'scripts', 'build-plugin.mjs')]);
}
