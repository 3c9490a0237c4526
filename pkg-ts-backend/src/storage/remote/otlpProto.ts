// OTLP/HTTP metrics messages (opentelemetry-proto packages collector.metrics.v1, metrics.v1,
// common.v1, resource.v1), written from the published field numbers for protobufjs. Only the
// fields the receiver reads are declared; unknown fields (entity refs, metadata, deprecated ones)
// are skipped by the decoder as protobuf requires.
import * as protobuf from 'protobufjs';

const PROTO = `
syntax = "proto3";
package otlp;

message AnyValue {
  oneof value {
    string string_value = 1;
    bool bool_value = 2;
    int64 int_value = 3;
    double double_value = 4;
    ArrayValue array_value = 5;
    KeyValueList kvlist_value = 6;
    bytes bytes_value = 7;
  }
}
message ArrayValue { repeated AnyValue values = 1; }
message KeyValueList { repeated KeyValue values = 1; }
message KeyValue { string key = 1; AnyValue value = 2; }
message InstrumentationScope {
  string name = 1;
  string version = 2;
  repeated KeyValue attributes = 3;
  uint32 dropped_attributes_count = 4;
}
message Resource {
  repeated KeyValue attributes = 1;
  uint32 dropped_attributes_count = 2;
}

message ResourceMetrics {
  Resource resource = 1;
  repeated ScopeMetrics scope_metrics = 2;
  string schema_url = 3;
}
message ScopeMetrics {
  InstrumentationScope scope = 1;
  repeated Metric metrics = 2;
  string schema_url = 3;
}
message Metric {
  string name = 1;
  string description = 2;
  string unit = 3;
  oneof data {
    Gauge gauge = 5;
    Sum sum = 7;
    Histogram histogram = 9;
    ExponentialHistogram exponential_histogram = 10;
    Summary summary = 11;
  }
}
enum AggregationTemporality {
  AGGREGATION_TEMPORALITY_UNSPECIFIED = 0;
  AGGREGATION_TEMPORALITY_DELTA = 1;
  AGGREGATION_TEMPORALITY_CUMULATIVE = 2;
}
message Gauge { repeated NumberDataPoint data_points = 1; }
message Sum {
  repeated NumberDataPoint data_points = 1;
  AggregationTemporality aggregation_temporality = 2;
  bool is_monotonic = 3;
}
message Histogram {
  repeated HistogramDataPoint data_points = 1;
  AggregationTemporality aggregation_temporality = 2;
}
message ExponentialHistogram {
  repeated ExponentialHistogramDataPoint data_points = 1;
  AggregationTemporality aggregation_temporality = 2;
}
message Summary { repeated SummaryDataPoint data_points = 1; }
message NumberDataPoint {
  repeated KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  oneof value {
    double as_double = 4;
    sfixed64 as_int = 6;
  }
  repeated Exemplar exemplars = 5;
  uint32 flags = 8;
}
message HistogramDataPoint {
  repeated KeyValue attributes = 9;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  optional double sum = 5;
  repeated fixed64 bucket_counts = 6;
  repeated double explicit_bounds = 7;
  repeated Exemplar exemplars = 8;
  uint32 flags = 10;
  optional double min = 11;
  optional double max = 12;
}
message ExponentialHistogramDataPoint {
  repeated KeyValue attributes = 1;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  optional double sum = 5;
  sint32 scale = 6;
  fixed64 zero_count = 7;
  uint32 flags = 10;
}
message SummaryDataPoint {
  message ValueAtQuantile {
    double quantile = 1;
    double value = 2;
  }
  repeated KeyValue attributes = 7;
  fixed64 start_time_unix_nano = 2;
  fixed64 time_unix_nano = 3;
  fixed64 count = 4;
  double sum = 5;
  repeated ValueAtQuantile quantile_values = 6;
  uint32 flags = 8;
}
message Exemplar {
  repeated KeyValue filtered_attributes = 7;
  fixed64 time_unix_nano = 2;
  oneof value {
    double as_double = 3;
    sfixed64 as_int = 6;
  }
  bytes span_id = 4;
  bytes trace_id = 5;
}

message ExportMetricsServiceRequest { repeated ResourceMetrics resource_metrics = 1; }
message ExportMetricsPartialSuccess {
  int64 rejected_data_points = 1;
  string error_message = 2;
}
message ExportMetricsServiceResponse { ExportMetricsPartialSuccess partial_success = 1; }
`;

const root = protobuf.parse(PROTO, { keepCase: false }).root;
const RequestType = root.lookupType('otlp.ExportMetricsServiceRequest');
const ResponseType = root.lookupType('otlp.ExportMetricsServiceResponse');

/**
 * A 64-bit integer as protobufjs decodes it (a `long` Long: two 32-bit halves), read without
 * going through a lossy double.
 */
export interface Int64 {
  low: number;
  high: number;
  unsigned: boolean;
  toNumber(): number;
  toString(): string;
}

// The shapes below are the decoded protobufjs messages themselves (no toObject copy): unset
// scalars read as their defaults, unset messages and proto3 `optional` fields as null, and
// each oneof has a virtual property naming the member that is set.

