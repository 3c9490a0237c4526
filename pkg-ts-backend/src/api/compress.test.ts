import { createServer, get, IncomingMessage, Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';
import { sendBody } from './compress';

describe('sendBody', () => {
  const big = 'x'.repeat(5000);
  let server: Server;
  let port: number;

  beforeAll(async () => {
    server = createServer((req, res) => void sendBody(req, res, 200, { 'Content-Type': 'text/plain' }, req.url === '/small' ? 'tiny' : big));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(() => new Promise<void>((r) => server.close(() => r())));

  function fetchRaw(path: string, acceptEncoding?: string): Promise<{ res: IncomingMessage; body: Buffer }> {
    return new Promise((resolve, reject) => {
      get({ host: '127.0.0.1', port, path, headers: acceptEncoding ? { 'Accept-Encoding': acceptEncoding } : {} }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ res, body: Buffer.concat(chunks) }));
      }).on('error', reject);
    });
  }

  it('gzips large bodies for clients that accept gzip', async () => {
    const { res, body } = await fetchRaw('/', 'deflate, gzip;q=0.8');
    expect(res.headers['content-encoding']).toBe('gzip');
    expect(Number(res.headers['content-length'])).toBe(body.length);
    expect(gunzipSync(body).toString()).toBe(big);
  });

  it('sends identity otherwise', async () => {
    for (const [path, enc] of [
      ['/', undefined],
      ['/', 'gzip;q=0'],
      ['/small', 'gzip'],
    ] as const) {
      const { res, body } = await fetchRaw(path, enc);
      expect(res.headers['content-encoding']).toBeUndefined();
      expect(body.toString()).toBe(path === '/small' ? 'tiny' : big);
    }
  });
});
