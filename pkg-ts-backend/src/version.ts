// Build information reported by --version, /api/v1/status/buildinfo and the Grafana health check.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

function readVersion(): string {
  try {
    return (JSON.parse(readFileSync(join(__dirname, '..', 'package.json'), 'utf8')) as { version: string }).version;
  } catch {
    return '0.0.0';
  }
}

export const VERSION = readVersion();
export const BUILD_INFO = {
  version: VERSION,
  revision: process.env.FLINT_REVISION ?? 'unknown',
  branch: 'main',
  buildUser: 'flint',
  buildDate: '',
  goVersion: `node${process.versions.node}`,
};
