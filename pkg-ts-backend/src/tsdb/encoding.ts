// Byte-level building blocks of the on-disk formats (WAL records, index, tombstones):
// LEB128 varints, zig-zag signed varints, length-prefixed UTF-8 strings and raw float64 bits.
import { isStaleNaN } from '../model/value';

const f64 = new Float64Array(1);
const f64Bytes = new Uint8Array(f64.buffer);
const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;
const STALE_BYTES = new Uint8Array([2, 0, 0, 0, 0, 0, 0xf0, 0x7f]); // little-endian 0x7ff0000000000002

export class ByteWriter {
  private buf: Uint8Array;
  private len = 0;

  constructor(initial = 256) {
    this.buf = new Uint8Array(initial);
  }

  get length(): number {
    return this.len;
  }

  private ensure(n: number): void {
    if (this.len + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.len + n) size *= 2;
    const next = new Uint8Array(size);
    next.set(this.buf.subarray(0, this.len));
    this.buf = next;
  }

  byte(b: number): void {
    this.ensure(1);
    this.buf[this.len++] = b;
  }

  u32(n: number): void {
    this.ensure(4);
    const b = this.buf;
    b[this.len++] = n & 0xff;
    b[this.len++] = (n >>> 8) & 0xff;
    b[this.len++] = (n >>> 16) & 0xff;
    b[this.len++] = (n >>> 24) & 0xff;
  }

  uvarint(n: number): void {
    this.ensure(10);
    const b = this.buf;
    while (n >= 128) {
      b[this.len++] = (n % 128) | 128;
      n = Math.floor(n / 128);
    }
    b[this.len++] = n;
  }

  varint(n: number): void {
    this.uvarint(n >= 0 ? n * 2 : -n * 2 - 1);
  }

  /** The float's exact bits, little-endian; any stale marker is written with its canonical bits. */
  f64(v: number): void {
    this.ensure(8);
    if (v !== v && isStaleNaN(v)) this.buf.set(STALE_BYTES, this.len);
    else {
      f64[0] = v;
      if (LITTLE_ENDIAN) this.buf.set(f64Bytes, this.len);
      else for (let i = 0; i < 8; i++) this.buf[this.len + i] = f64Bytes[7 - i];
    }
    this.len += 8;
  }

  bytes(data: Uint8Array): void {
    this.ensure(data.length);
    this.buf.set(data, this.len);
    this.len += data.length;
  }

  string(s: string): void {
    const data = Buffer.from(s, 'utf8');
    this.uvarint(data.length);
    this.bytes(data);
  }

  /** The written bytes (a view; valid until the next write). */
  view(): Uint8Array {
    return this.buf.subarray(0, this.len);
  }

  reset(): void {
    this.len = 0;
  }
}

export class CorruptionError extends Error {}

export class ByteReader {
  pos: number;

  constructor(
    readonly buf: Uint8Array,
    start = 0,
    private readonly end = buf.length
  ) {
    this.pos = start;
  }

  done(): boolean {
    return this.pos >= this.end;
  }

  private need(n: number): void {
    if (this.pos + n > this.end) throw new CorruptionError(`unexpected end of data at offset ${this.pos}`);
  }

  byte(): number {
    this.need(1);
    return this.buf[this.pos++];
  }

  u32(): number {
    this.need(4);
    const b = this.buf;
    const p = this.pos;
    this.pos += 4;
    return (b[p] | (b[p + 1] << 8) | (b[p + 2] << 16)) + b[p + 3] * 16777216;
  }

  uvarint(): number {
    let result = 0;
    let scale = 1;
    for (let i = 0; i < 10; i++) {
      const b = this.byte();
      result += (b & 127) * scale;
      if (b < 128) return result;
      scale *= 128;
    }
    throw new CorruptionError(`varint too long at offset ${this.pos}`);
  }

  varint(): number {
    const z = this.uvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }

  /** Reads a float with its exact bits (keep it in a typed array or field, never a number[]). */
  f64(): number {
    this.need(8);
    const b = this.buf;
    const p = this.pos;
    if (LITTLE_ENDIAN) for (let i = 0; i < 8; i++) f64Bytes[i] = b[p + i];
    else for (let i = 0; i < 8; i++) f64Bytes[i] = b[p + 7 - i];
    this.pos += 8;
    return f64[0];
  }

  bytes(n: number): Uint8Array {
    this.need(n);
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  string(): string {
    const n = this.uvarint();
    const data = this.bytes(n);
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString('utf8');
  }
}
