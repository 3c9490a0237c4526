// The HTTP listener: lifecycle endpoints (/-/healthy, /-/ready, /-/reload, /-/quit) and
// whatever routes the API, the UI and the remote-storage endpoints register.
import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Logger } from '../util/log';
import { createSecuredServer } from './auth';
import { Router } from './router';

export interface WebOptions {
  listenAddress: string;
  enableLifecycle: boolean;
  readTimeoutMs: number;
  maxConnections: number;
  logger: Logger;
  /** --web.config.file: TLS and basic auth in exporter-toolkit's format ('' for none). */
  webConfigFile?: string;
  /** Called by POST /-/reload; rejects with the reason a reload failed. */
  reload?: () => Promise<void>;
  /** Called by POST /-/quit. */
  quit?: () => void;
}

export function splitHostPort(addr: string): { host: string; port: number } {
  const i = addr.lastIndexOf(':');
  if (i < 0) throw new Error(`address ${addr}: missing port in address`);
  let host = addr.slice(0, i);
  if (host.startsWith('[') && host.endsWith(']')) host = host.slice(1, -1);
  const port = Number(addr.slice(i + 1));
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`address ${addr}: invalid port`);
  return { host: host === '' ? '0.0.0.0' : host, port };
}

export class WebServer {
  readonly router = new Router();
  private server?: Server;
  private ready = false;

  constructor(private readonly opts: WebOptions) {
    this.router.get('/-/healthy', (_req, res) => sendText(res, 200, 'Flint Server is Healthy.\n'));
    this.router.get('/-/ready', (_req, res) =>
      this.ready ? sendText(res, 200, 'Flint Server is Ready.\n') : sendText(res, 503, 'Service Unavailable')
    );
    this.router.on(['POST', 'PUT'], '/-/reload', async (_req, res) => {
      if (!this.opts.enableLifecycle) return sendText(res, 403, 'Lifecycle API is not enabled.');
      try {
        await this.opts.reload?.();
        sendText(res, 200, '');
      } catch (err) {
        sendText(res, 500, `failed to reload config: ${(err as Error).message}`);
      }
    });
    this.router.on(['POST', 'PUT'], '/-/quit', (_req, res) => {
      if (!this.opts.enableLifecycle) return sendText(res, 403, 'Lifecycle API is not enabled.');
      sendText(res, 200, 'Requesting termination... Goodbye!');
      setImmediate(() => this.opts.quit?.());
    });
  }

  setReady(ready: boolean): void {
    this.ready = ready;
  }

  async listen(): Promise<AddressInfo> {
    const { host, port } = splitHostPort(this.opts.listenAddress);
    // Node enforces requestTimeout/headersTimeout only when it sweeps connections (every 30 s by
    // default); sweeping at a quarter of the read timeout cuts slow clients close to it.
    const sweepMs = this.opts.readTimeoutMs > 0 ? Math.max(100, Math.min(30_000, Math.floor(this.opts.readTimeoutMs / 4))) : 30_000;
    const server = createSecuredServer(this.opts.webConfigFile ?? '', (req, res) => this.handle(req, res), this.opts.logger, {
      connectionsCheckingInterval: sweepMs,
    });
    server.requestTimeout = this.opts.readTimeoutMs;
    server.headersTimeout = Math.min(60_000, this.opts.readTimeoutMs || 60_000);
    server.maxConnections = this.opts.maxConnections;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    return server.address() as AddressInfo;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    await new Promise<void>((resolve) => {
      server.close(() => resolve());
      server.closeIdleConnections();
      setTimeout(() => server.closeAllConnections(), 5000).unref();
    });
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    let url: URL;
    try {
      url = new URL(req.url ?? '/', 'http://localhost');
    } catch {
      return sendText(res, 400, 'bad request URL');
    }
    const m = this.router.match(req.method ?? 'GET', url.pathname);
    if (!m.handler) {
      if (m.allowed.length > 0) {
        res.setHeader('Allow', m.allowed.join(', '));
        return sendText(res, 405, 'Method Not Allowed');
      }
      return sendText(res, 404, '404 page not found\n');
    }
    Promise.resolve()
      .then(() => m.handler!(req, res, m.params, url))
      .catch((err: unknown) => {
        this.opts.logger.error('HTTP handler failed', { path: url.pathname, err: err as Error });
        if (!res.headersSent) sendText(res, 500, 'internal server error');
        else res.destroy();
      });
  }
}

export function sendText(res: ServerResponse, status: number, body: string): void {
  res.writeHead(status, { 'Content-Type': 'text/plain; charset=utf-8' });
  res.end(body);
}
