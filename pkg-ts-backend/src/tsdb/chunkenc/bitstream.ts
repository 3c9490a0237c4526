// Bit-level reader over byte arrays, most significant bit first. Values wider than 32 bits
// are read as two 32-bit halves because JavaScript bit operators work on 32 bits.

function mask(width: number): number {
  return width >= 32 ? -1 : (1 << width) - 1;
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
