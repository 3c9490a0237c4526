// The plugin protocol's gRPC definitions (./proto, loaded at run time) and the TypeScript
// shapes of the messages as @grpc/proto-loader hands them over with PROTO_OPTIONS: field
// names as in the .proto files, int64 as number (epoch milliseconds fit), enums as their
// names, bytes as Buffer, absent fields as their defaults.
import * as grpc from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { join } from 'node:path';

// tsc does not copy .proto files, so the compiled service reads them from the sources:
// from src/grafana/plugin and dist/grafana/plugin alike this is pkg-ts-backend/src/....
export const PROTO_DIR = join(__dirname, '..', '..', '..', 'src', 'grafana', 'plugin', 'proto');
const PROTO_FILES = ['backend.proto', 'goplugin.proto', 'health.proto'];

export const PROTO_OPTIONS: protoLoader.Options = {
  keepCase: true,
  longs: Number,
  enums: String,
  bytes: Buffer,
  defaults: true,
  oneofs: true,
  includeDirs: [PROTO_DIR],
};

export interface ProtocolServices {
  data: grpc.ServiceDefinition;
  diagnostics: grpc.ServiceDefinition;
  resource: grpc.ServiceDefinition;
  controller: grpc.ServiceDefinition;
  stdio: grpc.ServiceDefinition;
  health: grpc.ServiceDefinition;
}

/** The loaded protocol packages (`pluginv2`, `plugin`, `grpc.health.v1`). */
export function loadProtocolPackage(): grpc.GrpcObject {
  const definition = protoLoader.loadSync(
    PROTO_FILES.map((f) => join(PROTO_DIR, f)),
    PROTO_OPTIONS
  );
  return grpc.loadPackageDefinition(definition);
}

/** The client constructor (and `.service` definition) of a service by full name, e.g. `pluginv2.Data`. */
export function serviceConstructor(root: grpc.GrpcObject, path: string): grpc.ServiceClientConstructor {
  let node: unknown = root;
  for (const part of path.split('.')) node = (node as Record<string, unknown>)[part];
  if (typeof node !== 'function') throw new Error(`plugin protocol: service ${path} is missing from ${PROTO_DIR}`);
  return node as grpc.ServiceClientConstructor;
}

export function loadProtocolServices(): ProtocolServices {
  const root = loadProtocolPackage();
  return {
    data: serviceConstructor(root, 'pluginv2.Data').service,
    diagnostics: serviceConstructor(root, 'pluginv2.Diagnostics').service,
    resource: serviceConstructor(root, 'pluginv2.Resource').service,
    controller: serviceConstructor(root, 'plugin.GRPCController').service,
    stdio: serviceConstructor(root, 'plugin.GRPCStdio').service,
    health: serviceConstructor(root, 'grpc.health.v1.Health').service,
  };
}

export interface DataSourceInstanceSettings {
  id: number;
  name: string;
  url: string;
  user: string;
  database: string;
  basicAuthEnabled: boolean;
  basicAuthUser: string;
  jsonData: Buffer;
  decryptedSecureJsonData: Record<string, string>;
  lastUpdatedMS: number;
  uid: string;
  apiVersion: string;
}

export interface PluginContext {
  orgId: number;
  pluginId: string;
  user: { login: string; name: string; email: string; role: string } | null;
  dataSourceInstanceSettings: DataSourceInstanceSettings | null;
  grafanaConfig: Record<string, string>;
  pluginVersion: string;
  userAgent: string;
}

export interface TimeRange {
  fromEpochMS: number;
  toEpochMS: number;
}

export interface DataQuery {
  refId: string;
  maxDataPoints: number;
  intervalMS: number;
  timeRange: TimeRange | null;
  json: Buffer;
  queryType: string;
}

export interface QueryDataRequest {
  pluginContext: PluginContext | null;
  headers: Record<string, string>;
  queries: DataQuery[];
  format: 'ARROW' | 'JSON';
}

export type ErrorSource = 'plugin' | 'downstream';

export interface DataResponse {
  frames: Uint8Array[];
  error: string;
  status: number;
  errorSource: ErrorSource | '';
}

export interface QueryDataResponse {
  responses: Record<string, DataResponse>;
}

export interface CheckHealthRequest {
  pluginContext: PluginContext | null;
  headers: Record<string, string>;
}

export interface CheckHealthResponse {
  status: 'UNKNOWN' | 'OK' | 'ERROR';
  message: string;
  jsonDetails: Uint8Array;
}

export interface CollectMetricsResponse {
  metrics: { prometheus: Uint8Array };
}

export interface StringList {
  values: string[];
}

export interface CallResourceRequest {
  pluginContext: PluginContext | null;
  path: string;
  method: string;
  url: string;
  headers: Record<string, StringList>;
  body: Buffer;
}

export interface CallResourceResponse {
  code: number;
  headers: Record<string, StringList>;
  body: Uint8Array;
}
