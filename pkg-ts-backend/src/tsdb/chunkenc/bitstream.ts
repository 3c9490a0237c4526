// Bit-level writer and reader over byte arrays, most significant bit first. Values wider than
// 32 bits are passed as two 32-bit halves because JavaScript bit operators work on 32 bits.

function mask(width: number): number {
  return width >= 32 ? -1 : (1 << width) - 1;
}

export class BitWriter {
  private buf: Uint8Array;
  private bits = 0;

  constructor(initialBytes = 32) {
    this.buf = new Uint8Array(initialBytes);
  }

  /** Number of bits written so far. */
  bitLength(): number {
    return this.bits;
  }

  /**
   * The backing buffer. Bytes covering already written bits never change afterwards (new bits
   * are only OR-ed into fresh positions, and growth copies into a new buffer), so a reader may
   * keep decoding a previously returned buffer while writing continues.
   */
  buffer(): Uint8Array {
    return this.buf;
  }

  /** A right-sized copy of the written bytes. */
  bytes(): Uint8Array {
    return this.buf.slice(0, (this.bits + 7) >>> 3);
  }

  private ensure(extraBits: number): void {
    const need = (this.bits + extraBits + 7) >>> 3;
    if (need <= this.buf.length) return;
    // Grow by half, not double: a closed chunk is copied out, but the open one stays resident.
    let size = Math.max(8, this.buf.length + (this.buf.length >>> 1));
    while (size < need) size += size >>> 1;
    const next = new Uint8Array(size);
    next.set(this.buf);
    this.buf = next;
  }

  writeBit(bit: number): void {
    this.ensure(1);
    if (bit) this.buf[this.bits >>> 3] |= 0x80 >>> (this.bits & 7);
    this.bits++;
  }

  /** Writes the low `width` bits (0..32) of `value`. */
  writeBits(value: number, width: number): void {
    this.ensure(width);
    const buf = this.buf;
    let left = width;
    while (left > 0) {
      const free = 8 - (this.bits & 7);
      const take = free < left ? free : left;
      const chunk = (value >>> (left - take)) & mask(take);
      buf[this.bits >>> 3] |= chunk << (free - take);
      this.bits += take;
      left -= take;
    }
  }

  /** Unsigned LEB128-style varint of a non-negative safe integer, in 8-bit groups. */
  writeUvarint(n: number): void {
    while (n >= 128) {
      this.writeBits((n % 128) | 128, 8);
      n = Math.floor(n / 128);
    }
    this.writeBits(n, 8);
  }

  writeVarint(n: number): void {
    this.writeUvarint(n >= 0 ? n * 2 : -n * 2 - 1);
  }
}

export class BitReader {
  private pos: number;

  constructor(
    private readonly buf: Uint8Array,
    startBit = 0
  ) {
    this.pos = startBit;
  }

  readBit(): number {
    const p = this.pos++;
    return (this.buf[p >>> 3] >>> (7 - (p & 7))) & 1;
  }

  /** Reads `width` (0..32) bits as an unsigned integer. */
  readBits(width: number): number {
    const buf = this.buf;
    let out = 0;
    let left = width;
    while (left > 0) {
      const used = this.pos & 7;
      const avail = 8 - used;
      const take = avail < left ? avail : left;
      const chunk = (buf[this.pos >>> 3] >>> (avail - take)) & mask(take);
      out = ((out << take) | chunk) >>> 0;
      this.pos += take;
      left -= take;
    }
    return out;
  }

  readUvarint(): number {
    let result = 0;
    let scale = 1;
    for (;;) {
      const b = this.readBits(8);
      result += (b & 127) * scale;
      if (b < 128) return result;
      scale *= 128;
    }
  }

  readVarint(): number {
    const z = this.readUvarint();
    return z % 2 === 0 ? z / 2 : -(z + 1) / 2;
  }
}
