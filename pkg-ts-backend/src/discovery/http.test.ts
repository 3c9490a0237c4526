import http from 'node:http';
import { AddressInfo } from 'node:net';
import { defaultHTTPClientConfig } from '../config/httpClientConfig';
import { labelsToRecord } from '../model/labels';
import { HTTPDiscoverer } from './http';
import { TargetGroup } from './targetGroup';
import { RecordedLine, recordingLogger, waitFor } from './testUtil';

interface Reply {
  status: number;
  type: string;
  body: string;
}

let reply: Reply;
let lastRequest: http.IncomingHttpHeaders = {};
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer((req, res) => {
    lastRequest = req.headers;
    res.writeHead(reply.status, { 'Content-Type': reply.type });
    res.end(reply.body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/sd`;
});

afterAll(() => new Promise<void>((r) => server.close(() => r())));

function json(groups: unknown): Reply {
  return { status: 200, type: 'application/json; charset=utf-8', body: JSON.stringify(groups) };
}

function discoverer(lines: RecordedLine[] = [], refreshIntervalMs = 60_000, httpClient = defaultHTTPClientConfig()) {
  return new HTTPDiscoverer({ kind: 'http', url, refreshIntervalMs, httpClient }, recordingLogger(lines));
}

test('fetches groups with __meta_url and sends the refresh interval header', async () => {
  reply = json([{ targets: ['a:1'], labels: { team: 'x' } }]);
  const groups = await discoverer().fetchGroups();
  expect(groups).toHaveLength(1);
  expect(groups[0].source).toBe(`${url}:0`);
  expect(labelsToRecord(groups[0].labels)).toEqual({ __meta_url: url, team: 'x' });
  expect(lastRequest['x-prometheus-refresh-interval-seconds']).toBe('60');
  expect(lastRequest.accept).toBe('application/json');
});

test('rejects a bad status and a wrong content type with Prometheus wording', async () => {
  reply = { status: 500, type: 'application/json', body: '[]' };
  await expect(discoverer().fetchGroups()).rejects.toThrow('server returned HTTP status 500 Internal Server Error');
  reply = { status: 200, type: 'text/plain', body: '[]' };
  await expect(discoverer().fetchGroups()).rejects.toThrow('unsupported content type "text/plain"');
});

test('sends basic auth from the config', async () => {
  reply = json([]);
  await discoverer([], 60_000, { ...defaultHTTPClientConfig(), basicAuth: { username: 'u', password: 'p' } }).fetchGroups();
  expect(lastRequest.authorization).toBe(`Basic ${Buffer.from('u:p').toString('base64')}`);
});

test('changes add and remove targets; a failed refresh keeps the last good targets', async () => {
  const lines: RecordedLine[] = [];
  const updates: TargetGroup[][] = [];
  reply = json([{ targets: ['a:1', 'b:2'] }]);
  const d = discoverer(lines, 30);
  d.run((g) => updates.push(g));
  const addresses = (u: TargetGroup[]) => u.flatMap((g) => g.targets.map((t) => labelsToRecord(t).__address__));
  try {
    await waitFor(() => updates.length === 1);
    expect(addresses(updates[0])).toEqual(['a:1', 'b:2']);
    reply = { status: 503, type: 'text/plain', body: 'down' };
    await waitFor(() => lines.some((l) => l.level === 'error'));
    expect(updates).toHaveLength(1);
    reply = json([{ targets: ['b:2', 'c:3'] }]);
    await waitFor(() => updates.length === 2);
    expect(addresses(updates[1])).toEqual(['b:2', 'c:3']);
  } finally {
    d.stop();
  }
});
