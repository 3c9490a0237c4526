// A small router over node's http: exact paths and `:param` segments, per method.
import type { IncomingMessage, ServerResponse } from 'node:http';

export type Params = Record<string, string>;
export type Handler = (req: IncomingMessage, res: ServerResponse, params: Params, url: URL) => void | Promise<void>;

interface Route {
  method: string;
  segments: string[];
  handler: Handler;
}

export class Router {
  private readonly routes: Route[] = [];

  on(methods: string | string[], path: string, handler: Handler): this {
    for (const method of Array.isArray(methods) ? methods : [methods]) {
      this.routes.push({ method, segments: path.split('/'), handler });
    }
    return this;
  }

  get(path: string, handler: Handler): this {
    return this.on(['GET', 'HEAD'], path, handler);
  }

  post(path: string, handler: Handler): this {
    return this.on('POST', path, handler);
  }

  /** Finds the handler for a request; `allowed` lists methods that match the path when none matches the method. */
  match(method: string, pathname: string): { handler?: Handler; params: Params; allowed: string[] } {
    const parts = pathname.split('/');
    const allowed: string[] = [];
    for (const r of this.routes) {
      const params = matchSegments(r.segments, parts);
      if (!params) continue;
      if (r.method === method) return { handler: r.handler, params, allowed };
      allowed.push(r.method);
    }
    return { params: {}, allowed };
  }
}

function matchSegments(pattern: string[], parts: string[]): Params | undefined {
  const last = pattern[pattern.length - 1];
  const rest = last?.startsWith('*');
  if (rest ? parts.length < pattern.length - 1 : parts.length !== pattern.length) return undefined;
  const params: Params = {};
  for (let i = 0; i < pattern.length; i++) {
    const p = pattern[i];
    if (p.startsWith('*')) {
      params[p.slice(1)] = parts.slice(i).map(safeDecode).join('/');
      return params;
    }
    if (p.startsWith(':')) {
      if (parts[i] === '') return undefined;
      params[p.slice(1)] = safeDecode(parts[i]);
    } else if (p !== parts[i]) return undefined;
  }
  return params;
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}
