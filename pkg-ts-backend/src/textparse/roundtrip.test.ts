// Property: whatever a well-behaved client writes (any label values, any float), both parsers
// read back exactly.
import fc from 'fast-check';
import { labelsToRecord } from '../model/labels';
import { parseExposition } from './index';

const metricName = fc
  .stringMatching(/^[a-zA-Z_:][a-zA-Z0-9_:]{0,20}$/)
  .filter((n) => !/_(created|total|bucket)$/.test(n));
const labelName = fc
  .stringMatching(/^[a-zA-Z_][a-zA-Z0-9_]{0,15}$/)
  .filter((n) => n !== 'le' && n !== 'quantile' && n !== '__name__');
const labelValue = fc.string({ unit: 'binary', maxLength: 20 });
const sample = fc.record({
  name: metricName,
  labels: fc.uniqueArray(fc.tuple(labelName, labelValue), { selector: (t) => t[0], maxLength: 5 }),
  value: fc.double(),
  ts: fc.option(fc.integer({ min: -1e12, max: 1e13 }), { nil: undefined }),
});

function escape(v: string): string {
  return v.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

function formatValue(v: number): string {
  if (Object.is(v, -0)) return '-0';
  return Number.isNaN(v) ? 'NaN' : v === Infinity ? '+Inf' : v === -Infinity ? '-Inf' : String(v);
}

test('text and OpenMetrics round-trip arbitrary samples', () => {
  fc.assert(
    fc.property(fc.array(sample, { minLength: 1, maxLength: 10 }), (samples) => {
      const line = (s: (typeof samples)[number], om: boolean) =>
        `${s.name}{${s.labels.map(([n, v]) => `${n}="${escape(v)}"`).join(',')}} ${formatValue(s.value)}${s.ts === undefined ? '' : ' ' + (om ? String(s.ts / 1000) : String(s.ts))}`;
      const text = samples.map((s) => line(s, false)).join('\n') + '\n';
      const om = samples.map((s) => line(s, true)).join('\n') + '\n# EOF\n';
      for (const [body, type] of [
        [text, 'text/plain'],
        [om, 'application/openmetrics-text'],
      ] as const) {
        const p = parseExposition(body, type);
        expect(p.length).toBe(samples.length);
        samples.forEach((s, i) => {
          expect(labelsToRecord(p.labels[i])).toEqual({ __name__: s.name, ...Object.fromEntries(s.labels) });
          expect(p.values[i]).toBe(s.value);
          if (s.ts === undefined) expect(Number.isNaN(p.timestamps[i])).toBe(true);
          // OpenMetrics seconds become ms by truncating seconds*1000, as Prometheus does.
          else
            expect(p.timestamps[i]).toBe(type === 'text/plain' ? s.ts : Math.trunc(Number(String(s.ts / 1000)) * 1000));
        });
      }
    }),
    { numRuns: 200 }
  );
});
