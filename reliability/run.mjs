#!/usr/bin/env node
// The reliability suite: crash safety, bad input, overload, slow and oversized clients,
// and auth, each against a real flint process on 127.0.0.1. Bounded (a few minutes).
//
//   npm run test:reliability [-- --only crash,auth] [-- --json test-artifacts/reliability.json]
// Needs the built server (npm run build). Ends with `N passed, N failed`; exit 1 on failure.
import { existsSync } from 'node:fs';
import { FLINT_ENTRY, ROOT } from '../bench/lib.mjs';
import { join } from 'node:path';
import { Suite } from './harness.mjs';
import { crashSafety } from './crash.mjs';
import { badInput } from './badInput.mjs';
import { overload } from './overload.mjs';
import { clientLimits } from './clientLimits.mjs';
import { auth } from './auth.mjs';

const PARTS = { crash: crashSafety, 'bad-input': badInput, overload, 'client-limits': clientLimits, auth };
const argv = process.argv.slice(2);
const valueOf = (name) => {
  const i = argv.indexOf(name);
  return i >= 0 ? argv[i + 1] : undefined;
};
const only = valueOf('--only')?.split(',');
const jsonPath = valueOf('--json');

if (!existsSync(join(ROOT, 'pkg-ts-backend', 'dist', 'cmd', 'flint.js'))) {
  console.error(`reliability: ${FLINT_ENTRY} is not built; run npm run build first`);
  process.exit(2);
}

const suite = new Suite();
const started = Date.now();
// A hard stop keeps CI bounded even if a server hangs in a way no check catches.
const watchdog = setTimeout(() => {
  console.log(`reliability: suite exceeded 6 minutes, stopping`);
  suite.failed++;
  suite.finish(jsonPath);
  process.exit(1);
}, 6 * 60_000);
watchdog.unref();

for (const [name, run] of Object.entries(PARTS)) {
  if (only && !only.includes(name)) continue;
  const partStart = Date.now();
  console.log(`\n== ${name}`);
  try {
    await run(suite);
  } catch (err) {
    await suite.check(name, 'part ran to the end', () => `threw: ${err.stack ?? err}`);
  }
  console.log(`   (${name}: ${((Date.now() - partStart) / 1000).toFixed(1)} s)`);
}
console.log(`\nreliability suite took ${((Date.now() - started) / 1000).toFixed(1)} s`);
suite.finish(jsonPath);
process.exit(suite.failed > 0 ? 1 : 0);
