#!/usr/bin/env node
// Bundles the built-in web UI (pkg-ts-backend/src/web/ui) into pkg-ts-backend/dist/web/static:
// graph.js (editor + chart, only loaded by the query page), status.js (the status pages), CSS.
import { build } from 'esbuild';
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const src = join(root, 'pkg-ts-backend', 'src', 'web', 'ui');
const out = join(root, 'pkg-ts-backend', 'dist', 'web', 'static');
mkdirSync(out, { recursive: true });
await build({
  entryPoints: { graph: join(src, 'pages', 'graph.ts'), status: join(src, 'pages', 'status.ts') },
  bundle: true,
  minify: true,
  sourcemap: true,
  format: 'iife',
  target: ['es2020'],
  outdir: out,
  logLevel: 'warning',
});
copyFileSync(join(src, 'style.css'), join(out, 'style.css'));
copyFileSync(join(root, 'node_modules', 'uplot', 'dist', 'uPlot.min.css'), join(out, 'graph.css'));
