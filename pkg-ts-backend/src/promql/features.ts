// The PromQL language features Prometheus puts behind `--enable-feature`, by flag name, as the
// engine and parser options that switch them on. Shared by the server and `flint promqltest`.
import type { ParseOptions } from './parser';

export type LanguageFeatures = Required<ParseOptions>;

const FEATURE_OPTIONS: Readonly<Record<string, keyof LanguageFeatures | null>> = {
  'promql-experimental-functions': 'enableExperimentalFunctions',
  'promql-extended-range-selectors': 'enableExtendedRangeSelectors',
  'promql-binop-fill-modifiers': 'enableBinopFillModifiers',
  // Duration arithmetic is always on (as in Prometheus 3.14, where the flag is a no-op);
  // `step()` and `range()` inside durations come with the experimental functions.
  'promql-duration-expr': null,
};

/** The language options a set of `--enable-feature` names turns on (other names are ignored). */
export function languageFeatures(features: Iterable<string>): LanguageFeatures {
  const out: LanguageFeatures = {
    enableExperimentalFunctions: false,
    enableExtendedRangeSelectors: false,
    enableBinopFillModifiers: false,
  };
  for (const f of features) {
    const option = Object.hasOwn(FEATURE_OPTIONS, f) ? FEATURE_OPTIONS[f] : null;
    if (option) out[option] = true;
  }
  return out;
}

/** Every experimental language feature on, as upstream's test runner parses. */
export const ALL_LANGUAGE_FEATURES: LanguageFeatures = {
  enableExperimentalFunctions: true,
  enableExtendedRangeSelectors: true,
  enableBinopFillModifiers: true,
};
