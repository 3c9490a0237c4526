// Remote-write requests built with flint's compiled protobuf and snappy codecs (the
// reliability suite checks the server, not the codec).
import { createRequire } from 'node:module';
import { join } from 'node:path';
import { ROOT } from '../bench/lib.mjs';

const require = createRequire(import.meta.url);
const dist = join(ROOT, 'pkg-ts-backend', 'dist', 'storage', 'remote');
const { encodeWriteRequest } = require(join(dist, 'prompb.js'));
const { snappyEncode } = require(join(dist, 'codec.js'));

/** series: [{ labels: {name: value}, samples: [[tsMs, value]] }] -> snappy-compressed body. */
export function writeRequestBody(series) {
  const timeseries = series.map((s) => ({
    labels: Object.entries(s.labels)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
      .map(([name, value]) => ({ name, value })),
    samples: s.samples.map(([timestamp, value]) => ({ timestamp, value })),
  }));
  return Buffer.from(snappyEncode(encodeWriteRequest({ timeseries })));
}

export async function postWrite(base, body, headers = {}) {
  const res = await fetch(`${base}/api/v1/write`, {
    method: 'POST',
    body,
    headers: {
      'Content-Encoding': 'snappy',
      'Content-Type': 'application/x-protobuf',
      'X-Prometheus-Remote-Write-Version': '0.1.0',
      ...headers,
    },
  });
  return { status: res.status, text: await res.text() };
}