export interface OtlpAnyValue {
  stringValue: string;
  boolValue: boolean;
  intValue: Int64;
  doubleValue: number;
  arrayValue: { values: OtlpAnyValue[] } | null;
  kvlistValue: { values: OtlpKeyValue[] } | null;
  bytesValue: Uint8Array;
  value?: 'stringValue' | 'boolValue' | 'intValue' | 'doubleValue' | 'arrayValue' | 'kvlistValue' | 'bytesValue';
}
export interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue | null;
}
export interface OtlpExemplar {
  filteredAttributes: OtlpKeyValue[];
  timeUnixNano: Int64;
  asDouble: number;
  asInt: Int64;
  value?: 'asDouble' | 'asInt';
  spanId: Uint8Array;
  traceId: Uint8Array;
}
export interface OtlpNumberDataPoint {
  attributes: OtlpKeyValue[];
  timeUnixNano: Int64;
  asDouble: number;
  asInt: Int64;
  value?: 'asDouble' | 'asInt';
  exemplars: OtlpExemplar[];
  flags: number;
}
export interface OtlpHistogramDataPoint {
  attributes: OtlpKeyValue[];
  timeUnixNano: Int64;
  count: Int64;
  sum: number | null;
  bucketCounts: Int64[];
  explicitBounds: number[];
  exemplars: OtlpExemplar[];
  flags: number;
}
export interface OtlpSummaryDataPoint {
  attributes: OtlpKeyValue[];
  timeUnixNano: Int64;
  count: Int64;
  sum: number;
  quantileValues: { quantile: number; value: number }[];
  flags: number;
}
export interface OtlpExponentialHistogramDataPoint {
  attributes: OtlpKeyValue[];
  timeUnixNano: Int64;
}
export interface OtlpMetric {
  name: string;
  description: string;
  unit: string;
  gauge: { dataPoints: OtlpNumberDataPoint[] } | null;
  sum: { dataPoints: OtlpNumberDataPoint[]; aggregationTemporality: number; isMonotonic: boolean } | null;
  histogram: { dataPoints: OtlpHistogramDataPoint[]; aggregationTemporality: number } | null;
  exponentialHistogram: { dataPoints: OtlpExponentialHistogramDataPoint[]; aggregationTemporality: number } | null;
  summary: { dataPoints: OtlpSummaryDataPoint[] } | null;
}
export interface OtlpScopeMetrics {
  scope: { name: string; version: string; attributes: OtlpKeyValue[] } | null;
  metrics: OtlpMetric[];
  schemaUrl: string;
}
export interface OtlpResourceMetrics {
  resource: { attributes: OtlpKeyValue[] } | null;
  scopeMetrics: OtlpScopeMetrics[];
}
export interface OtlpExportRequest {
  resourceMetrics: OtlpResourceMetrics[];
}

export const AGGREGATION_TEMPORALITY_DELTA = 1;
export const AGGREGATION_TEMPORALITY_CUMULATIVE = 2;
/** DataPointFlags.FLAG_NO_RECORDED_VALUE: the series ended (Prometheus writes a stale marker). */
export const FLAG_NO_RECORDED_VALUE = 1;

export function decodeOtlpProtobuf(buf: Uint8Array): OtlpExportRequest {
  return RequestType.decode(buf) as unknown as OtlpExportRequest;
}

const HEX_ID = /^[0-9a-fA-F]*$/;

/**
 * OTLP JSON differs from protobuf's canonical JSON in one place that matters here: trace and span
 * ids are hex, not base64. They are turned into bytes before protobufjs reads the object.
 */
function hexIdsToBytes(node: unknown): void {
  if (Array.isArray(node)) {
    for (const item of node) hexIdsToBytes(item);
    return;
  }
  if (node === null || typeof node !== 'object') return;
  const obj = node as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    const v = obj[key];
    if ((key === 'traceId' || key === 'spanId' || key === 'trace_id' || key === 'span_id') && typeof v === 'string') {
      if (!HEX_ID.test(v) || v.length % 2) throw new Error(`invalid ${key} ${JSON.stringify(v)}: not hex`);
      obj[key] = Buffer.from(v, 'hex');
    } else {
      hexIdsToBytes(v);
    }
  }
}

export function decodeOtlpJson(text: string): OtlpExportRequest {
  const parsed: unknown = JSON.parse(text);
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error('request body is not a JSON object');
  hexIdsToBytes(parsed);
  return RequestType.fromObject(parsed as Record<string, unknown>) as unknown as OtlpExportRequest;
}

export interface OtlpPartialSuccess {
  rejectedDataPoints: number;
  errorMessage: string;
}

export function encodeOtlpResponse(partial?: OtlpPartialSuccess): Uint8Array {
  return ResponseType.encode(ResponseType.fromObject(partial ? { partialSuccess: partial } : {})).finish();
}

export function otlpResponseJson(partial?: OtlpPartialSuccess): string {
  return JSON.stringify(
    partial
      ? {
          partialSuccess: {
            rejectedDataPoints: String(partial.rejectedDataPoints),
            errorMessage: partial.errorMessage,
          },
        }
      : {}
  );
}

/** For tests and clients: the protobuf encoding of a request given in the decoded shape. */
export function encodeOtlpRequest(req: unknown): Uint8Array {
  return RequestType.encode(RequestType.fromObject(req as Record<string, unknown>)).finish();
}

export function decodeOtlpResponse(buf: Uint8Array): { partialSuccess?: OtlpPartialSuccess } {
  return ResponseType.toObject(ResponseType.decode(buf), { longs: Number }) as { partialSuccess?: OtlpPartialSuccess };
}
