import { request } from 'node:http';
import { nopLogger } from '../util/log';
import { readBoundedBody } from './body';
import { WebServer } from './server';

describe('readBoundedBody', () => {
  let web: WebServer;
  let port: number;
  beforeAll(async () => {
    web = new WebServer({
      listenAddress: '127.0.0.1:0',
      enableLifecycle: false,
      readTimeoutMs: 5000,
      maxConnections: 10,
      logger: nopLogger,
    });
    web.router.post('/echo', async (req, res) => {
      try {
        const body = await readBoundedBody(req, 10, () => new Error('too large'));
        res.writeHead(200);
        res.end(body);
      } catch (err) {
        res.writeHead(413);
        res.end((err as Error).message);
      }
    });
    port = (await web.listen()).port;
  });
  afterAll(() => web.close());

  function post(chunks: string[], contentLength?: number): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = request(
        {
          host: '127.0.0.1',
          port,
          path: '/echo',
          method: 'POST',
          headers: contentLength !== undefined ? { 'Content-Length': contentLength } : {},
        },
        (res) => {
          let body = '';
          res.on('data', (c: Buffer) => (body += c.toString()));
          res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        }
      );
      req.on('error', reject);
      for (const c of chunks) req.write(c);
      req.end();
    });
  }

  it('returns a body within the limit', async () => {
    expect(await post(['hello', 'world'])).toEqual({ status: 200, body: 'helloworld' });
  });

  it('refuses by Content-Length before reading', async () => {
    expect(await post(['x'.repeat(11)], 11)).toEqual({ status: 413, body: 'too large' });
  });

  it('refuses a chunked body once it passes the limit, and still answers', async () => {
    expect(await post(['x'.repeat(6), 'y'.repeat(6), 'z'.repeat(6)])).toEqual({ status: 413, body: 'too large' });
  });
});
