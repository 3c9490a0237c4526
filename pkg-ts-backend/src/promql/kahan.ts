// Compensated (Kahan-Babuska-Neumaier) summation, as Prometheus uses for sum, avg and friends
// so results agree with it to the last bits.

/** Adds inc to sum; returns the new sum and writes the new compensation into state[0]. */
export function kahanAdd(inc: number, sum: number, state: Float64Array): number {
  const t = sum + inc;
  if (t === Infinity || t === -Infinity) state[0] = 0;
  else if (Math.abs(sum) >= Math.abs(inc)) state[0] += sum - t + inc;
  else state[0] += inc - t + sum;
  return t;
}

/** Pair-returning form for code that keeps sum and compensation in locals. */
export class KahanSum {
  sum = 0;
  c = 0;

  add(inc: number): void {
    const t = this.sum + inc;
    if (t === Infinity || t === -Infinity) this.c = 0;
    else if (Math.abs(this.sum) >= Math.abs(inc)) this.c += this.sum - t + inc;
    else this.c += inc - t + this.sum;
    this.sum = t;
  }

  value(): number {
    return this.sum + this.c;
  }
}
