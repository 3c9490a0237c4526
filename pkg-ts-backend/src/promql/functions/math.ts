// Element-wise functions on instant vectors: f(value, scalar args at the step).
export type ElementFunction = (v: number, scalars: number[]) => number;

function sgn(v: number): number {
  if (v < 0) return -1;
  if (v > 0) return 1;
  return v;
}

export const ELEMENT_FUNCTIONS: Record<string, ElementFunction> = {
  abs: Math.abs,
  ceil: Math.ceil,
  floor: Math.floor,
  exp: Math.exp,
  sqrt: Math.sqrt,
  ln: Math.log,
  log2: Math.log2,
  log10: Math.log10,
  sgn,
  sin: Math.sin,
  cos: Math.cos,
  tan: Math.tan,
  asin: Math.asin,
  acos: Math.acos,
  atan: Math.atan,
  sinh: Math.sinh,
  cosh: Math.cosh,
  tanh: Math.tanh,
  asinh: Math.asinh,
  acosh: Math.acosh,
  atanh: Math.atanh,
  deg: (v) => (v * 180) / Math.PI,
  rad: (v) => (v * Math.PI) / 180,
  round: (v, [toNearest = 1]) => {
    // Rounding to 1/x, half up, like Prometheus (floor(v*inv+0.5)/inv).
    const inv = 1 / toNearest;
    return Math.floor(v * inv + 0.5) / inv;
  },
  clamp: (v, [min, max]) => Math.max(min, Math.min(max, v)),
  clamp_min: (v, [min]) => Math.max(min, v),
  clamp_max: (v, [max]) => Math.min(max, v),
};

/** Calendar functions of a Unix time in seconds, in UTC. */
export const DATE_FUNCTIONS: Record<string, (d: Date) => number> = {
  day_of_month: (d) => d.getUTCDate(),
  day_of_week: (d) => d.getUTCDay(),
  day_of_year: (d) =>
    Math.floor(
      (Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), d.getUTCDate()) - Date.UTC(d.getUTCFullYear(), 0, 1)) / 86400000
    ) + 1,
  days_in_month: (d) => new Date(Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 0)).getUTCDate(),
  hour: (d) => d.getUTCHours(),
  minute: (d) => d.getUTCMinutes(),
  month: (d) => d.getUTCMonth() + 1,
  year: (d) => d.getUTCFullYear(),
};
