/** @jest-environment node */
import type { AddressInfo } from 'node:net';
import { createDemoApp, runWorkload } from './app';

test('request times are recorded in the summary and exposed on /metrics', async () => {
  const app = createDemoApp();
  await app.processRequest(0.01);
  await app.processRequest(0.02);
  await new Promise<void>((resolve) => app.server.listen(0, '127.0.0.1', resolve));
  try {
    const { port } = app.server.address() as AddressInfo;
    const response = await fetch(`http://127.0.0.1:${port}/metrics`);
    expect(response.status).toBe(200);
    const text = await response.text();
    expect(text).toContain('# TYPE request_processing_seconds summary');
    expect(text).toMatch(/^request_processing_seconds_count 2$/m);
    expect(text).toMatch(/^request_processing_seconds\{quantile="0.5"\} 0\.0\d+/m);
    const sum = Number(/^request_processing_seconds_sum (\S+)$/m.exec(text)?.[1]);
    expect(sum).toBeGreaterThanOrEqual(0.029);
    expect(text).toContain('process_cpu_seconds_total');
    expect((await fetch(`http://127.0.0.1:${port}/`)).status).toBe(404);
  } finally {
    await new Promise((resolve) => app.server.close(resolve));
  }
});

test('the workload processes requests until stopped', async () => {
  const app = createDemoApp();
  const stop = runWorkload(app, () => 0.001);
  await new Promise((resolve) => setTimeout(resolve, 50));
  stop();
  await new Promise((resolve) => setTimeout(resolve, 10));
  const count = (await app.requestTime.get()).values.find((v) => v.metricName === 'request_processing_seconds_count');
  expect(count?.value).toBeGreaterThan(1);
});
