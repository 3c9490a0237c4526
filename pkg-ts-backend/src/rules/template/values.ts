// The Go values a template sees. Go distinguishes ints from float64s (`printf "%d"`, `eq`, `len`),
// so ints are boxed; float64 is a plain number; maps are Maps; structs carry their field names.

export class GoInt {
  constructor(readonly n: number) {}
}

/** A Go struct value (the template data, a query sample); `typeName` shows up in error messages. */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: Readonly<Record<string, GoValue>>
  ) {}
}

/** A time.Time (toTime's result) at millisecond precision, as Prometheus's model.Time keeps it. */
export class GoTime {
  constructor(readonly unixMs: number) {}
}

export type GoValue =
  | string
  | number
  | boolean
  | GoInt
  | GoStruct
  | GoTime
  | null
  | readonly GoValue[]
  | ReadonlyMap<string, GoValue>;

export function goTypeName(v: GoValue): string {
  if (v === null) return '<nil>';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'number') return 'float64';
  if (typeof v === 'boolean') return 'bool';
  if (v instanceof GoInt) return 'int';
  if (v instanceof GoStruct) return v.typeName;
  if (v instanceof GoTime) return 'time.Time';
  if (Array.isArray(v)) return '[]interface {}';
  return 'map[string]string';
}

/** Go's notion of an "empty" value for if/with/and/or/not: false, 0, "", nil, empty slice or map. */
export function isTrue(v: GoValue): boolean {
  if (v === null) return false;
  if (typeof v === 'string') return v !== '';
  if (typeof v === 'number') return v !== 0;
  if (typeof v === 'boolean') return v;
  if (v instanceof GoInt) return v.n !== 0;
  if (v instanceof GoStruct || v instanceof GoTime) return true;
  if (Array.isArray(v)) return v.length > 0;
  return (v as ReadonlyMap<string, GoValue>).size > 0;
}

export function isMap(v: GoValue): v is ReadonlyMap<string, GoValue> {
  return v instanceof Map;
}
