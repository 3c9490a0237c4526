// The gRPC server Grafana talks to through the plugin's locator executables: Grafana's
// pluginv2 Data, Diagnostics and Resource services, the gRPC health service go-plugin pings,
// and go-plugin's controller and stdio services. It runs inside flint as a sidecar shared by
// any number of Grafana servers, so Shutdown is acknowledged without stopping anything.
import * as grpc from '@grpc/grpc-js';
import type { Logger } from '../../util/log';
import { checkHealth } from './checkHealth';
import { InstanceCache } from './instances';
import { PluginMetrics } from './metrics';
import {
  loadProtocolServices,
  type CallResourceRequest,
  type CallResourceResponse,
  type CheckHealthRequest,
  type CheckHealthResponse,
  type CollectMetricsResponse,
  type DataResponse,
  type QueryDataRequest,
  type QueryDataResponse,
} from './protocol';
import { queryData } from './queryData';
import { callResource, replyMessages } from './resources';
import { SettingsError } from './settings';

export interface GrafanaPluginServiceOptions {
  /** host:port to listen on; port 0 picks a free one. */
  address: string;
  logger: Logger;
  version: string;
}

export interface GrafanaPluginService {
  /** The address actually bound (host:port). */
  address: string;
  stop(): Promise<void>;
}

/** Health service names reported SERVING: go-plugin pings "plugin", generic clients "". */
const SERVING = new Set(['', 'plugin', 'pluginv2.Data', 'pluginv2.Diagnostics', 'pluginv2.Resource']);
const STOP_GRACE_MS = 2000;
const MAX_REQUEST_BYTES = 16 * 1024 * 1024;

function splitHostPort(address: string): { host: string; port: string } {
  const m = /^(\[[^\]]*\]|[^:]*):(\d+)$/.exec(address);
  if (!m) throw new Error(`--grafana.listen-address: "${address}" is not host:port`);
  return { host: m[1], port: m[2] };
}

function errorMessage(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

export async function startGrafanaPluginService(opts: GrafanaPluginServiceOptions): Promise<GrafanaPluginService> {
  const { host } = splitHostPort(opts.address);
  const logger = opts.logger.child({ component: 'grafana-plugin' });
  const services = loadProtocolServices();
  const instances = new InstanceCache();
  const metrics = new PluginMetrics(() => instances.size);
  const openStreams = new Set<grpc.ServerWritableStream<unknown, unknown>>();
  const server = new grpc.Server({ 'grpc.max_receive_message_length': MAX_REQUEST_BYTES });

  /** Wraps a unary handler: metrics, logging, and no exception ever escapes to grpc-js. */
  function unary<Req, Res>(method: string, handle: (request: Req) => Promise<Res>): grpc.handleUnaryCall<Req, Res> {
    return (call, callback) => {
      const done = metrics.requestDuration.startTimer({ method });
      handle(call.request).then(
        (response) => {
          metrics.requests.inc({ method, code: 'OK' });
          done();
          callback(null, response);
        },
        (e: unknown) => {
          logger.error('plugin call failed', { method, err: errorMessage(e) });
          metrics.requests.inc({ method, code: 'INTERNAL' });
          done();
          callback({ code: grpc.status.INTERNAL, details: `${method}: ${errorMessage(e)}` });
        }
      );
    };
  }

  /** A server stream held open until the client leaves or the service stops. */
  function holdOpen(call: grpc.ServerWritableStream<unknown, unknown>): void {
    openStreams.add(call);
    const release = () => openStreams.delete(call);
    call.on('cancelled', release);
    call.on('close', release);
    call.on('error', release);
  }

  server.addService(services.data, {
    QueryData: unary<QueryDataRequest, QueryDataResponse>('QueryData', async (request) => {
      let client;
      try {
        client = instances.clientFor(request.pluginContext);
      } catch (e) {
        if (!(e instanceof SettingsError)) throw e;
        const failed: DataResponse = { frames: [], error: e.message, status: 400, errorSource: 'plugin' };
        return { responses: Object.fromEntries(request.queries.map((q) => [q.refId, failed])) };
      }
      return queryData(request, { client, logger, metrics });
    }),
  });

  server.addService(services.diagnostics, {
    CheckHealth: unary<CheckHealthRequest, CheckHealthResponse>('CheckHealth', async (request) => {
      try {
        return await checkHealth(instances.clientFor(request.pluginContext));
      } catch (e) {
        if (!(e instanceof SettingsError)) throw e;
        return { status: 'ERROR', message: e.message, jsonDetails: Buffer.alloc(0) };
      }
    }),
    CollectMetrics: unary<unknown, CollectMetricsResponse>('CollectMetrics', async () => ({
      metrics: { prometheus: Buffer.from(await metrics.text()) },
    })),
  });

  server.addService(services.resource, {
    CallResource: (call: grpc.ServerWritableStream<CallResourceRequest, CallResourceResponse>) => {
      const done = metrics.requestDuration.startTimer({ method: 'CallResource' });
      const reply = (async () => {
        try {
          return await callResource(call.request, instances.clientFor(call.request.pluginContext));
        } catch (e) {
          if (!(e instanceof SettingsError))
            logger.error('resource call failed', { path: call.request.path, err: errorMessage(e) });
          const code = e instanceof SettingsError ? 400 : 500;
          return {
            code,
            contentType: 'application/json',
            body: Buffer.from(JSON.stringify({ status: 'error', errorType: 'internal', error: errorMessage(e) })),
          };
        }
      })();
      void reply.then((r) => {
        metrics.requests.inc({ method: 'CallResource', code: 'OK' });
        done();
        for (const message of replyMessages(r)) call.write(message);
        call.end();
      });
    },
  });

  server.addService(services.health, {
    Check: (call: grpc.ServerUnaryCall<{ service: string }, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      if (SERVING.has(call.request.service)) callback(null, { status: 'SERVING' });
      else callback({ code: grpc.status.NOT_FOUND, details: `unknown service ${call.request.service}` });
    },
    Watch: (call: grpc.ServerWritableStream<{ service: string }, unknown>) => {
      call.write({ status: SERVING.has(call.request.service) ? 'SERVING' : 'SERVICE_UNKNOWN' });
      holdOpen(call);
    },
  });

  server.addService(services.controller, {
    Shutdown: (_call: grpc.ServerUnaryCall<unknown, unknown>, callback: grpc.sendUnaryData<unknown>) => {
      // Sent by a Grafana unloading the plugin. Other Grafana servers may share this service,
      // and the locator process Grafana started is what it ends, so flint keeps serving.
      logger.info('Grafana unloaded the plugin (Shutdown acknowledged; the service keeps running)');
      callback(null, {});
    },
  });

  server.addService(services.stdio, {
    // flint logs to its own stderr; holding the stream open keeps go-plugin from warning.
    StreamStdio: (call: grpc.ServerWritableStream<unknown, unknown>) => holdOpen(call),
  });

  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(opts.address, grpc.ServerCredentials.createInsecure(), (err, bound) =>
      err ? reject(err) : resolve(bound)
    );
  });
  const address = `${host}:${port}`;
  logger.debug('Grafana plugin service bound', { address, version: opts.version });

  let stopping: Promise<void> | undefined;
  const stop = () => {
    stopping ??= new Promise<void>((resolve) => {
      for (const call of openStreams) call.end();
      openStreams.clear();
      const force = setTimeout(() => {
        server.forceShutdown();
        resolve();
      }, STOP_GRACE_MS);
      server.tryShutdown(() => {
        clearTimeout(force);
        resolve();
      });
    });
    return stopping;
  };
  return { address, stop };
}
