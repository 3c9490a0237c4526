// Reading request bodies with a size bound, shared by every endpoint that takes one.
import type { IncomingMessage } from 'node:http';

/**
 * Collects the request body, failing with `tooLarge()` as soon as it is known to exceed `limit`
 * bytes (from Content-Length, or while reading). The rest of an oversized body is not read;
 * node closes the connection once the answer is sent.
 */
export function readBoundedBody(req: IncomingMessage, limit: number, tooLarge: () => Error): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    if (Number(req.headers['content-length'] ?? NaN) > limit) {
      reject(tooLarge());
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.off('data', onData);
        req.pause();
        reject(tooLarge());
        return;
      }
      chunks.push(c);
    };
    req.on('data', onData);
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}
