// Reader for the SDK's frame-JSON form (`{"schema": {...}, "data": {"values", "entities",
// "nanos"}}`): the JSON twin of an Arrow frame, which Grafana also accepts as
// DataResponse.frames when DataResponse.format is JSON.
import type { Field, FieldType, Frame, FrameLabels, FrameMeta, FieldConfig } from './frame';
import { GO_TYPE_NAMES } from './frame';

interface JsonFieldSchema {
  name?: string;
  typeInfo: { frame: string; nullable?: boolean };
  labels?: FrameLabels;
  config?: FieldConfig;
}

interface JsonFrame {
  schema: { name?: string; refId?: string; meta?: FrameMeta; fields: JsonFieldSchema[] };
  data?: {
    values: unknown[][];
    entities?: Array<{ NaN?: number[]; Inf?: number[]; NegInf?: number[] } | null>;
    nanos?: Array<number[] | null>;
  };
}

const FIELD_TYPE_BY_GO_NAME = new Map<string, FieldType>(
  Object.entries(GO_TYPE_NAMES).map(([type, goName]) => [goName, type as FieldType])
);

const INT64_MIN = -(2n ** 63n);
const INT64_MAX = 2n ** 63n - 1n;
const UINT64_MAX = 2n ** 64n - 1n;

// The SDK writes 64-bit integers as JSON numbers, and the extremes (2^63-1, 2^64-1) are not
// doubles: JSON.parse rounds them up by one. Saturating recovers the value that was written.
function saturatingBigInt(v: number, min: bigint, max: bigint): bigint {
  const b = BigInt(v);
  return b < min ? min : b > max ? max : b;
}

function convertValue(type: FieldType, v: unknown, nanos: number): unknown {
  if (v === null) return null;
  switch (type) {
    case 'int64':
      return saturatingBigInt(v as number, INT64_MIN, INT64_MAX);
    case 'uint64':
      return saturatingBigInt(v as number, 0n, UINT64_MAX);
    case 'time':
      return BigInt(v as number) * 1_000_000n + BigInt(nanos);
    case 'json':
      return JSON.stringify(v);
    case 'float32':
      return Math.fround(v as number);
    default:
      return v;
  }
}

/** Parses one frame in the SDK's frame-JSON form. */
export function frameFromSdkJson(json: unknown): Frame {
  const doc = json as JsonFrame;
  if (!doc || typeof doc !== 'object' || !doc.schema || !Array.isArray(doc.schema.fields)) {
    throw new Error('frame JSON: missing schema.fields');
  }
  const fields = doc.schema.fields.map((schemaField, index): Field => {
    const type = FIELD_TYPE_BY_GO_NAME.get(schemaField.typeInfo?.frame);
    if (type === undefined)
      throw new Error(`frame JSON: field ${index} has unknown type '${schemaField.typeInfo?.frame}'`);
    const raw = doc.data?.values[index] ?? [];
    const nanos = doc.data?.nanos?.[index] ?? null;
    const values: unknown[] = raw.map((v, row) => convertValue(type, v, nanos?.[row] ?? 0));
    const entities = doc.data?.entities?.[index] ?? null;
    if (entities) {
      for (const row of entities.NaN ?? []) values[row] = NaN;
      for (const row of entities.Inf ?? []) values[row] = Infinity;
      for (const row of entities.NegInf ?? []) values[row] = -Infinity;
    }
    const field = {
      name: schemaField.name ?? '',
      type,
      nullable: schemaField.typeInfo.nullable === true,
      values,
    } as Field;
    if (schemaField.labels !== undefined) field.labels = schemaField.labels;
    if (schemaField.config !== undefined) field.config = schemaField.config;
    return field;
  });
  const frame: Frame = { name: doc.schema.name ?? '', refId: doc.schema.refId ?? '', fields };
  if (doc.schema.meta !== undefined) frame.meta = doc.schema.meta;
  return frame;
}
