// Compensated (Kahan-Babuska-Neumaier) summation, as Prometheus uses for sum, avg and friends
// so results agree with it to the last bits.

/** A running compensated sum. */
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
