#!/usr/bin/env node
// Makes a checkout ready to run: installs npm packages when they are missing or
// stale, then builds what is older than its sources. Uses only node's built-ins,
// because it runs before node_modules exists.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const lock = join(root, 'package-lock.json');
const stamp = join(root, 'node_modules', '.flint-install-stamp');

function run(cmd, args) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    console.error(`flint: '${cmd} ${args.join(' ')}' failed with exit code ${r.status}`);
    process.exit(r.status ?? 1);
  }
}

const manifests = ['package.json', 'package-lock.json', 'pkg-ts-backend/package.json'];
function manifestDigest() {
  const digest = createHash('sha256');
  for (const m of manifests) {
    if (existsSync(join(root, m))) digest.update(readFileSync(join(root, m)));
  }
  return digest.digest('hex');
}
const have = existsSync(stamp) ? readFileSync(stamp, 'utf8').trim() : '';
if (manifestDigest() !== have || !existsSync(lock)) {
  // `npm install` honours package-lock.json's exact versions. `npm ci` is not used because the
  // lock file here lists native optional packages for Linux only, which npm ci rejects as out of sync.
  console.error('flint: installing npm packages (npm install, versions from package-lock.json)…');
  run('npm', ['install', '--no-audit', '--no-fund']);
  writeFileSync(stamp, manifestDigest() + '\n');
}
run(process.execPath, [join(root, 'scripts', 'build.mjs')]);
