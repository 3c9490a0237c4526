// Data frames as Arrow IPC *file* bytes, the encoding of DataResponse.frames that Grafana's
// backend SDK reads and writes (ipc.NewFileReader / ipc.NewFileWriter): one record batch,
// schema metadata `name`, `refId`, `meta` (FrameMeta JSON), field metadata `labels`,
// `config` (JSON) and `tstype`, which tells enums from uint16 and JSON from binary.
import {
  Binary,
  Bool,
  Data,
  DataType,
  Field as ArrowField,
  Float32,
  Float64,
  Int16,
  Int32,
  Int64,
  Int8,
  makeData,
  makeVector,
  RecordBatch,
  RecordBatchFileReader,
  RecordBatchFileWriter,
  Schema,
  Struct,
  TimestampNanosecond,
  Type,
  Uint16,
  Uint32,
  Uint64,
  Uint8,
  Utf8,
} from 'apache-arrow';
import type { Field, FieldConfig, FieldType, Frame, FrameLabels, FrameMeta } from './frame';
import { tsTypeOf } from './frame';

const ARROW_MAGIC = 'ARROW1';
const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder();

export class FrameDecodeError extends Error {}

function arrowTypeOf(type: FieldType): DataType {
  switch (type) {
    case 'string':
      return new Utf8();
    case 'int8':
      return new Int8();
    case 'int16':
      return new Int16();
    case 'int32':
      return new Int32();
    case 'int64':
      return new Int64();
    case 'uint8':
      return new Uint8();
    case 'uint16':
    case 'enum':
      return new Uint16();
    case 'uint32':
      return new Uint32();
    case 'uint64':
      return new Uint64();
    case 'float32':
      return new Float32();
    case 'float64':
      return new Float64();
    case 'bool':
      return new Bool();
    case 'time':
      return new TimestampNanosecond();
    case 'json':
      return new Binary();
  }
}

/** Validity bitmap (bit set = value present), or undefined when nothing is null. */
function validityOf(values: readonly unknown[]): { nullCount: number; nullBitmap?: Uint8Array } {
  let nullCount = 0;
  for (const v of values) if (v === null) nullCount++;
  if (nullCount === 0) return { nullCount };
  const nullBitmap = new Uint8Array(Math.ceil(values.length / 8));
  values.forEach((v, i) => {
    if (v !== null) nullBitmap[i >> 3] |= 1 << (i & 7);
  });
  return { nullCount, nullBitmap };
}

function variableWidthBuffers(texts: ReadonlyArray<Uint8Array | null>): { valueOffsets: Int32Array; data: Uint8Array } {
  const valueOffsets = new Int32Array(texts.length + 1);
  let total = 0;
  texts.forEach((t, i) => {
    total += t === null ? 0 : t.length;
    valueOffsets[i + 1] = total;
  });
  const data = new Uint8Array(total);
  texts.forEach((t, i) => {
    if (t !== null) data.set(t, valueOffsets[i]);
  });
  return { valueOffsets, data };
}

type NumberArrayConstructor =
  | Int8ArrayConstructor
  | Int16ArrayConstructor
  | Int32ArrayConstructor
  | Uint8ArrayConstructor
  | Uint16ArrayConstructor
  | Uint32ArrayConstructor
  | Float32ArrayConstructor
  | Float64ArrayConstructor;

const NUMBER_ARRAYS: Partial<Record<FieldType, NumberArrayConstructor>> = {
  int8: Int8Array,
  int16: Int16Array,
  int32: Int32Array,
  uint8: Uint8Array,
  uint16: Uint16Array,
  enum: Uint16Array,
  uint32: Uint32Array,
  float32: Float32Array,
  float64: Float64Array,
};

function columnData(field: Field, type: DataType): Data {
  const length = field.values.length;
  const { nullCount, nullBitmap } = validityOf(field.values);
  if (nullCount > 0 && !field.nullable) {
    throw new Error(`field '${field.name}' is not nullable but holds ${nullCount} null value(s)`);
  }
  const base = { type, length, nullCount, nullBitmap };
  switch (field.type) {
    case 'string':
      return makeData({
        ...base,
        type: type as Utf8,
        ...variableWidthBuffers(field.values.map((v) => (v === null ? null : utf8Encoder.encode(v)))),
      });
    case 'json':
      return makeData({
        ...base,
        type: type as Binary,
        ...variableWidthBuffers(field.values.map((v) => (v === null ? null : utf8Encoder.encode(v)))),
      });
    case 'bool': {
      const bits = new Uint8Array(Math.ceil(length / 8));
      field.values.forEach((v, i) => {
        if (v === true) bits[i >> 3] |= 1 << (i & 7);
      });
      return makeData({ ...base, type: type as Bool, data: bits });
    }
    case 'int64':
    case 'time': {
      const data = new BigInt64Array(length);
      field.values.forEach((v, i) => {
        if (v !== null) data[i] = v;
      });
      return makeData({ ...base, type: type as Int64, data });
    }
    case 'uint64': {
      const data = new BigUint64Array(length);
      field.values.forEach((v, i) => {
        if (v !== null) data[i] = v;
      });
      return makeData({ ...base, type: type as Uint64, data });
    }
    default: {
      const ArrayType = NUMBER_ARRAYS[field.type] as NumberArrayConstructor;
      const data = new ArrayType(length);
      (field.values as ReadonlyArray<number | null>).forEach((v, i) => {
        if (v !== null) data[i] = v;
      });
      return makeData({ ...base, type: type as Float64, data: data as Float64Array });
    }
  }
}

