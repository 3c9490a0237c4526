// The demo app of the stack: the classic getting-started example of the Prometheus client
// libraries. A worker "processes requests" that take a random time up to one second and
// records each in the request_processing_seconds summary; /metrics exposes it for flint.
import { createServer, type Server } from 'node:http';
import { Registry, Summary, collectDefaultMetrics } from 'prom-client';

export interface DemoApp {
  registry: Registry;
  requestTime: Summary;
  /** Processes one request: waits `seconds` and records the time taken. */
  processRequest(seconds: number): Promise<void>;
  server: Server;
}

export function createDemoApp(): DemoApp {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestTime = new Summary({
    name: 'request_processing_seconds',
    help: 'Time spent processing request',
    registers: [registry],
  });

  const processRequest = async (seconds: number) => {
    const end = requestTime.startTimer();
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    end();
  };

  const server = createServer((req, res) => {
    if (req.url === '/metrics') {
      registry.metrics().then(
        (text) => {
          res.writeHead(200, { 'Content-Type': registry.contentType });
          res.end(text);
        },
        (e: unknown) => {
          res.writeHead(500, { 'Content-Type': 'text/plain' });
          res.end(String(e));
        }
      );
      return;
    }
    res.writeHead(404, { 'Content-Type': 'text/plain' });
    res.end('the demo app serves /metrics\n');
  });

  return { registry, requestTime, processRequest, server };
}

/** Processes requests one after another, as the example's main loop does, until stopped. */
export function runWorkload(app: DemoApp, random: () => number = Math.random): () => void {
  let stopped = false;
  const loop = async () => {
    while (!stopped) await app.processRequest(random());
  };
  void loop();
  return () => {
    stopped = true;
  };
}
