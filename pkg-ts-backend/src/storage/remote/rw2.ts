// Remote-Write 2.0 (`io.prometheus.write.v2.Request`): the message, written from the published
// field numbers of Prometheus's prompb/io/prometheus/write/v2/types.proto, and how a receiver
// appends it. Unlike 1.0, a 2.0 request may be written in part: series with bad labels or
// out-of-order samples are reported (400) while the rest is committed; only an internal error
// rolls the whole request back.
import * as protobuf from 'protobufjs';
import { isValidLegacyLabelName, Label, Labels, labelsFromPairs, METRIC_NAME } from '../../model/labels';
import { ErrOutOfOrderExemplar, ExemplarStorage } from '../exemplars';
import { Appendable, StorageError } from '../interface';

const PROTO = `
syntax = "proto3";
package io.prometheus.write.v2;

message Request {
  repeated string symbols = 4;
  repeated TimeSeries timeseries = 5;
}
message TimeSeries {
  repeated uint32 labels_refs = 1;
  repeated Sample samples = 2;
  repeated Histogram histograms = 3;
  repeated Exemplar exemplars = 4;
  Metadata metadata = 5;
  int64 created_timestamp = 6;
}
message Exemplar {
  repeated uint32 labels_refs = 1;
  double value = 2;
  int64 timestamp = 3;
}
message Sample {
  double value = 1;
  int64 timestamp = 2;
  int64 start_timestamp = 3;
}
message Metadata {
  enum MetricType {
    METRIC_TYPE_UNSPECIFIED = 0;
    METRIC_TYPE_COUNTER = 1;
    METRIC_TYPE_GAUGE = 2;
    METRIC_TYPE_HISTOGRAM = 3;
    METRIC_TYPE_GAUGEHISTOGRAM = 4;
    METRIC_TYPE_SUMMARY = 5;
    METRIC_TYPE_INFO = 6;
    METRIC_TYPE_STATESET = 7;
  }
  MetricType type = 1;
  uint32 help_ref = 3;
  uint32 unit_ref = 4;
}
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
  repeated double custom_values = 16;
}
`;

const RequestType = protobuf.parse(PROTO, { keepCase: false }).root.lookupType('io.prometheus.write.v2.Request');

export const PROTO_MSG_V1 = 'prometheus.WriteRequest';
export const PROTO_MSG_V2 = 'io.prometheus.write.v2.Request';
export type RemoteWriteProtoMsg = typeof PROTO_MSG_V1 | typeof PROTO_MSG_V2;

export const HEADER_SAMPLES_WRITTEN = 'X-Prometheus-Remote-Write-Samples-Written';
export const HEADER_HISTOGRAMS_WRITTEN = 'X-Prometheus-Remote-Write-Histograms-Written';
export const HEADER_EXEMPLARS_WRITTEN = 'X-Prometheus-Remote-Write-Exemplars-Written';

export interface Rw2Sample {
  value: number;
  timestamp: number;
}
export interface Rw2Exemplar {
  labelsRefs: number[];
  value: number;
  timestamp: number;
}
export interface Rw2TimeSeries {
  labelsRefs: number[];
  samples: Rw2Sample[];
  histograms: { timestamp: number }[];
  exemplars: Rw2Exemplar[];
  metadata?: { type: number; helpRef: number; unitRef: number } | null;
}
export interface Rw2Request {
  symbols: string[];
  timeseries: Rw2TimeSeries[];
}

const toObjectOpts: protobuf.IConversionOptions = { longs: Number, enums: Number, defaults: true, arrays: true };

/** Decodes a request and checks that every symbol reference resolves, so appending cannot meet a dangling one. */
export function decodeRw2Request(buf: Uint8Array): Rw2Request {
  const req = RequestType.toObject(RequestType.decode(buf), toObjectOpts) as Rw2Request;
  const check = (refs: number[]) => {
    if (refs.length % 2) throw new Error(`labels_refs has an odd length (${refs.length})`);
    for (const r of refs)
      if (r >= req.symbols.length)
        throw new Error(`symbol reference ${r} out of range (${req.symbols.length} symbols)`);
  };
  for (const ts of req.timeseries) {
    check(ts.labelsRefs);
    for (const e of ts.exemplars) check(e.labelsRefs);
  }
  return req;
}

export function encodeRw2Request(req: { symbols: string[]; timeseries: Partial<Rw2TimeSeries>[] }): Uint8Array {
  return RequestType.encode(RequestType.fromObject(req)).finish();
}