function sortedMetadata(entries: Array<[string, string | undefined]>): Map<string, string> {
  const present = entries.filter((e): e is [string, string] => e[1] !== undefined);
  return new Map(present.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

/** Encodes one frame as an Arrow IPC file (the bytes of one `DataResponse.frames` entry). */
export function encodeFrameArrow(frame: Frame): Uint8Array {
  const length = frame.fields.length === 0 ? 0 : frame.fields[0].values.length;
  const arrowFields: ArrowField[] = [];
  const children: Data[] = [];
  for (const field of frame.fields) {
    if (field.values.length !== length) {
      throw new Error(
        `frame '${frame.name}': field '${field.name}' has ${field.values.length} values, expected ${length}`
      );
    }
    const type = arrowTypeOf(field.type);
    const metadata = sortedMetadata([
      ['tstype', tsTypeOf(field.type)],
      ['labels', field.labels === undefined ? undefined : JSON.stringify(field.labels)],
      ['config', field.config === undefined ? undefined : JSON.stringify(field.config)],
    ]);
    arrowFields.push(new ArrowField(field.name, type, field.nullable, metadata));
    children.push(columnData(field, type));
  }
  const schema = new Schema(
    arrowFields,
    sortedMetadata([
      ['name', frame.name],
      ['refId', frame.refId],
      ['meta', frame.meta === undefined ? undefined : JSON.stringify(frame.meta)],
    ])
  );
  const batch = new RecordBatch(schema, makeData({ type: new Struct(arrowFields), length, nullCount: 0, children }));
  return RecordBatchFileWriter.writeAll([batch]).toUint8Array(true);
}

function parseJsonMetadata<T>(metadata: Map<string, string>, key: string, where: string): T | undefined {
  const text = metadata.get(key);
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as T;
  } catch {
    throw new FrameDecodeError(`${where}: metadata '${key}' is not valid JSON`);
  }
}

function fieldTypeOf(field: ArrowField): FieldType {
  const tstype = field.metadata.get('tstype');
  const type = field.type as DataType;
  switch (type.typeId) {
    case Type.Utf8:
      return 'string';
    case Type.Bool:
      return 'bool';
    case Type.Binary:
      return 'json';
    case Type.Timestamp:
      if ((type as TimestampNanosecond).unit !== 3)
        throw new FrameDecodeError(`field '${field.name}': only nanosecond timestamps are frame times`);
      return 'time';
    case Type.Float:
      return (type as Float32 | Float64).precision === 1 ? 'float32' : 'float64';
    case Type.Int: {
      const int = type as Int8;
      const name = `${int.isSigned ? 'int' : 'uint'}${int.bitWidth}` as FieldType;
      return name === 'uint16' && tstype === 'enum' ? 'enum' : name;
    }
    default:
      throw new FrameDecodeError(`field '${field.name}': Arrow type ${String(type)} is not a data frame field type`);
  }
}

function columnValues(type: FieldType, chunks: Data[]): unknown[] {
  const out: unknown[] = [];
  for (const data of chunks) {
    const vector = makeVector(data);
    for (let i = 0; i < data.length; i++) {
      if (!data.getValid(i)) {
        out.push(null);
      } else if (type === 'time') {
        out.push((data.values as BigInt64Array)[data.offset + i]);
      } else if (type === 'json') {
        out.push(utf8Decoder.decode(vector.get(i) as Uint8Array));
      } else {
        out.push(vector.get(i));
      }
    }
  }
  return out;
}

/** Decodes the Arrow IPC file bytes of one frame. The stream format is refused, as Grafana refuses it. */
export function decodeFrameArrow(bytes: Uint8Array): Frame {
  const head = Buffer.from(bytes.subarray(0, ARROW_MAGIC.length)).toString('latin1');
  const tail = Buffer.from(bytes.subarray(bytes.length - ARROW_MAGIC.length)).toString('latin1');
  if (head !== ARROW_MAGIC || tail !== ARROW_MAGIC) {
    throw new FrameDecodeError(
      'not an Arrow IPC file (expected ARROW1 at both ends; the stream format is not a frame)'
    );
  }
  const reader = RecordBatchFileReader.from(bytes);
  reader.open();
  const schema = reader.schema;
  const batches = [...reader];
  const fields = schema.fields.map((arrowField, index) => {
    const type = fieldTypeOf(arrowField);
    const where = `field '${arrowField.name}'`;
    const field = {
      name: arrowField.name,
      type,
      nullable: arrowField.nullable,
      values: columnValues(
        type,
        batches.map((b) => b.data.children[index])
      ),
    } as Field;
    const labels = parseJsonMetadata<FrameLabels>(arrowField.metadata, 'labels', where);
    if (labels !== undefined) field.labels = labels;
    const config = parseJsonMetadata<FieldConfig>(arrowField.metadata, 'config', where);
    if (config !== undefined) field.config = config;
    return field;
  });
  const frame: Frame = {
    name: schema.metadata.get('name') ?? '',
    refId: schema.metadata.get('refId') ?? '',
    fields,
  };
  const meta = parseJsonMetadata<FrameMeta>(schema.metadata, 'meta', 'frame');
  if (meta !== undefined) frame.meta = meta;
  return frame;
}
