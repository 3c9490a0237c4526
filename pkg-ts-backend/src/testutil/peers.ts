// Helpers for interop tests that run real peers (Prometheus, flint itself) on 127.0.0.1.
import { ChildProcess, spawn } from 'node:child_process';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';

export const PROMETHEUS_BIN = '/usr/bin/prometheus';
export const FLINT_BIN = join(__dirname, '..', '..', 'bin', 'flint.js');

export async function freePort(): Promise<number> {
  const s = http.createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
  const port = (s.address() as AddressInfo).port;
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

export async function waitFor<T>(what: string, fn: () => Promise<T | undefined>, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  while (Date.now() < deadline) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      last = err;
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`timed out waiting for ${what}${last ? `: ${(last as Error).message}` : ''}`);
}

export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** An instant query through a Prometheus-compatible HTTP API; [] on any failure. */
export async function instantQuery(base: string, query: string): Promise<VectorSample[]> {
  const res = await fetch(`${base}/api/v1/query?${new URLSearchParams({ query })}`);
  const body = (await res.json()) as { data?: { result: VectorSample[] } };
  return body.data?.result ?? [];
}

export interface Peer {
  proc: ChildProcess;
  output: () => string;
  stop(): Promise<void>;
}

/** Starts a process, collecting its output; stop() sends SIGTERM and waits (SIGKILL after 5 s). */
export function startPeer(cmd: string, args: string[], cwd?: string): Peer {
  const proc = spawn(cmd, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  proc.stdout?.on('data', (d: Buffer) => (out += d.toString()));
  proc.stderr?.on('data', (d: Buffer) => (out += d.toString()));
  return {
    proc,
    output: () => out,
    stop: () =>
      new Promise<void>((resolve) => {
        if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
        const t = setTimeout(() => proc.kill('SIGKILL'), 5000);
        proc.once('exit', () => {
          clearTimeout(t);
          resolve();
        });
        proc.kill('SIGTERM');
      }),
  };
}

/** Serves a fixed text-format exposition on 127.0.0.1; resolves to the server and its host:port. */
export async function startTextTarget(body: string): Promise<{ server: http.Server; address: string }> {
  const server = http.createServer((_req, res) => {
    res.writeHead(200, { 'Content-Type': 'text/plain; version=0.0.4' });
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, address: `127.0.0.1:${(server.address() as AddressInfo).port}` };
}
