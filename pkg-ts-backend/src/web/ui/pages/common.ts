// Shared helpers of the built-in UI pages: API access, escaping, formatting.

export interface ApiEnvelope<T> {
  status: 'success' | 'error';
  data: T;
  errorType?: string;
  error?: string;
  warnings?: string[];
  infos?: string[];
}

export async function api<T>(path: string, params?: URLSearchParams, signal?: AbortSignal): Promise<ApiEnvelope<T>> {
  const res = params
    ? await fetch(path, { method: 'POST', body: params, headers: { 'Content-Type': 'application/x-www-form-urlencoded' }, signal })
    : await fetch(path, { signal });
  let body: ApiEnvelope<T>;
  try {
    body = (await res.json()) as ApiEnvelope<T>;
  } catch {
    throw new Error(`${path}: HTTP ${res.status} with a body that is not JSON`);
  }
  if (body.status !== 'success') throw new Error(body.error ? `${body.errorType ?? 'error'}: ${body.error}` : `HTTP ${res.status}`);
  return body;
}

export function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, ...children: (Node | string)[]): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === 'class') e.className = v;
    else e.setAttribute(k, v);
  }
  for (const c of children) e.append(c);
  return e;
}

export function formatSeries(metric: Record<string, string>): string {
  const name = metric.__name__ ?? '';
  const rest = Object.entries(metric)
    .filter(([k]) => k !== '__name__')
    .map(([k, v]) => `${k}=${JSON.stringify(v)}`);
  return rest.length ? `${name}{${rest.join(', ')}}` : name || '{}';
}

export function ago(iso: string): string {
  const t = Date.parse(iso);
  if (!Number.isFinite(t) || t <= 0) return 'never';
  const s = Math.max(0, (Date.now() - t) / 1000);
  return s < 60 ? `${s.toFixed(1)}s ago` : s < 3600 ? `${Math.floor(s / 60)}m ${Math.floor(s % 60)}s ago` : `${Math.floor(s / 3600)}h ago`;
}

export function showError(container: HTMLElement, err: unknown): void {
  container.replaceChildren(el('div', { class: 'error', role: 'alert' }, String((err as Error).message ?? err)));
}
