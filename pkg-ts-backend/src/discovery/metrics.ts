// Service discovery's own metrics, named like Prometheus's prometheus_sd_* ones.
import { Counter, Gauge } from 'prom-client';
import { registry } from '../util/metrics';

export const discoveredTargets = new Gauge<'name' | 'config'>({
  name: 'flint_sd_discovered_targets',
  help: 'Current number of discovered targets.',
  labelNames: ['name', 'config'],
  registers: [registry],
});

export const receivedUpdatesTotal = new Counter<'name'>({
  name: 'flint_sd_received_updates_total',
  help: 'Total number of update events received from the SD providers.',
  labelNames: ['name'],
  registers: [registry],
});

export const updatesTotal = new Counter<'name'>({
  name: 'flint_sd_updates_total',
  help: 'Total number of update events sent to the SD consumers.',
  labelNames: ['name'],
  registers: [registry],
});

export const fileReadErrorsTotal = new Counter({
  name: 'flint_sd_file_read_errors_total',
  help: 'The number of File-SD read errors.',
  registers: [registry],
});

export const httpFailuresTotal = new Counter({
  name: 'flint_sd_http_failures_total',
  help: 'Number of HTTP service discovery refresh failures.',
  registers: [registry],
});

export const dnsLookupsTotal = new Counter({
  name: 'flint_sd_dns_lookups_total',
  help: 'The number of DNS-SD lookups.',
  registers: [registry],
});

export const dnsLookupFailuresTotal = new Counter({
  name: 'flint_sd_dns_lookup_failures_total',
  help: 'The number of DNS-SD lookup failures.',
  registers: [registry],
});
