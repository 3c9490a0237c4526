// Grafana's data frame, as its backend SDK defines it: named, typed columns of equal length
// with per-field labels and display config, plus frame-level metadata. This is the shape
// that travels in QueryDataResponse (encoded by ./arrow.ts).

/** The JavaScript representation of one value of each field type. */
export interface FieldValueTypes {
  string: string;
  int8: number;
  int16: number;
  int32: number;
  int64: bigint;
  uint8: number;
  uint16: number;
  uint32: number;
  uint64: bigint;
  float32: number;
  float64: number;
  bool: boolean;
  /** Nanoseconds since the Unix epoch (Grafana keeps full nanosecond precision). */
  time: bigint;
  /** Raw JSON text (the SDK's json.RawMessage). */
  json: string;
  /** Index into `config.type.enum.text`. */
  enum: number;
}

export type FieldType = keyof FieldValueTypes;

export const FIELD_TYPES: readonly FieldType[] = [
  'string',
  'int8',
  'int16',
  'int32',
  'int64',
  'uint8',
  'uint16',
  'uint32',
  'uint64',
  'float32',
  'float64',
  'bool',
  'time',
  'json',
  'enum',
];

/** Free-form field display config (unit, displayName, displayNameFromDS, interval, ...). */
export type FieldConfig = Record<string, unknown>;
export type FrameLabels = Record<string, string>;

interface FieldOf<K extends FieldType> {
  name: string;
  type: K;
  /** Whether the column may hold nulls (the SDK's pointer types). */
  nullable: boolean;
  values: Array<FieldValueTypes[K] | null>;
  labels?: FrameLabels;
  config?: FieldConfig;
}

/** A field of any type; `type` discriminates the element type of `values`. */
export type Field = { [K in FieldType]: FieldOf<K> }[FieldType];

export interface Notice {
  severity: 'info' | 'warning' | 'error';
  text: string;
}

/** FrameMeta; only the keys flint sets are typed, others pass through untouched. */
export interface FrameMeta {
  type?: string;
  typeVersion?: [number, number];
  custom?: unknown;
  notices?: Notice[];
  preferredVisualisationType?: string;
  executedQueryString?: string;
  [key: string]: unknown;
}

export interface Frame {
  name: string;
  refId: string;
  meta?: FrameMeta;
  fields: Field[];
}

/** The SDK's Go type names (`typeInfo.frame` in frame JSON) for each field type. */
export const GO_TYPE_NAMES: Record<FieldType, string> = {
  string: 'string',
  int8: 'int8',
  int16: 'int16',
  int32: 'int32',
  int64: 'int64',
  uint8: 'uint8',
  uint16: 'uint16',
  uint32: 'uint32',
  uint64: 'uint64',
  float32: 'float32',
  float64: 'float64',
  bool: 'bool',
  time: 'time.Time',
  json: 'json.RawMessage',
  enum: 'enum',
};

/** The `tstype` field metadata: the kind Grafana's TypeScript side sees. */
export function tsTypeOf(type: FieldType): 'string' | 'number' | 'boolean' | 'time' | 'other' | 'enum' {
  switch (type) {
    case 'string':
      return 'string';
    case 'bool':
      return 'boolean';
    case 'time':
      return 'time';
    case 'json':
      return 'other';
    case 'enum':
      return 'enum';
    default:
      return 'number';
  }
}

const NANOS_PER_MILLI = 1_000_000n;

/** Milliseconds (possibly fractional: Prometheus has ms precision) to nanoseconds. */
export function nanosFromMillis(ms: number): bigint {
  return BigInt(Math.trunc(ms)) * NANOS_PER_MILLI;
}

/** Prometheus API timestamps are seconds with millisecond decimals. */
export function nanosFromUnixSeconds(seconds: number): bigint {
  return nanosFromMillis(Math.round(seconds * 1000));
}

export function frameLength(frame: Frame): number {
  return frame.fields.length === 0 ? 0 : frame.fields[0].values.length;
}
