// A real HTTP server on 127.0.0.1 with the API mounted, for contract tests.
import { labelsFromRecord } from '../../model/labels';
import type { Queryable } from '../../storage/interface';
import type { MemoryStorage } from '../../storage/memory';
import { createLogger } from '../../util/log';
import { WebServer } from '../../web/server';
import { registerApi } from '../register';
import type { ApiDeps } from '../types';
import { fakeParser, SelectorEngine } from './fakes';

export interface TestServer {
  base: string;
  web: WebServer;
  close(): Promise<void>;
}

export async function startApiServer(deps: ApiDeps): Promise<TestServer> {
  const web = new WebServer({
    listenAddress: '127.0.0.1:0',
    enableLifecycle: false,
    readTimeoutMs: 10_000,
    maxConnections: 64,
    logger: createLogger({ write: () => undefined }),
  });
  registerApi(web.router, deps);
  const addr = await web.listen();
  web.setReady(true);
  return { base: `http://127.0.0.1:${addr.port}`, web, close: () => web.close() };
}

/** Deps with storage and fakes filled in; tests override what they exercise. */
export function baseDeps(storage: Queryable, overrides: Partial<ApiDeps> = {}): ApiDeps {
  return {
    engine: new SelectorEngine(),
    parser: fakeParser,
    queryable: storage,
    configYaml: () => 'global:\n  scrape_interval: 15s\n',
    externalLabels: () => labelsFromRecord({}),
    flags: { 'web.enable-admin-api': 'false', 'query.lookback-delta': '5m' },
    runtime: () => ({ reloadConfigSuccess: true, lastConfigTime: Date.UTC(2024, 0, 1), corruptionCount: 0 }),
    buildInfo: { version: '0.1.0', revision: 'abc', branch: 'main', buildUser: 'flint', buildDate: '', goVersion: 'node20' },
    enableAdminApi: false,
    lookbackDeltaMs: 5 * 60_000,
    storagePath: '/nonexistent',
    retentionTimeMs: 15 * 24 * 3600_000,
    retentionSizeBytes: 0,
    startTime: Date.UTC(2024, 0, 1),
    ...overrides,
  };
}

export async function appendSamples(storage: MemoryStorage, series: Array<[Record<string, string>, Array<[number, number]>]>): Promise<void> {
  const app = storage.appender();
  for (const [rec, samples] of series) for (const [t, v] of samples) app.append(0, labelsFromRecord(rec), t, v);
  await app.commit();
}

export interface JsonResponse {
  status: number;
  headers: Headers;
  body: Record<string, unknown>;
}

export async function getJSON(base: string, path: string, init?: RequestInit): Promise<JsonResponse> {
  const res = await fetch(base + path, init);
  const text = await res.text();
  return { status: res.status, headers: res.headers, body: text === '' ? {} : (JSON.parse(text) as Record<string, unknown>) };
}

export function postForm(base: string, path: string, form: Array<[string, string]>): Promise<JsonResponse> {
  return getJSON(base, path, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
}
