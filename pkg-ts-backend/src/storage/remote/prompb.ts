// Prometheus's remote storage protocol messages (package `prometheus`, Remote-Write 1.0 and
// remote read). Written from the published definitions in Prometheus's prompb/types.proto and
// prompb/remote.proto (same package, message names and field numbers); native histograms are
// declared only so their field is recognised.
import * as protobuf from 'protobufjs';

const PROTO = `
syntax = "proto3";
package prometheus;

message Label { string name = 1; string value = 2; }
message Sample { double value = 1; int64 timestamp = 2; }
message Exemplar { repeated Label labels = 1; double value = 2; int64 timestamp = 3; }
message BucketSpan { sint32 offset = 1; uint32 length = 2; }
message Histogram {
  oneof count { uint64 count_int = 1; double count_float = 2; }
  double sum = 3;
  sint32 schema = 4;
  double zero_threshold = 5;
  oneof zero_count { uint64 zero_count_int = 6; double zero_count_float = 7; }
  repeated BucketSpan negative_spans = 8;
  repeated sint64 negative_deltas = 9;
  repeated double negative_counts = 10;
  repeated BucketSpan positive_spans = 11;
  repeated sint64 positive_deltas = 12;
  repeated double positive_counts = 13;
  int32 reset_hint = 14;
  int64 timestamp = 15;
}
message TimeSeries {
  repeated Label labels = 1;
  repeated Sample samples = 2;
  repeated Exemplar exemplars = 3;
  repeated Histogram histograms = 4;
}
message MetricMetadata {
  enum MetricType { UNKNOWN = 0; COUNTER = 1; GAUGE = 2; HISTOGRAM = 3; GAUGEHISTOGRAM = 4; SUMMARY = 5; INFO = 6; STATESET = 7; }
  MetricType type = 1;
  string metric_family_name = 2;
  string help = 4;
  string unit = 5;
}
message LabelMatcher {
  enum Type { EQ = 0; NEQ = 1; RE = 2; NRE = 3; }
  Type type = 1;
  string name = 2;
  string value = 3;
}
message ReadHints {
  int64 step_ms = 1;
  string func = 2;
  int64 start_ms = 3;
  int64 end_ms = 4;
  repeated string grouping = 5;
  bool by = 6;
  int64 range_ms = 7;
}
message WriteRequest {
  repeated TimeSeries timeseries = 1;
  repeated MetricMetadata metadata = 3;
}
message Query {
  int64 start_timestamp_ms = 1;
  int64 end_timestamp_ms = 2;
  repeated LabelMatcher matchers = 3;
  ReadHints hints = 4;
}
message QueryResult { repeated TimeSeries timeseries = 1; }
message ReadRequest {
  enum ResponseType { SAMPLES = 0; STREAMED_XOR_CHUNKS = 1; }
  repeated Query queries = 1;
  repeated ResponseType accepted_response_types = 2;
}
message ReadResponse { repeated QueryResult results = 1; }
`;

const root = protobuf.parse(PROTO, { keepCase: false }).root;

export const WriteRequestType = root.lookupType('prometheus.WriteRequest');
export const ReadRequestType = root.lookupType('prometheus.ReadRequest');
export const ReadResponseType = root.lookupType('prometheus.ReadResponse');

export interface PbLabel {
  name: string;
  value: string;
}
export interface PbSample {
  value: number;
  timestamp: number;
}
export interface PbExemplar {
  labels: PbLabel[];
  value: number;
  timestamp: number;
}
export interface PbTimeSeries {
  labels: PbLabel[];
  samples: PbSample[];
  exemplars?: PbExemplar[];
  histograms?: unknown[];
}
export interface PbWriteRequest {
  timeseries: PbTimeSeries[];
  metadata?: { type: number; metricFamilyName: string; help: string; unit: string }[];
}
export interface PbLabelMatcher {
  type: number;
  name: string;
  value: string;
}
export interface PbQuery {
  startTimestampMs: number;
  endTimestampMs: number;
  matchers: PbLabelMatcher[];
  hints?: { stepMs?: number; func?: string; startMs?: number; endMs?: number; rangeMs?: number };
}
export interface PbReadRequest {
  queries: PbQuery[];
  acceptedResponseTypes?: number[];
}
export interface PbReadResponse {
  results: { timeseries: PbTimeSeries[] }[];
}

const toObjectOpts: protobuf.IConversionOptions = { longs: Number, enums: Number, defaults: true, arrays: true };

function decodeWith<T>(type: protobuf.Type, buf: Uint8Array): T {
  return type.toObject(type.decode(buf), toObjectOpts) as T;
}

export function decodeWriteRequest(buf: Uint8Array): PbWriteRequest {
  return decodeWith<PbWriteRequest>(WriteRequestType, buf);
}
export function encodeWriteRequest(req: PbWriteRequest): Uint8Array {
  return WriteRequestType.encode(WriteRequestType.fromObject(req)).finish();
}
export function decodeReadRequest(buf: Uint8Array): PbReadRequest {
  return decodeWith<PbReadRequest>(ReadRequestType, buf);
}
export function encodeReadRequest(req: PbReadRequest): Uint8Array {
  return ReadRequestType.encode(ReadRequestType.fromObject(req)).finish();
}
export function decodeReadResponse(buf: Uint8Array): PbReadResponse {
  return decodeWith<PbReadResponse>(ReadResponseType, buf);
}
export function encodeReadResponse(res: PbReadResponse): Uint8Array {
  return ReadResponseType.encode(ReadResponseType.fromObject(res)).finish();
}
