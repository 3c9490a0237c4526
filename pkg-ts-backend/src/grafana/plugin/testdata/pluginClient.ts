// Test support (kept in testdata/, out of the build): a gRPC client for the plugin protocol,
// Grafana's side of the connection, and the request shapes Grafana sends.
import * as grpc from '@grpc/grpc-js';
import { loadProtocolPackage, serviceConstructor } from '../protocol';
import type {
  CallResourceRequest,
  CallResourceResponse,
  CheckHealthResponse,
  CollectMetricsResponse,
  DataQuery,
  PluginContext,
  QueryDataResponse,
} from '../protocol';

export interface DataSourceFixture {
  url: string;
  uid?: string;
  lastUpdatedMS?: number;
  jsonData?: Record<string, unknown>;
  secure?: Record<string, string>;
  basicAuthUser?: string;
}

/** The PluginContext Grafana sends for a data source; alert evaluation leaves `user` unset. */
export function pluginContext(ds: DataSourceFixture, withUser = true): PluginContext {
  return {
    orgId: 1,
    pluginId: 'flintlabs-flint-datasource',
    user: withUser ? { login: 'admin', name: 'admin', email: '', role: 'Admin' } : null,
    dataSourceInstanceSettings: {
      id: 1,
      name: 'Flint',
      url: ds.url,
      user: '',
      database: '',
      basicAuthEnabled: ds.basicAuthUser !== undefined,
      basicAuthUser: ds.basicAuthUser ?? '',
      jsonData: Buffer.from(JSON.stringify(ds.jsonData ?? {})),
      decryptedSecureJsonData: ds.secure ?? {},
      lastUpdatedMS: ds.lastUpdatedMS ?? 1,
      uid: ds.uid ?? 'flint-uid',
      apiVersion: '',
    },
    grafanaConfig: {},
    pluginVersion: '0.1.0',
    userAgent: 'Grafana/12.3.0',
  };
}

export function dataQuery(
  refId: string,
  model: Record<string, unknown>,
  fromMs: number,
  toMs: number,
  extra: Partial<DataQuery> = {}
): DataQuery {
  return {
    refId,
    maxDataPoints: 0,
    intervalMS: 0,
    timeRange: { fromEpochMS: fromMs, toEpochMS: toMs },
    json: Buffer.from(JSON.stringify({ refId, ...model })),
    queryType: '',
    ...extra,
  };
}

type Unary<Req, Res> = (request: Req) => Promise<Res>;

function unary<Req, Res>(client: grpc.Client, method: string): Unary<Req, Res> {
  const fn = (client as unknown as Record<string, (r: Req, cb: (e: grpc.ServiceError | null, v: Res) => void) => void>)[
    method
  ].bind(client);
  return (request) => new Promise((resolve, reject) => fn(request, (e, v) => (e ? reject(e) : resolve(v))));
}

/** Grafana's side of the plugin connection. */
export class PluginClient {
  private readonly clients: grpc.Client[];
  readonly healthCheck: Unary<{ service: string }, { status: string }>;
  readonly queryData: Unary<
    { pluginContext: PluginContext; headers: Record<string, string>; queries: DataQuery[] },
    QueryDataResponse
  >;
  readonly checkHealth: Unary<{ pluginContext: PluginContext; headers?: Record<string, string> }, CheckHealthResponse>;
  readonly collectMetrics: Unary<{ pluginContext: PluginContext | null }, CollectMetricsResponse>;
  readonly shutdown: Unary<Record<string, never>, unknown>;
  private readonly resource: grpc.Client;

  constructor(address: string) {
    const root = loadProtocolPackage();
    const credentials = grpc.credentials.createInsecure();
    const make = (name: string) => new (serviceConstructor(root, name))(address, credentials);
    const health = make('grpc.health.v1.Health');
    const data = make('pluginv2.Data');
    const diagnostics = make('pluginv2.Diagnostics');
    const controller = make('plugin.GRPCController');
    this.resource = make('pluginv2.Resource');
    this.clients = [health, data, diagnostics, controller, this.resource];
    this.healthCheck = unary(health, 'Check');
    this.queryData = unary(data, 'QueryData');
    this.checkHealth = unary(diagnostics, 'CheckHealth');
    this.collectMetrics = unary(diagnostics, 'CollectMetrics');
    this.shutdown = unary(controller, 'Shutdown');
  }

  /** Calls CallResource and joins the streamed reply. */
  callResource(
    request: Partial<CallResourceRequest> & { pluginContext: PluginContext }
  ): Promise<{ code: number; contentType: string; body: string }> {
    return new Promise((resolve, reject) => {
      const call = (
        this.resource as unknown as Record<string, (r: unknown) => grpc.ClientReadableStream<CallResourceResponse>>
      ).CallResource({ method: 'GET', url: '', body: Buffer.alloc(0), headers: {}, path: '', ...request });
      const parts: CallResourceResponse[] = [];
      call.on('data', (m: CallResourceResponse) => parts.push(m));
      call.on('error', reject);
      call.on('end', () =>
        resolve({
          code: parts[0]?.code ?? 0,
          contentType: parts[0]?.headers['Content-Type']?.values[0] ?? '',
          body: Buffer.concat(parts.map((p) => Buffer.from(p.body))).toString('utf8'),
        })
      );
    });
  }

  close(): void {
    for (const c of this.clients) c.close();
  }
}
