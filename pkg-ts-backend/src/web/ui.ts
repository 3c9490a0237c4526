// Serves the built-in UI: small HTML shells per page plus the bundles esbuild wrote to
// dist/web/static (the graph page's editor bundle is loaded only by the graph page).
import { existsSync, readFileSync } from 'node:fs';
import { extname, join, normalize } from 'node:path';
import type { ServerResponse } from 'node:http';
import type { Router } from './router';

const PAGES: { path: string; title: string; page: string; script: 'graph' | 'status'; nav?: string }[] = [
  { path: '/query', title: 'Query', page: 'graph', script: 'graph', nav: 'Query' },
  { path: '/graph', title: 'Query', page: 'graph', script: 'graph' },
  { path: '/alerts', title: 'Alerts', page: 'alerts', script: 'status', nav: 'Alerts' },
  { path: '/targets', title: 'Targets', page: 'targets', script: 'status', nav: 'Targets' },
  { path: '/rules', title: 'Rules', page: 'rules', script: 'status', nav: 'Rules' },
  { path: '/service-discovery', title: 'Service discovery', page: 'service-discovery', script: 'status', nav: 'Service discovery' },
  { path: '/config', title: 'Configuration', page: 'config', script: 'status', nav: 'Configuration' },
  { path: '/flags', title: 'Flags', page: 'flags', script: 'status', nav: 'Flags' },
  { path: '/tsdb-status', title: 'TSDB status', page: 'tsdb-status', script: 'status', nav: 'TSDB status' },
  { path: '/status', title: 'Runtime & build information', page: 'status', script: 'status', nav: 'Status' },
];

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8', '.map': 'application/json' };

function escapeHtml(s: string): string {
  return s.replace(/[&<>"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' })[c]!);
}

function shell(page: (typeof PAGES)[number]): string {
  const nav = PAGES.filter((p) => p.nav)
    .map((p) => `<a href=".${p.path}"${p.page === page.page ? ' class="active"' : ''}>${escapeHtml(p.nav!)}</a>`)
    .join('');
  const css = page.script === 'graph' ? '<link rel="stylesheet" href="./static/graph.css">' : '';
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(page.title)} · Flint</title><link rel="stylesheet" href="./static/style.css">${css}</head>
<body data-page="${page.page}"><nav><span class="brand">Flint</span>${nav}</nav>
<main><h1>${escapeHtml(page.title)}</h1><div id="app"></div></main>
<script src="./static/${page.script}.js" defer></script></body></html>
`;
}

export function registerUi(router: Router, staticDir = join(__dirname, 'static')): void {
  router.get('/', (_req, res) => {
    res.writeHead(302, { Location: './query' });
    res.end();
  });
  for (const p of PAGES) {
    const html = shell(p);
    router.get(p.path, (_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8', 'Cache-Control': 'no-cache' });
      res.end(html);
    });
  }
  router.get('/static/*file', (_req, res, params) => serveStatic(res, staticDir, params.file));
}

function serveStatic(res: ServerResponse, dir: string, file: string): void {
  const rel = normalize(file).replace(/^(\.\.[/\\])+/, '');
  const full = join(dir, rel);
  if (!full.startsWith(dir) || !existsSync(full) || !TYPES[extname(full)]) {
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('404 page not found\n');
    return;
  }
  res.writeHead(200, { 'Content-Type': TYPES[extname(full)], 'Cache-Control': 'public, max-age=300' });
  res.end(readFileSync(full));
}
