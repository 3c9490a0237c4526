import { createDemoApp, runWorkload } from './app';

const port = Number(process.env.PORT ?? 8080);
const app = createDemoApp();
app.server.listen(port, () => console.log(`demo app: metrics on :${port}/metrics`));
const stop = runWorkload(app);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    stop();
    app.server.close(() => process.exit(0));
  });
}