/** The proto message a Content-Type names; throws Prometheus's text (answered with 415). */
export function parseProtoMsg(contentType: string | undefined): RemoteWriteProtoMsg {
  const ct = (contentType ?? '').trim() || 'application/x-protobuf';
  const parts = ct.split(';');
  if (parts[0] !== 'application/x-protobuf')
    throw new Error(`expected application/x-protobuf as the first (media) part, got ${ct} content-type`);
  for (const p of parts.slice(1)) {
    const pair = p.split('=');
    if (pair.length !== 2) {
      throw new Error(
        `as per https://www.rfc-editor.org/rfc/rfc9110#parameter expected parameters to be key-values, got ${p} in ${ct} content-type`
      );
    }
    if (pair[0] === 'proto') {
      if (pair[1] !== PROTO_MSG_V1 && pair[1] !== PROTO_MSG_V2) {
        throw new Error(
          `got ${ct} content type; unknown remote write protobuf message ${pair[1]}, supported: ${PROTO_MSG_V1}, ${PROTO_MSG_V2}`
        );
      }
      return pair[1];
    }
  }
  return PROTO_MSG_V1;
}

export interface Rw2WriteStats {
  samples: number;
  histograms: number;
  exemplars: number;
}

export interface Rw2WriteResult {
  stats: Rw2WriteStats;
  /** Problems that make the answer a 400 though the rest was written (one line each). */
  badRequest: string[];
}

function pairs(symbols: string[], refs: number[]): Label[] {
  const out: Label[] = [];
  for (let i = 0; i < refs.length; i += 2) out.push({ name: symbols[refs[i]], value: symbols[refs[i + 1]] });
  return out;
}

/** A label set as Prometheus's Labels.String writes it: `{__name__="up", job="x"}`, sorted, duplicates kept. */
function labelsString(ls: readonly Label[]): string {
  const sorted = [...ls].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return `{${sorted.map((l) => `${isValidLegacyLabelName(l.name) ? l.name : JSON.stringify(l.name)}=${JSON.stringify(l.value)}`).join(', ')}}`;
}

/** Why a series' labels are unusable, in Prometheus's words, or undefined when they are fine. */
function invalidLabels(raw: Label[], labels: Labels): string | undefined {
  const shown = labelsString(raw);
  if (!labels.some((l) => l.name === METRIC_NAME) || raw.some((l) => l.name === ''))
    return `invalid metric name or labels, got ${shown}`;
  const seen = new Set<string>();
  for (const l of raw) {
    if (seen.has(l.name)) return `invalid labels for series, labels ${shown}, duplicated label ${l.name}`;
    seen.add(l.name);
  }
  return undefined;
}

/**
 * Appends a 2.0 request in one transaction. Bad series and rejected samples are skipped and
 * reported; anything else thrown by the appender rolls everything back and propagates.
 * Exemplars are stored after the commit (flint keeps them outside the TSDB).
 */
export async function appendRw2Request(
  appendable: Appendable,
  req: Rw2Request,
  exemplars?: ExemplarStorage
): Promise<Rw2WriteResult> {
  const stats: Rw2WriteStats = { samples: 0, histograms: 0, exemplars: 0 };
  const badRequest: string[] = [];
  const pendingExemplars: { series: Labels; e: Rw2Exemplar }[] = [];
  const app = appendable.appender();
  try {
    for (const ts of req.timeseries) {
      const raw = pairs(req.symbols, ts.labelsRefs);
      const labels = labelsFromPairs(raw);
      const invalid = invalidLabels(raw, labels);
      if (invalid) {
        badRequest.push(invalid);
        continue;
      }
      let ref = 0;
      for (const s of ts.samples) {
        try {
          ref = app.append(ref, labels, s.timestamp, s.value);
          stats.samples++;
        } catch (err) {
          if (!(err instanceof StorageError)) throw err;
          badRequest.push(`${err.message} for series ${labelsString(labels)}`);
        }
      }
      if (ts.histograms.length)
        badRequest.push(`native histograms are not supported for series ${labelsString(labels)}`);
      for (const e of ts.exemplars) pendingExemplars.push({ series: labels, e });
    }
  } catch (err) {
    app.rollback();
    throw err;
  }
  await app.commit();
  if (exemplars) {
    for (const { series, e } of pendingExemplars) {
      const err = exemplars.tryAdd(series, {
        labels: labelsFromPairs(pairs(req.symbols, e.labelsRefs)),
        value: e.value,
        ts: e.timestamp,
      });
      if (!err) stats.exemplars++;
      else if (err.message === ErrOutOfOrderExemplar) badRequest.push(`${err.message} for series ${labelsString(series)}`);
    }
  }
  return { stats, badRequest };
}
